#!/usr/bin/env bash
# Calm, authenticated GET of one record: the farm vs WireMock 3.13 (default settings, equivalent stub) vs a bare
# Javalin 7 route on virtual threads, one server at a time in the same run, then the farm's latency at half its peak.
# Targets (DESIGN.md §10): farm/wiremock >= 1.2, farm/bare >= 0.9.
#
#   bench/farm-throughput.sh              # ROUNDS=2 passes over the three servers (interleaved), ~3 minutes
#   ROUNDS=1 DURATION=10s bench/farm-throughput.sh
#
# Every wrk run is bounded by -d; servers listen on 127.0.0.1 only. Raw wrk output: bench/results/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-2}
CONNS=${CONNS:-64}
WARMUP=${WARMUP:-5s}
DURATION=${DURATION:-15s}
HALF_DURATION=${HALF_DURATION:-15s}
THINK_MS=${THINK_MS:-5}
read -r -a SERVERS <<< "${SERVERS:-farm wiremock bare}"

find_java
ensure_jar
ensure_wrk

echo "machine: $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GB", $2/1048576}' /proc/meminfo); load generator and server on the same cores"
echo "wrk -t$THREADS -c$CONNS -d$DURATION --latency (after a $WARMUP warm-up), GET $REQ_PATH with X-API-Key; JVM: $SERVER_JVM_OPTS"
echo

declare -A RPS P50 P99 BAD
for round in $(seq 1 "$ROUNDS"); do
  for s in "${SERVERS[@]}"; do
    start_server "$s" "$s"
    wrk_run "$RESULTS/$s.r$round.warmup.txt" -t"$THREADS" -c"$CONNS" -d"$WARMUP"
    wrk_run "$RESULTS/$s.r$round.txt" -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency
    f="$RESULTS/$s.r$round.txt"
    RPS[$s,$round]=$(wrk_rps "$f"); P50[$s,$round]=$(wrk_pct "$f" 50); P99[$s,$round]=$(wrk_pct "$f" 99)
    BAD[$s,$round]=$(( $(wrk_non2xx "$f") + $(wrk_errors "$f") ))
    printf 'round %d  %-9s %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  non-2xx+errors %s\n' "$round" "$s" \
      "${RPS[$s,$round]}" "${P50[$s,$round]}" "${P99[$s,$round]}" "${BAD[$s,$round]}"
    if [[ "$s" == farm && "$round" == "$ROUNDS" ]]; then
      # Latency at half the peak just measured, on the same warm process: wrk with a fixed think time per
      # connection (bench/paced.lua); a 3 s probe calibrates the connection count to hit peak/2.
      target=$(awk -v r="${RPS[farm,$round]}" 'BEGIN{printf "%d", r/2}')
      # first guess from the think time (latency assumed 0.5 ms), then one correction from a 3 s probe
      probe_c=$(awk -v t="$target" -v th="$THINK_MS" -v n="$THREADS" 'BEGIN{ c=int(t*(th+0.5)/1000+0.5); c-=c%n; if (c<n) c=n; print c }')
      WRK_THINK_MS=$THINK_MS wrk_run "$RESULTS/farm.half.probe.txt" -t"$THREADS" -c"$probe_c" -d3s -s "$BENCH_DIR/paced.lua"
      probe_rps=$(wrk_rps "$RESULTS/farm.half.probe.txt")
      half_c=$(awk -v t="$target" -v r="$probe_rps" -v c="$probe_c" -v th="$THREADS" \
        'BEGIN{ n=int(c*t/r+0.5); n=n-(n%th); if (n<th) n=th; if (n>1024) n=1024; print n }')
      WRK_THINK_MS=$THINK_MS wrk_run "$RESULTS/farm.half.txt" -t"$THREADS" -c"$half_c" -d"$HALF_DURATION" --latency -s "$BENCH_DIR/paced.lua"
      HALF_RPS=$(wrk_rps "$RESULTS/farm.half.txt"); HALF_P50=$(wrk_pct "$RESULTS/farm.half.txt" 50); HALF_P99=$(wrk_pct "$RESULTS/farm.half.txt" 99)
      HALF_TARGET=$target; HALF_C=$half_c
      printf 'round %d  farm@half %10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  (target %d req/s: %d connections, %d ms think time)\n' \
        "$round" "$HALF_RPS" "$HALF_P50" "$HALF_P99" "$target" "$half_c" "$THINK_MS"
    fi
    stop_server
  done
done

echo
echo "| server | req/s (mean of $ROUNDS) | p50 ms | p99 ms | per round req/s |"
echo "|---|---:|---:|---:|---|"
declare -A MEAN
for s in "${SERVERS[@]}"; do
  rs=""; sum=0; s50=0; s99=0
  for round in $(seq 1 "$ROUNDS"); do
    rs+="${RPS[$s,$round]} "
    sum=$(awk -v a="$sum" -v b="${RPS[$s,$round]}" 'BEGIN{print a+b}')
    s50=$(awk -v a="$s50" -v b="${P50[$s,$round]}" 'BEGIN{print a+b}')
    s99=$(awk -v a="$s99" -v b="${P99[$s,$round]}" 'BEGIN{print a+b}')
  done
  MEAN[$s]=$(awk -v a="$sum" -v n="$ROUNDS" 'BEGIN{printf "%.0f", a/n}')
  printf '| %s | %s | %.3f | %.3f | %s|\n' "$s" "${MEAN[$s]}" \
    "$(awk -v a="$s50" -v n="$ROUNDS" 'BEGIN{print a/n}')" "$(awk -v a="$s99" -v n="$ROUNDS" 'BEGIN{print a/n}')" "$rs"
done
printf '| farm at ~half peak (last round) | %.0f | %.3f | %.3f | target %d, %d connections |\n' "$HALF_RPS" "$HALF_P50" "$HALF_P99" "$HALF_TARGET" "$HALF_C"
echo
fw=$(ratio "${MEAN[farm]}" "${MEAN[wiremock]}"); fb=$(ratio "${MEAN[farm]}" "${MEAN[bare]}")
per_round=""
for round in $(seq 1 "$ROUNDS"); do
  per_round+="r$round: $(ratio "${RPS[farm,$round]}" "${RPS[wiremock,$round]}") / $(ratio "${RPS[farm,$round]}" "${RPS[bare,$round]}")  "
done
verdict() { awk -v r="$1" -v t="$2" 'BEGIN{ print (r >= t) ? "MET" : "MISSED" }'; }
echo "farm/wiremock = $fw  (target >= 1.2: $(verdict "$fw" 1.2))"
echo "farm/bare     = $fb  (target >= 0.9: $(verdict "$fb" 0.9))"
echo "per round farm/wiremock / farm/bare: $per_round"
