#!/bin/bash
# mxref verify's own CPU per vector and the end-to-end rate as a share of the raw Verilated rate, mx_dot K = 32
# (docs/PERFORMANCE.md, "Verification harness: the bench's side of the stream"). From the repository root.
#
# Once: COUNT random vectors (seed SEED) are written to an .mxv file, and the stream of the generated run (the same
# vectors, as the bench reads them) is recorded. Then RUNS rounds, each of
#   raw-same   the bench alone on the run's own vectors, replayed from memory (no I/O, no mxref): vectors/CPU-second,
#   generated  mxref verify on the COUNT generated vectors: end-to-end wall rate, mxref's and the bench's CPU/vector,
#   file       mxref verify on the same vectors from the .mxv file (FILE=none skips it),
#   raw        the bench free-running on its own table of 4,096 random-byte records, printed beside them,
# with raw-same and the end-to-end runs alternating in order from round to round. Then the median and range, over the
# rounds, of the share of raw-same — the figure the share targets (≥ 90 %, ≥ 95 %) are judged by: the same vectors
# with and without the harness — and of the share of free-run, whose gap to raw-same is the vectors' content.
# CPU per vector is the figure that stays meaningful when the machine is shared; the wall shares are only meaningful on
# a quiet machine (the `uptime` load is printed beside them). MXREF=path/to/mxref compares another build (A/B in one
# window); MXREF_VERIFY_PROFILE=1 (or =split, model and coverage in rows of their own) adds each run's table of CPU
# per vector by stage.
set -euo pipefail
MXREF=${MXREF:-out/mxref}
COUNT=${COUNT:-1000000}
SEED=${SEED:-1}
RUNS=${RUNS:-3}
FILE=${FILE:-out/perf/verify-cpu-r${COUNT}-s${SEED}.mxv}
STREAM=${STREAM:-out/perf/verify-cpu-r${COUNT}-s${SEED}.stream}
common=(--top mx_dot --param K=32)
raw=bench/sim-raw.sh

[ -f rtl/mx_dot.f ] || { echo "run from the repository root" >&2; exit 2; }
mkdir -p "$(dirname "$STREAM")"
if [ "$FILE" != none ] && [ ! -f "$FILE" ]; then
  "$MXREF" vectors gen --random --count "$COUNT" --seed "$SEED" -o "$FILE" > /dev/null
fi
load() { cut -d' ' -f1-3 /proc/loadavg; }
rate_of() { awk '{print $(NF-1)}' <<< "$1"; }  # "… = N vectors/cpu-s" → N

echo "mxref: $MXREF   vectors: $COUNT (seed $SEED)   rounds: $RUNS   load $(load)"
free=$("$raw" free-run "$MXREF" "$COUNT" "${common[@]}")
read -r -a bench <<< "$(sed -n 's/^bench //p' <<< "$free")"
[ -s "$STREAM" ] || "$raw" record "$MXREF" "$STREAM" "${common[@]}" --random --count "$COUNT" --seed "$SEED"
[ -s "$STREAM" ] || { echo "this bench did not record $STREAM (no MXTB_RECORD support): no raw-same rate" >&2; exit 1; }
echo "bench: ${bench[*]}   same vectors: $STREAM"

e2e() { # label, options... → one line; sets e2e_rate
  local label=$1; shift
  local out
  out=$("$MXREF" verify "${common[@]}" "$@" 2>&1) || { echo "$out" | tail -20 >&2; exit 1; }
  # The stage table to stderr: this function's stdout is the one line the caller reads.
  case "${MXREF_VERIFY_PROFILE:-}" in 1|split) echo "$out" | sed -n '/verify profile/,/managed allocations/p' >&2 ;; esac
  local line
  line=$(echo "$out" | awk -v label="$label" -v load="$(load)" '
    /^  rate/ { rate = $2; gsub(",", "", rate) }
    /^  cpu/ { for (i = 1; i <= NF; i++) { if ($i == "simulation") sim = $(i+3); if ($i == "mxref") mx = $(i+3) }
               gsub(/[(]/, "", sim); gsub(/[(]/, "", mx) }
    END { printf "%s %s %s %s %s\n", label, rate, mx, sim, load }')
  echo "$line"
}

results=()
for r in $(seq "$RUNS"); do
  # The order alternates, so that a load that rises or falls through a round does not favour one side.
  steps=(same generated file free); [ $((r % 2)) = 0 ] && steps=(generated file same free)
  same_rate=0 free_rate=0 gen="" fil=""
  for step in "${steps[@]}"; do
    case $step in
      same) s=$("$raw" replay "$STREAM" "${bench[@]}"); same_rate=$(rate_of "$s"); same_load=$(load) ;;
      free) f=$("$raw" free-run "$MXREF" "$COUNT" "${common[@]}" | sed -n 's/^raw //p'); free_rate=$(rate_of "$f") ;;
      generated) gen=$(e2e generated --random --count "$COUNT" --seed "$SEED") ;;
      file) [ "$FILE" != none ] && fil=$(e2e file --vectors "$FILE") ;;
    esac
  done
  awk -v r="$r" -v same="$same_rate" -v free="$free_rate" -v load="$same_load" 'BEGIN {
    printf "round %d: raw-same %.0f ns/vector (load %s), raw %.0f ns/vector\n", r, 1e9 / same, load, 1e9 / free }'
  for e in "$gen" "$fil"; do
    [ -n "$e" ] || continue
    read -r label rate mx sim l1 l2 l3 <<< "$e"
    awk -v label="$label" -v rate="$rate" -v mx="$mx" -v sim="$sim" -v same="$same_rate" -v free="$free_rate" -v load="$l1 $l2 $l3" 'BEGIN {
      printf "  %-9s end to end %d vectors/s wall = %.1f %% of raw-same, %.1f %% of raw;  mxref %s ns/vector, bench %s ns/vector fed (replay CPU ÷ fed CPU = %.1f %%) (load %s)\n",
             label, rate, 100 * rate / same, 100 * rate / free, mx, sim, 100 * (1e9 / same) / sim, load }'
    results+=("$label $(awk -v rate="$rate" -v same="$same_rate" -v free="$free_rate" -v sim="$sim" 'BEGIN { printf "%.2f %.2f %.2f", 100 * rate / same, 100 * rate / free, 100 * (1e9 / same) / sim }')")
  done
done

# Median and range over the rounds, per input kind.
printf '%s\n' "${results[@]}" | awk -v runs="$RUNS" '
  function med(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
                                  return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
  function span(a, n) { return sprintf("%.1f %% (%.1f–%.1f)", med(a, n), a[1], a[n]) }
  { n[$1]++; s[$1, n[$1]] = $2; f[$1, n[$1]] = $3; c[$1, n[$1]] = $4; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
  END {
    print "share over " runs " rounds: median (min–max)"
    for (i = 1; i <= k; i++) { l = order[i]; m = n[l]
      for (j = 1; j <= m; j++) { a[j] = s[l, j]; b[j] = f[l, j]; d[j] = c[l, j] }
      printf "  %-9s of raw-same %s   of raw (free-run) %s   bench CPU, replay ÷ fed %s\n", l, span(a, m), span(b, m), span(d, m) }
    print "The share targets (≥ 90 %, ≥ 95 % of the raw simulation rate) are judged by the share of raw-same: the"
    print "bench on the same vectors with and without the harness. The share of raw differs from it by what the vectors"
    print "contain (free-run drives random bytes, which cost the Verilated model less per vector); it is printed for reference."
  }'
