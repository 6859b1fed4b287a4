#!/usr/bin/env bash
# Storm soak: the farm and the AAM each in a process of its own, started by ./gauntlet exactly as a user starts them
# (the launcher's JVM flags, data folders on disk), and `gauntlet run storm` sending its load through the AAM's proxy
# for DURATION (default 30m). Every SAMPLE seconds it records each server's resident memory (VmRSS from /proc) and the
# size of its data folder; at the end it prints both as they grew per hour, measured after WARMUP (default 5m) so
# that the JIT and the first heap growth are not counted as a leak. Everything listens on 127.0.0.1; the run is
# bounded by DURATION and the script kills what it started on exit.
#
#   bench/soak.sh                     # 30 min storm soak (about 35 min in all)
#   DURATION=10m WARMUP=2m bench/soak.sh
#
# Output: bench/results/soak-<time>/{samples.csv,farm.log,aam.log,run.log,report/} and a summary on stdout.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION=${DURATION:-30m}
WARMUP=${WARMUP:-5m}
SAMPLE=${SAMPLE:-30}
SCENARIO=${SCENARIO:-storm}
OUT="$ROOT/bench/results/soak-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"

seconds() { # 30m -> 1800, 90s -> 90, 2h -> 7200
  local v=$1
  case "$v" in
    *h) echo $(( ${v%h} * 3600 ));; *m) echo $(( ${v%m} * 60 ));; *s) echo "${v%s}";; *) echo "$v";;
  esac
}
DUR_S=$(seconds "$DURATION"); WARM_S=$(seconds "$WARMUP")
(( WARM_S < DUR_S )) || { echo "WARMUP ($WARMUP) must be shorter than DURATION ($DURATION)" >&2; exit 2; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
FARM_PORT=$(free_port); AAM_PORT=$(free_port)
FARM_URL="http://127.0.0.1:$FARM_PORT"; AAM_URL="http://127.0.0.1:$AAM_PORT"

"$ROOT/gauntlet" build -Dskip.ui=true >/dev/null   # once, before the clock starts
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

"$ROOT/gauntlet" farm --port "$FARM_PORT" --data "$OUT/farm-data" >"$OUT/farm.log" 2>&1 &
PIDS+=($!); FARM_PID=$!
"$ROOT/gauntlet" aam --port "$AAM_PORT" --farm-url "$FARM_URL" --data "$OUT/aam-data" >"$OUT/aam.log" 2>&1 &
PIDS+=($!); AAM_PID=$!

wait_up() { # url name pid
  local deadline=$((SECONDS + 120))
  until curl -sf -o /dev/null --max-time 2 "$1"; do
    kill -0 "$3" 2>/dev/null || { echo "$2 exited during start:" >&2; tail -20 "$OUT/$2.log" >&2; exit 1; }
    (( SECONDS < deadline )) || { echo "$2 did not answer $1 within 120 s" >&2; exit 1; }
    sleep 0.5
  done
}
wait_up "$FARM_URL/admin/status" farm "$FARM_PID"
wait_up "$AAM_URL/health" aam "$AAM_PID"

# The java process under each launcher (exec keeps the pid, but be safe if a wrapper stays in between).
java_pid() { local p=$1; local c; c=$(pgrep -P "$p" java || true); echo "${c:-$p}"; }
FARM_JPID=$(java_pid "$FARM_PID"); AAM_JPID=$(java_pid "$AAM_PID")
rss_mb() { awk '/^VmRSS:/ {printf "%.0f", $2/1024}' "/proc/$1/status" 2>/dev/null || echo -1; }
du_mb() { du -sm "$1" 2>/dev/null | awk '{print $1}' || echo 0; }

echo "t_s,farm_rss_mb,aam_rss_mb,farm_data_mb,aam_data_mb" >"$OUT/samples.csv"
"$ROOT/gauntlet" run "$SCENARIO" --duration "$DURATION" --aam-url "$AAM_URL" --report-dir "$OUT/report" >"$OUT/run.log" 2>&1 &
RUN_PID=$!; PIDS+=($RUN_PID)
start=$SECONDS
while kill -0 "$RUN_PID" 2>/dev/null && (( SECONDS - start < DUR_S + 600 )); do
  echo "$((SECONDS - start)),$(rss_mb "$FARM_JPID"),$(rss_mb "$AAM_JPID"),$(du_mb "$OUT/farm-data"),$(du_mb "$OUT/aam-data")" >>"$OUT/samples.csv"
  sleep "$SAMPLE"
done
wait "$RUN_PID" || true

python3 - "$OUT" "$WARM_S" <<'PY'
import csv, sys
out, warm = sys.argv[1], int(sys.argv[2])
rows = [r for r in csv.DictReader(open(f"{out}/samples.csv"))]
rows = [{k: float(v) for k, v in r.items()} for r in rows]
after = [r for r in rows if r["t_s"] >= warm]
if len(after) < 2:
    sys.exit("too few samples after the warm-up")
a, b = after[0], after[-1]
hours = (b["t_s"] - a["t_s"]) / 3600
print(f"soak: {len(rows)} samples over {rows[-1]['t_s']/60:.1f} min; growth per hour measured from {a['t_s']/60:.1f} to {b['t_s']/60:.1f} min")
for key, label in [("farm_rss_mb", "farm RSS"), ("aam_rss_mb", "AAM RSS"), ("farm_data_mb", "farm data folder"), ("aam_data_mb", "AAM data folder")]:
    peak = max(r[key] for r in rows)
    print(f"  {label:17s} {a[key]:8.0f} MB -> {b[key]:8.0f} MB   {(b[key]-a[key])/hours:+9.1f} MB/h   peak {peak:.0f} MB")
PY
sed -n '/^scenario/,$p' "$OUT/run.log"
echo "samples: $OUT/samples.csv"
