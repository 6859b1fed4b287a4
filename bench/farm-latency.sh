#!/usr/bin/env bash
# Injected latency (DESIGN.md §10):
#  (a) 200 connections, 50 ms injected on every answer: the farm (chaos level delay50 from bench/chaos/bench-levels.yaml,
#      set through POST /admin/chaos) and WireMock 3.13 with default settings (withFixedDelay(50)); the ideal is
#      200 / 0.05 s = 4,000 req/s. Target: farm >= 0.95 of ideal.
#  (b) 1,000 concurrent requests, 2 s injected on each (level delay2s), fired at once by the bench jar's burst mode
#      (JDK HttpClient, HTTP/1.1, one connection per request). Target: all answered within 2.2 s.
#  Both also run against the bare Javalin route sleeping the same time: the server stack's own ceiling.
#
#   bench/farm-latency.sh
#
# Every wrk run is bounded by -d, the burst by its request count and timeout; servers listen on 127.0.0.1 only.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

CONNS=${CONNS:-200}
DELAY_MS=50
WARMUP=${WARMUP:-5s}
DURATION=${DURATION:-15s}
BURST_N=${BURST_N:-1000}

find_java
ensure_jar
ensure_wrk

IDEAL=$(awk -v c="$CONNS" -v d="$DELAY_MS" 'BEGIN{printf "%.0f", c*1000/d}')
echo "machine: $(nproc) cores; wrk -t2 -c$CONNS -d$DURATION --latency after a $WARMUP warm-up; ideal $IDEAL req/s"
echo
echo "(a) $CONNS connections, $DELAY_MS ms injected on every answer"
echo "| server | req/s | share of ideal $IDEAL | p50 ms | p99 ms | non-2xx+errors |"
echo "|---|---:|---:|---:|---:|---:|"
declare -A SHARE
for s in farm wiremock bare; do
  case $s in
    farm) start_server farm-delay farm-delay --level delay50 ;;
    wiremock) start_server wiremock-delay wiremock-delay --delay-ms "$DELAY_MS" ;;
    bare) start_server bare-delay bare-delay --delay-ms "$DELAY_MS" ;;
  esac
  wrk_run "$RESULTS/$s-delay.warmup.txt" -t2 -c"$CONNS" -d"$WARMUP"
  f="$RESULTS/$s-delay.txt"
  wrk_run "$f" -t2 -c"$CONNS" -d"$DURATION" --latency --timeout 10s
  rps=$(wrk_rps "$f")
  SHARE[$s]=$(ratio "$rps" "$IDEAL")
  printf '| %s | %.0f | %s | %.1f | %.1f | %s |\n' "$s" "$rps" "${SHARE[$s]}" "$(wrk_pct "$f" 50)" "$(wrk_pct "$f" 99)" \
    $(( $(wrk_non2xx "$f") + $(wrk_errors "$f") ))
  stop_server
done
echo "farm share of ideal = ${SHARE[farm]} (target >= 0.95: $(awk -v r="${SHARE[farm]}" 'BEGIN{print (r>=0.95)?"MET":"MISSED"}'))"
echo

echo "(b) $BURST_N concurrent requests, 2 s injected on each: the farm (level delay2s), then the bare route sleeping 2 s"
verdict=MET
for s in farm bare; do
  case $s in
    farm) start_server farm-burst farm-delay --level delay2s ;;
    bare) start_server bare-burst bare-delay --delay-ms 2000 ;;
  esac
  echo "$s:"
  set +e
  # The raw client (connections opened first, one selector) measures the server; the target applies to it. The JDK
  # HttpClient run is for reference: on 2 shared cores its per-answer work adds a few hundred ms to the last answer.
  # Round 1 of the JDK client also opens its connections; round 2 reuses them.
  "$JAVA" -Xmx1g -jar "$JAR" burst --client raw --url "$SERVER_URL$REQ_PATH" --n "$BURST_N" --header "X-API-Key: $API_KEY" \
    --rounds 3 --limit-ms 2200 --timeout-s 20 | tee "$RESULTS/$s-burst.txt"
  burst_rc=${PIPESTATUS[0]}
  "$JAVA" -Xmx1g -jar "$JAR" burst --client jdk --url "$SERVER_URL$REQ_PATH" --n "$BURST_N" --header "X-API-Key: $API_KEY" \
    --rounds 3 --limit-ms 2200 --timeout-s 20 | tee "$RESULTS/$s-burst-jdk.txt"
  set -e
  stop_server
  if [[ $s == farm ]]; then
    # Rounds 1 and 2 warm the JIT (1,000 first executions at once); the verdict is on round 3.
    grep "^round 3" "$RESULTS/farm-burst.txt" | grep -q MISS && verdict=MISSED
    [[ $burst_rc -le 1 ]] || verdict="FAILED (burst exited $burst_rc)"
  fi
done
echo "farm: 1,000 x 2 s within 2.2 s: $verdict"
