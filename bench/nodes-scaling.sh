#!/usr/bin/env bash
# Node scaling (issue 13): the throughput of 1, 2 and 3 AAM nodes on one PostgreSQL database and one Redis prefix,
# against a farm whose limits never bind, under the same offered load spread over the nodes.
#
#   bench/nodes-scaling.sh                        # 3 nodes, 48 connections, 60 s warm-up each, rounds 1 2 3 3 2 1 of 30 s (~10 min)
#   MAX_NODES=2 ORDER="1 2 2 1" CONNS=24 DURATION=20s bench/nodes-scaling.sh
#
# What runs, all on 127.0.0.1, each a process of its own (java -jar cli/target/gauntlet.jar, the launcher's JVM flags):
#   - the farm with bench/services (bench_rest: a REST API limited at 10,000,000 rps) at its start level, calm (no
#     faults, no latency);
#   - MAX_NODES AAM nodes with --store postgresql://127.0.0.1:5432/<own database>?user=postgres (created at the start,
#     dropped at the end) and --limits redis://127.0.0.1:6379/0?prefix=<own prefix> (its keys deleted at the end), one
#     connector (bench/nodes-scaling/connectors.yaml: bench_rest, mesh limit 100,000 rps, so the shared bucket never
#     refuses);
#   - the load: one wrk per node in use, in parallel (closed loop, -t1), CONNS connections in all split evenly over
#     the nodes in use (the same offered concurrency whatever their number), through each node's proxy: every
#     WRITE_EVERY-th request a POST (the mesh records its intent in PostgreSQL before sending it), the others GETs
#     (bench/nodes-scaling/mix.lua).
# All nodes start first and each is warmed up alone with the whole load (WARMUP each, 60 s: with 30 s a node still got
# 3x cheaper per call over the following rounds on this machine), so no round pays for a JVM's JIT; then each node's
# CPU with no load is measured (IDLE seconds); then the rounds use nodes 1..N in the order ORDER (each count twice, up then down, so a drift of the
# machine's load over the run weighs on every count alike) and each count's figures are the mean of its rounds.
# Reported per count: 2xx answers/s of the nodes together and the ratio to one node, answers by status, socket
# errors, and CPU per call (utime + stime from /proc/PID/stat over the measured window, over the calls served) of the
# nodes and of the farm; the load average beside them (other processes share the cores).
# Every load run is bounded by wrk -d; every wait has a deadline; the script stops what it started on exit.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HERE="$ROOT/bench/nodes-scaling"
JAR="$ROOT/cli/target/gauntlet.jar"
MAX_NODES=${MAX_NODES:-3}
read -r -a ORDER <<< "${ORDER:-1 2 3 3 2 1}"
CONNS=${CONNS:-48}
WARMUP=${WARMUP:-60s}
DURATION=${DURATION:-30s}
WRITE_EVERY=${WRITE_EVERY:-5}
JVM_OPTS=${GAUNTLET_JAVA_OPTS:-"-XX:+UseG1GC -Xmx1g"}
PG=${PG:-"-h 127.0.0.1 -U postgres"}
REDIS_URL_BASE=${REDIS_URL_BASE:-"redis://127.0.0.1:6379/0"}
RUN_ID="$(date +%s)$$"
OUT="$ROOT/bench/results/nodes-scaling-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
for n in "${ORDER[@]}"; do
  (( n >= 1 && n <= MAX_NODES )) || { echo "ORDER names $n nodes; MAX_NODES is $MAX_NODES" >&2; exit 2; }
done

