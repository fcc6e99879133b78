#!/bin/bash
# End-to-end `mxref quantize` on a 3.2 M-element FP32 tensor (docs/PERFORMANCE.md, "Quantize data path"):
#
#   scripts/bench-quantize-io.sh MXREF DIR [RUNS] [COUNT] [LARGE]     (make bench-quantize-io; MXREF = out/cli/mxref)
#
# Writes the deterministic sample tensor (`mxref recipes sample-tensor --seed 1`) as DIR/x.npy (float32, shape
# (COUNT/32, 32)) and DIR/x.txt (the same values, one 9-digit decimal per line), then times RUNS fresh processes each
# of: start-up alone (`mxref --version`, `mxref --help`), a one-value quantize, quantize .npy -> NumPy file set,
# quantize text -> file set, dequantize the set -> .npy; with LARGE (an element count, e.g. 32000000) also the .npy
# quantize of a LARGE-element tensor, to show how the end-to-end rate grows once start-up is a small share. Per run:
# wall and CPU (user + system of the process, from bash's time) and elements/s for both — the wall rate is the end-to-end
# figure (a fresh process, input file to output files) — then the best and the median run. The machine's load average
# is printed first and last and on every summary line: on a shared machine only CPU figures and the best wall figure
# mean much.
#
# A/B: with BASELINE=OTHER_MXREF in the environment, every run of every case runs OTHER_MXREF ("A", e.g. main's
# out/cli/mxref) and MXREF ("B") back to back, alternating which goes first, so that both see the same load, and the
# summary lines give each one's best and median. (Both write the same output files; compare the two builds' outputs separately.)
set -euo pipefail
mxref=${1:?usage: bench-quantize-io.sh MXREF DIR [RUNS] [COUNT]}
dir=${2:?usage: bench-quantize-io.sh MXREF DIR [RUNS] [COUNT]}
runs=${3:-5}
count=${4:-3200000}
large=${5:-}
mkdir -p "$dir"
echo 1.5 > "$dir/one.txt"
"$mxref" recipes sample-tensor --count "$count" --seed 1 -o "$dir/x.npy" --text "$dir/x.txt"
echo "# mxref quantize end to end, $count elements, $runs runs each; $(nproc) CPUs; load: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %9s %9s %9s %12s %12s\n' case wall_s user_s sys_s "M_el/s_wall" "M_el/s_cpu"
baseline=${BASELINE:-}
timed() { # COMMAND...: bash's time: wall, and user and system CPU of the child from wait4's rusage, to the millisecond
  { TIMEFORMAT='%3R %3U %3S'; time "$@" >/dev/null 2>&1; } 2>&1
}
row() { # NAME "WALL USER SYS": one result line
  awk -v n="$1" -v c="$count" '{ w=$1; cpu=$2+$3; printf "%-34s %9.3f %9.3f %9.3f %12.1f %12.1f\n", n, w, $2, $3, (w>0?c/w/1e6:0), (cpu>0?c/cpu/1e6:0) }' <<<"$2"
}
measure() { # NAME COMMAND...: RUNS timed runs, one line each, then best and median (with BASELINE: A and B alternating)
  local name=$1; shift
  if [[ -n "$baseline" ]]; then
    local a=() b=() t
    for ((i = 1; i <= runs; i++)); do
      if ((i % 2)); then
        t=$(timed "$baseline" "${@:2}"); a+=("$t"); row "A $name" "$t"
        t=$(timed "$@"); b+=("$t"); row "B $name" "$t"
      else # B first on even runs, so that neither side always runs second (after the other wrote the same files)
        t=$(timed "$@"); b+=("$t"); row "B $name" "$t"
        t=$(timed "$baseline" "${@:2}"); a+=("$t"); row "A $name" "$t"
      fi
    done
    summary "A $name" "${a[@]}"
    summary "B $name" "${b[@]}"
    return
  fi
  local rows=()
  for ((i = 1; i <= runs; i++)); do
    local t
    t=$(timed "$@")
    rows+=("$t")
    row "$name" "$t"
  done
  summary "$name" "${rows[@]}"
}
summary() { # NAME ROWS...: best and median of the rows' wall and CPU
  local name=$1; shift
  local rows=("$@")
  local walls cpus m
  walls=($(printf '%s\n' "${rows[@]}" | awk '{ print $1 }' | sort -g))
  cpus=($(printf '%s\n' "${rows[@]}" | awk '{ printf "%.3f\n", $2 + $3 }' | sort -g))
  m=$(( (${#walls[@]} - 1) / 2 ))
  awk -v n="$name" -v c="$count" -v w="${walls[0]}" -v cpu="${cpus[0]}" -v mw="${walls[$m]}" -v mc="${cpus[$m]}" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
    printf "# %s: best wall %.3f s (%.1f M el/s), best CPU %.3f s (%.1f M el/s); median wall %.3f s (%.1f M el/s), CPU %.3f s (%.1f M el/s); load %s\n",
           n, w, (w > 0 ? c / w / 1e6 : 0), cpu, (cpu > 0 ? c / cpu / 1e6 : 0), mw, (mw > 0 ? c / mw / 1e6 : 0), mc, (mc > 0 ? c / mc / 1e6 : 0), load }'
}
count=1 measure "start-up (mxref --version)" "$mxref" --version
count=1 measure "start-up (mxref --help)" "$mxref" --help
count=1 measure "quantize one value (text)" "$mxref" quantize --format mxfp8-e4m3 --recipe ocp -i "$dir/one.txt" -o "$dir/q1"
measure "quantize .npy -> file set" "$mxref" quantize --format mxfp8-e4m3 --recipe ocp -i "$dir/x.npy" -o "$dir/q"
measure "quantize text -> file set" "$mxref" quantize --format mxfp8-e4m3 --recipe ocp -i "$dir/x.txt" -o "$dir/qt"
measure "quantize .npy nvfp4 -> file set" "$mxref" quantize --format nvfp4 -i "$dir/x.npy" -o "$dir/qn"
measure "dequantize file set -> .npy" "$mxref" dequantize "$dir/q" -o "$dir/back.npy"
if [[ -n "$large" ]]; then
  "$mxref" recipes sample-tensor --count "$large" --seed 1 -o "$dir/xl.npy"
  count=$large
  measure "quantize .npy -> file set, $large el." "$mxref" quantize --format mxfp8-e4m3 --recipe ocp -i "$dir/xl.npy" -o "$dir/ql"
  rm -f "$dir"/xl.npy "$dir"/ql.*
fi
echo "# done; load: $(cut -d' ' -f1-3 /proc/loadavg)"
