# Shared by bench/farm-throughput.sh and bench/farm-latency.sh; sourced, not run.
# Servers listen on 127.0.0.1 only and are started on port 0 (the OS picks a free port; the server prints it).

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT_DIR="$(cd "$BENCH_DIR/.." && pwd)"
JAR="$BENCH_DIR/target/gauntlet-bench.jar"
RESULTS="$BENCH_DIR/results"
API_KEY="bench_key_7f3a9c1e5b2d4680"
REQ_PATH="/api/bench/items/item_1"
# The same JVM settings for every server compared.
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:-"-Xms2g -Xmx2g"}
mkdir -p "$RESULTS"

find_java() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then :;
  elif [[ -x /usr/lib/jvm/temurin-25-jdk-amd64/bin/java ]]; then export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64;
  else echo "need a JDK 25: set JAVA_HOME" >&2; exit 1; fi
  JAVA="$JAVA_HOME/bin/java"
}

ensure_jar() {
  if [[ ! -f "$JAR" || -n "${REBUILD:-}" ]]; then
    echo "building $JAR ..." >&2
    (cd "$ROOT_DIR" && ./mvnw -q -B -P bench -pl bench -am package -DskipTests) >&2
  fi
}

ensure_wrk() {
  if ! command -v wrk >/dev/null; then
    echo "installing wrk ..." >&2
    apt-get update -qq >&2 && apt-get install -y -qq wrk >&2
  fi
}

# Raise the open-files limit for this shell and the servers it starts (1,000 connections on each side).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

SERVER_PID=""
SERVER_URL=""

# start_server NAME MODE [ARGS...]: starts the bench jar in MODE on a free port, waits (with a deadline) until it
# prints READY and answers the authenticated GET with 200, and sets SERVER_PID / SERVER_URL.
start_server() {
  local name=$1 mode=$2; shift 2
  local log="$RESULTS/$name.server.log"
  : >"$log"   # exists before the background job opens it, so the READY poll never races its creation
  # shellcheck disable=SC2086
  "$JAVA" $SERVER_JVM_OPTS ${EXTRA_JVM_OPTS:-} -jar "$JAR" "$mode" --port 0 --services "$BENCH_DIR/services" "$@" >"$log" 2>&1 &
  SERVER_PID=$!
  local deadline=$((SECONDS + 60))
  SERVER_URL=""
  while [[ -z "$SERVER_URL" ]]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "$name exited during start; log:" >&2; cat "$log" >&2; exit 1; fi
    if (( SECONDS > deadline )); then echo "$name did not print READY within 60 s; log:" >&2; cat "$log" >&2; stop_server; exit 1; fi
    SERVER_URL=$(awk '/^READY /{print $2; exit}' "$log")
    [[ -n "$SERVER_URL" ]] || sleep 0.2
  done
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "X-API-Key: $API_KEY" "$SERVER_URL$REQ_PATH")" == 200 ]]; do
    if (( SECONDS > deadline )); then echo "$name never answered 200 at $SERVER_URL$REQ_PATH; log:" >&2; cat "$log" >&2; stop_server; exit 1; fi
    sleep 0.2
  done
}

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    local deadline=$((SECONDS + 15))
    while kill -0 "$SERVER_PID" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
trap stop_server EXIT

# wrk_run OUTFILE WRK-ARGS...: runs wrk (always bounded by -d) against the server's record with the API key.
wrk_run() {
  local out=$1; shift
  wrk "$@" -H "X-API-Key: $API_KEY" "$SERVER_URL$REQ_PATH" >"$out" 2>&1 || { cat "$out" >&2; return 1; }
}

# Fields of a wrk --latency report: rps, p50 / p99 in ms, non-2xx count, socket errors.
wrk_rps() { awk '/^Requests\/sec:/{print $2}' "$1"; }
to_ms() { awk -v v="$1" 'BEGIN{ if (v ~ /us$/) printf "%.3f", v/1000; else if (v ~ /ms$/) printf "%.3f", v+0; else if (v ~ /s$/) printf "%.3f", v*1000; else print v }'; }
wrk_pct() { to_ms "$(awk -v p="$2%" '$1==p{print $2; exit}' "$1")"; }
wrk_non2xx() { awk '/Non-2xx or 3xx responses:/{print $5; f=1} END{if(!f) print 0}' "$1"; }
wrk_errors() { awk '/Socket errors:/{ s=$0; gsub(/[^0-9 ]/, "", s); split(s, a, " "); print a[1]+a[2]+a[3]+a[4]; f=1 } END{ if(!f) print 0 }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "n/a" }'; }