command -v wrk >/dev/null || { echo "installing wrk ..." >&2; apt-get install -y -qq wrk >&2 || { apt-get update -qq >&2 && apt-get install -y -qq wrk >&2; }; }
if [[ ! -f "$JAR" ]]; then
  echo "building $JAR ..." >&2
  (cd "$ROOT" && MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow" ./mvnw -q -B -ntp -Dskip.ui=true -DskipTests -pl cli -am package) >&2
fi
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=$(ls -d /usr/lib/jvm/temurin-25*/bin/java 2>/dev/null | head -1); fi
[[ -x "$JAVA" ]] || { echo "need a JDK 25: set JAVA_HOME" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }   # utime + stime, in clock ticks
TICK_MS=$(awk -v hz="$(getconf CLK_TCK)" 'BEGIN{print 1000/hz}')
loadavg() { cut -d' ' -f1 /proc/loadavg; }
calc() { awk "BEGIN{ $1 }"; }

PIDS=()
DB="gauntlet_bench_nodes_$RUN_ID"
PREFIX="bench-nodes-$RUN_ID"
DB_MADE=""
stop_pid() { # pid: SIGTERM, then SIGKILL after 15 s
  local p=$1 deadline=$((SECONDS + 15))
  kill "$p" 2>/dev/null || return 0
  while kill -0 "$p" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
}
cleanup() {
  local p
  for p in "${PIDS[@]}"; do stop_pid "$p"; done
  if [[ -n "$DB_MADE" ]]; then
    # shellcheck disable=SC2086
    psql $PG -q -d postgres -c "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)" >/dev/null 2>&1 || echo "could not drop database $DB" >&2
  fi
  redis-cli -h 127.0.0.1 -p 6379 --scan --pattern "$PREFIX:*" | head -100000 | xargs -r redis-cli -h 127.0.0.1 -p 6379 del >/dev/null || true
}
trap cleanup EXIT

wait_for() { # url name pid log
  local deadline=$((SECONDS + 120))
  until curl -sf -o /dev/null --max-time 2 "$1"; do
    kill -0 "$3" 2>/dev/null || { echo "$2 exited during start:" >&2; tail -20 "$4" >&2; exit 1; }
    (( SECONDS < deadline )) || { echo "$2 did not answer $1 within 120 s" >&2; tail -20 "$4" >&2; exit 1; }
    sleep 0.5
  done
}

FARM_PORT=$(free_port); FARM_URL="http://127.0.0.1:$FARM_PORT"
# shellcheck disable=SC2086
"$JAVA" $JVM_OPTS -jar "$JAR" farm --port "$FARM_PORT" --services "$ROOT/bench/services" --seed 42 >"$OUT/farm.log" 2>&1 &
FARM_PID=$!; PIDS+=("$FARM_PID")
wait_for "$FARM_URL/admin/status" farm "$FARM_PID" "$OUT/farm.log"

# shellcheck disable=SC2086
psql $PG -q -d postgres -c "CREATE DATABASE \"$DB\"" >/dev/null
DB_MADE=1
STORE="postgresql://127.0.0.1:5432/$DB?user=postgres"
LIMITS="$REDIS_URL_BASE?prefix=$PREFIX"
NODE_PIDS=(); NODE_URLS=()
for i in $(seq 1 "$MAX_NODES"); do
  port=$(free_port); log="$OUT/aam$i.log"
  # shellcheck disable=SC2086
  "$JAVA" $JVM_OPTS -jar "$JAR" aam --port "$port" --farm-url "$FARM_URL" --data "$OUT/aam$i-data" \
    --connectors "$HERE/connectors.yaml" --store "$STORE" --limits "$LIMITS" >"$log" 2>&1 &
  pid=$!; PIDS+=("$pid"); NODE_PIDS+=("$pid"); NODE_URLS+=("http://127.0.0.1:$port")
  # one after the other: the first applies the migrations (the others would wait on Flyway's lock anyway)
  wait_for "http://127.0.0.1:$port/health" "aam$i" "$pid" "$log"
done

# run_wrk NAME NODES DURATION: one wrk per node 1..NODES at once, CONNS/NODES connections each
run_wrk() {
  local name=$1 n=$2 i wpids=()
  for i in $(seq 1 "$n"); do
    # --timeout 30s: wrk's own 2 s would count a slow answer of a starved machine as a socket error
    RUN_TAG="$RUN_ID-$name-$i" WRITE_EVERY=$WRITE_EVERY STATUS_FILE="$OUT/$name-aam$i.status.txt" \
      wrk -t1 -c"$((CONNS / n))" -d"$3" --timeout 30s --latency -s "$HERE/mix.lua" "${NODE_URLS[$((i - 1))]}" \
      >"$OUT/$name-aam$i.wrk.txt" 2>&1 &
    wpids+=($!)
  done
  for i in "${wpids[@]}"; do wait "$i"; done
}

echo "machine: $(nproc) cores; farm, nodes, PostgreSQL, Redis and wrk share them (and whatever else runs). JVM: $JVM_OPTS"
echo "load: $CONNS connections in all split over the nodes in use (wrk -t1 per node), every ${WRITE_EVERY}th request a POST, the others GETs"
echo "warm-up: each of the $MAX_NODES nodes alone with the whole load for $WARMUP; then rounds of $DURATION with ${ORDER[*]} node(s)"
for i in $(seq 1 "$MAX_NODES"); do
  # the warm-up of node i alone: shift node i to the front for run_wrk
  saved=("${NODE_URLS[@]}"); NODE_URLS=("${saved[$((i - 1))]}")
  run_wrk "warmup-$i" 1 "$WARMUP"
  NODE_URLS=("${saved[@]}")
done
# What a node costs with no load (housekeeping, heartbeats, pollers): CPU of every node over IDLE seconds of silence.
IDLE=${IDLE:-10}
idle0=(); for p in "${NODE_PIDS[@]}"; do idle0+=("$(cpu_ticks "$p")"); done
farm_idle0=$(cpu_ticks "$FARM_PID")
sleep "$IDLE"
idle_line=""
for i in $(seq 1 "$MAX_NODES"); do
  idle_line+="aam$i $(calc "printf \"%.1f\", ($(cpu_ticks "${NODE_PIDS[$((i - 1))]}") - ${idle0[$((i - 1))]}) * $TICK_MS / $IDLE") ms/s  "
done
echo "idle for $IDLE s (CPU ms per second): ${idle_line}farm $(calc "printf \"%.1f\", ($(cpu_ticks "$FARM_PID") - $farm_idle0) * $TICK_MS / $IDLE") ms/s"
echo

