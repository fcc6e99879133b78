#!/bin/bash
# mxref verify's own CPU per vector and the end-to-end rate against the raw Verilated rate (docs/PERFORMANCE.md,
# "Verification harness: per-vector path"). Runs, from the repository root, on mx_dot K = 32:
#   1. the bench free-running (raw simulation: vectors per CPU-second of the bench alone),
#   2. mxref verify on COUNT generated random vectors,
#   3. mxref verify on the same vectors from an .mxv file (written once, with the same generator and seed),
# and prints, for 2 and 3, mxref's CPU per vector (user + sys of the mxref process, from the run's own summary), the
# bench's CPU per vector, the wall rate and the rate as a share of the raw one. CPU per vector is the figure that stays
# meaningful when the machine is shared; the wall rates and the share are only meaningful on a quiet machine (the
# `uptime` load is printed beside them). MXREF=path/to/mxref compares another build (A/B in one window); RUNS=n repeats;
# MXREF_VERIFY_PROFILE=1 adds each run's table of CPU per vector by stage.
set -euo pipefail
MXREF=${MXREF:-out/mxref}
COUNT=${COUNT:-1000000}
SEED=${SEED:-1}
RUNS=${RUNS:-1}
FILE=${FILE:-out/perf/verify-cpu-r${COUNT}-s${SEED}.mxv}
STREAM=${STREAM:-out/perf/verify-cpu-r${COUNT}-s${SEED}.stream}
common=(--top mx_dot --param K=32)

[ -f rtl/mx_dot.f ] || { echo "run from the repository root" >&2; exit 2; }
mkdir -p "$(dirname "$FILE")"
if [ ! -f "$FILE" ]; then
  "$MXREF" vectors gen --random --count "$COUNT" --seed "$SEED" -o "$FILE" > /dev/null
fi

echo "mxref: $MXREF   vectors: $COUNT (seed $SEED)   $(uptime | sed 's/.*load/load/')"
free=$("$MXREF" verify "${common[@]}" --free-run "$COUNT" 2>&1)
raw=$(echo "$free" | grep -o 'cpu [0-9.]* s = [0-9]* vectors/cpu-s' | tail -1)
raw_rate=$(echo "$raw" | awk '{print $5}')
printf '%-10s %s (raw: the bench alone, free-running)\n' raw "$raw"
# The bench mxref verify runs, and its options (--posedge-only where the build says so).
bench=$(echo "$free" | grep -o 'verify: \(bench\|built\) [^ ]*' | awk '{print $3}')
# A here-string, not a pipe: under pipefail, `echo | grep -q` fails when grep exits before echo has written (SIGPIPE),
# and the replay then ran both clock edges — a raw-same rate for a bench that was never run that way.
edges=(); grep -q 'rising clock edges only' <<< "$free" && edges=(--posedge-only)
if [ ! -s "$STREAM" ]; then
  MXTB_RECORD="$STREAM.tmp" "$MXREF" verify "${common[@]}" --random --count "$COUNT" --seed "$SEED" > /dev/null 2>&1 || true
  [ -s "$STREAM.tmp" ] && mv "$STREAM.tmp" "$STREAM"
fi
same_rate=0
if [ -s "$STREAM" ] && same=$("$bench" "${edges[@]}" --replay "$STREAM" 2>&1 > /dev/null | grep -o 'cpu [0-9.]* s = [0-9]* vectors/cpu-s'); then
  same_rate=$(echo "$same" | awk '{print $5}')
  printf '%-10s %s (raw on the same vectors: the bench alone, replaying %s)\n' raw-same "$same" "$STREAM"
else
  printf '%-10s n/a (this bench has no --replay or did not record %s)\n' raw-same "$STREAM"
fi

run() { # label, options...
  local label=$1; shift
  local out
  out=$("$MXREF" verify "${common[@]}" "$@" 2>&1) || { echo "$out" | tail -20 >&2; exit 1; }
  [ "${MXREF_VERIFY_PROFILE:-}" = 1 ] && echo "$out" | sed -n '/verify profile/,/managed allocations/p'
  echo "$out" | awk -v label="$label" -v raw="$raw_rate" -v same="$same_rate" -v load="$(uptime | sed 's/.*average: //')" '
    /^  rate/ { rate = $2; gsub(",", "", rate) }
    /^  cpu/ { for (i = 1; i <= NF; i++) { if ($i == "simulation") sim = $(i+3); if ($i == "mxref") mx = $(i+3) }
               gsub(/[(]/, "", sim); gsub(/[(]/, "", mx) }
    END { printf "%-10s mxref %s ns/vector  bench %s ns/vector  end to end %d vectors/s wall = %.0f %% of raw, %.0f %% of raw-same (load %s)\n",
                 label, mx, sim, rate, (raw > 0 ? 100 * rate / raw : 0), (same > 0 ? 100 * rate / same : 0), load }'
}
for r in $(seq "$RUNS"); do
  run generated --random --count "$COUNT" --seed "$SEED"
  run file --vectors "$FILE"
done
