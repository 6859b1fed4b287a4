# syntax=docker/dockerfile:1
# AAM Gauntlet in a container: one image, any gauntlet command (farm, aam, ui, up, run, dlq, list).
#
#   docker build -t gauntlet .
#   docker run --rm gauntlet --help
#   docker compose up            # PostgreSQL, Redis, farm, two AAM nodes and the UI (docker-compose.yml)
#
# Three stages: the control-room UI is built with Node 20 (npm ci, then the same `npm run build` the ui module's
# Maven build runs); the runnable jar with the Maven wrapper on a Temurin 25 JDK, the UI bundle copied in so Maven
# skips npm (-Dskip.ui=true: no Node in that stage, tests not run); it runs on a Temurin 25 JRE as a user without root.
# What tests check of this file and what they do not: docs/scaling-out.md, "Docker Compose".

ARG NODE_IMAGE=node:20-bookworm-slim
ARG JDK_IMAGE=eclipse-temurin:25-jdk-noble
ARG JRE_IMAGE=eclipse-temurin:25-jre-noble

FROM ${NODE_IMAGE} AS ui
WORKDIR /src/ui
COPY ui/package.json ui/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY ui/ ./
# tsc, vite (app and report viewer) and the bundle-size check, into ui/dist
RUN npm run build

FROM ${JDK_IMAGE} AS build
WORKDIR /src
COPY . .
# The ui module packages ui/dist as classpath resources (gauntlet-ui/**) whether or not it runs npm itself.
COPY --from=ui /src/ui/dist ui/dist
# Maven 3.9 still calls sun.misc.Unsafe (Guice); JDK 25 warns about it on every run without this.
ENV MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow"
# -DskipTests: the image is built from sources the test suite has already judged (./gauntlet test); -pl cli -am
# builds only what the CLI jar holds (not the conformance suite nor the examples).
RUN --mount=type=cache,target=/root/.m2 \
    ./mvnw -B -ntp -q -Dskip.ui=true -DskipTests -pl cli -am package \
    && test -s ui/target/classes/gauntlet-ui/index.html \
    && test -s cli/target/gauntlet.jar

FROM ${JRE_IMAGE}
# curl for the health check only (the Temurin 25 images carry no HTTP client).
RUN apt-get update \
    && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/*
# A system user without a login shell; its home is the data folder (a named volume mounted here starts with this
# owner and mode, so the AAM's SQLite file and the farm's ledger are the user's alone).
RUN groupadd --system --gid 10001 gauntlet \
    && useradd --system --uid 10001 --gid gauntlet --home-dir /var/lib/gauntlet --shell /usr/sbin/nologin gauntlet \
    && mkdir -p /var/lib/gauntlet \
    && chown gauntlet:gauntlet /var/lib/gauntlet \
    && chmod 0700 /var/lib/gauntlet
COPY --from=build /src/cli/target/gauntlet.jar /opt/gauntlet/gauntlet.jar
USER gauntlet:gauntlet
WORKDIR /var/lib/gauntlet

# JVM flags for a container: G1 as the launcher chose by figures (bench/README.md, "GC and heap"), named here because
# the JVM picks the serial collector by itself in a container with fewer than 2 CPUs or under 1792 MB; the heap a
# share of the container's memory limit (set one: mem_limit in docker-compose.yml; without a limit it is a share of
# the host's RAM); a JVM out of heap exits so the restart policy starts a fresh one instead of limping on.
# Replace them all with -e JAVA_OPTS=….
ENV JAVA_OPTS="-XX:+UseG1GC -XX:MaxRAMPercentage=65 -XX:+ExitOnOutOfMemoryError"
# What the health check asks: the AAM's GET /health by default (200 while it serves; 503 while its store is
# degraded). Set it per service for the farm (/admin/status on 8001) or the UI (/ on 3000); the token, when set,
# is sent as the servers require it beyond loopback.
ENV GAUNTLET_HEALTH_URL="http://127.0.0.1:8002/health"
EXPOSE 8001 8002 3000
VOLUME ["/var/lib/gauntlet"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null --max-time 4 -H "X-Gauntlet-Token: ${GAUNTLET_TOKEN:-}" "$GAUNTLET_HEALTH_URL" || exit 1
# sh only to expand JAVA_OPTS; exec hands PID and signals to the JVM (SIGTERM stops the servers cleanly).
ENTRYPOINT ["sh", "-c", "exec java $JAVA_OPTS -jar /opt/gauntlet/gauntlet.jar \"$@\"", "gauntlet"]
CMD ["--help"]