declare -A OK_SUM CALLS_SUM NODE_MS_SUM FARM_MS_SUM BAD_SUM ROUNDS_OF LOADS STATUS_OF PER_NODE
round=0
for n in "${ORDER[@]}"; do
  round=$((round + 1)); name="r$round-n$n"
  load0=$(loadavg)
  farm0=$(cpu_ticks "$FARM_PID"); node0=(); for p in "${NODE_PIDS[@]}"; do node0+=("$(cpu_ticks "$p")"); done
  run_wrk "$name" "$n" "$DURATION"
  farm1=$(cpu_ticks "$FARM_PID"); node1=(); for p in "${NODE_PIDS[@]}"; do node1+=("$(cpu_ticks "$p")"); done
  load1=$(loadavg)
  ok_rps=0; calls=0; bad=0; node_ms=0; line=""
  for i in $(seq 1 "$n"); do
    f="$OUT/$name-aam$i.wrk.txt"
    reqs=$(awk '/requests in/{print $1; exit}' "$f")
    non2xx=$(awk '/Non-2xx or 3xx responses:/{print $5; f=1} END{if(!f) print 0}' "$f")
    errs=$(awk '/Socket errors:/{ s=$0; gsub(/[^0-9 ]/, "", s); split(s, a, " "); print a[1]+a[2]+a[3]+a[4]; f=1 } END{ if(!f) print 0 }' "$f")
    # achieved throughput: 2xx answers per second (wrk's Requests/sec counts every answer)
    ok=$(awk '$1 ~ /^2/ {s += $2} END {print s + 0}' "$OUT/$name-aam$i.status.txt")
    rps=$(calc "r = $reqs; print (r > 0) ? $(awk '/^Requests\/sec:/{print $2}' "$f") * $ok / r : 0")
    ms=$(calc "print (${node1[$((i - 1))]} - ${node0[$((i - 1))]}) * $TICK_MS")
    ok_rps=$(calc "print $ok_rps + $rps"); node_ms=$(calc "print $node_ms + $ms")
    calls=$((calls + reqs)); bad=$((bad + non2xx + errs))
    line+="aam$i $(printf '%.0f' "$rps")/s p50 $(awk '$1=="50%"{print $2; exit}' "$f") p99 $(awk '$1=="99%"{print $2; exit}' "$f") $(calc "printf \"%.2f\", ($reqs > 0) ? $ms / $reqs : 0") ms CPU/call; "
  done
  farm_ms=$(calc "print ($farm1 - $farm0) * $TICK_MS")
  statuses=$(cat "$OUT/$name"-aam*.status.txt | awk '{s[$1]+=$2} END{for (k in s) printf "%s×%d ", k, s[k]}')
  printf 'round %d, %d node(s): %6.0f 2xx/s (status %s, errors %d), CPU per call: nodes %.3f ms, farm %.3f ms; load average %s -> %s\n      %s\n' \
    "$round" "$n" "$ok_rps" "$statuses" "$bad" "$(calc "print $node_ms / $calls")" "$(calc "print $farm_ms / $calls")" "$load0" "$load1" "$line"
  OK_SUM[$n]=$(calc "print ${OK_SUM[$n]:-0} + $ok_rps"); CALLS_SUM[$n]=$(( ${CALLS_SUM[$n]:-0} + calls ))
  NODE_MS_SUM[$n]=$(calc "print ${NODE_MS_SUM[$n]:-0} + $node_ms"); FARM_MS_SUM[$n]=$(calc "print ${FARM_MS_SUM[$n]:-0} + $farm_ms")
  BAD_SUM[$n]=$(( ${BAD_SUM[$n]:-0} + bad )); ROUNDS_OF[$n]=$(( ${ROUNDS_OF[$n]:-0} + 1 ))
  LOADS[$n]+="$load0→$load1 "; PER_NODE[$n]+="$(printf '%.0f' "$ok_rps") "
done

echo
echo "| nodes | 2xx/s, all nodes (mean of rounds) | vs 1 node | per round | non-2xx + errors | node CPU ms/call | farm CPU ms/call | load average (1 min) per round |"
echo "|---:|---:|---:|---|---:|---:|---:|---|"
one=$(calc "print ${OK_SUM[1]:-0} / ${ROUNDS_OF[1]:-1}")
for n in $(printf '%s\n' "${ORDER[@]}" | sort -nu); do
  mean=$(calc "print ${OK_SUM[$n]} / ${ROUNDS_OF[$n]}")
  printf '| %d | %.0f | %s | %s| %d | %.3f | %.3f | %s|\n' "$n" "$mean" "$(calc "if ($one > 0) printf \"%.2f\", $mean / $one; else print \"n/a\"")" \
    "${PER_NODE[$n]}" "${BAD_SUM[$n]}" "$(calc "print ${NODE_MS_SUM[$n]} / ${CALLS_SUM[$n]}")" "$(calc "print ${FARM_MS_SUM[$n]} / ${CALLS_SUM[$n]}")" "${LOADS[$n]}"
done
echo "raw wrk output, answers by status and logs: $OUT"
