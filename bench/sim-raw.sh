#!/bin/bash
# The raw simulation rates of a `mxref verify` bench, for the measurement scripts (bench/verify-cpu.sh,
# `make bench-verify-rates`): one place that finds the bench, knows its options and reads its rate lines.
#
#   bench/sim-raw.sh free-run MXREF COUNT VERIFY-OPTIONS...
#       `MXREF verify VERIFY-OPTIONS --free-run COUNT` (builds the bench if needed); prints
#         raw <cpu … s = N vectors/cpu-s>      the bench free-running on its 4,096-record table of random bytes
#         bench <path> [--posedge-only]        the bench that ran and the options it runs with
#   bench/sim-raw.sh record MXREF FILE VERIFY-OPTIONS...
#       runs `MXREF verify VERIFY-OPTIONS` with MXTB_RECORD=FILE (the vectors the bench reads, as a stream file);
#       FILE appears only when the run recorded something
#   bench/sim-raw.sh replay FILE BENCH [--posedge-only]
#       the bench on FILE's vectors from memory, no I/O (mxtb --replay); prints
#         raw-same <cpu … s = N vectors/cpu-s>
# Exit status 1 (and the tool's last lines on stderr) when a step fails.
set -euo pipefail
rate='cpu [0-9.]* s = [0-9]* vectors/cpu-s'

case "${1:-}" in
free-run)
  mxref=$2 count=$3; shift 3
  out=$("$mxref" verify "$@" --free-run "$count" 2>&1) || { tail -20 <<< "$out" >&2; exit 1; }
  line=$(grep -o "$rate" <<< "$out" | tail -1) || { tail -20 <<< "$out" >&2; exit 1; }
  bench=$(grep -o 'verify: \(bench\|built\) [^ ]*' <<< "$out" | awk '{print $3}' | tail -1)
  # A here-string, not a pipe: under pipefail, `echo | grep -q` fails when grep exits before echo has written (SIGPIPE),
  # and the replay then ran both clock edges — a raw-same rate for a bench that was never run that way.
  edges=""; grep -q 'rising clock edges only' <<< "$out" && edges=" --posedge-only"
  echo "raw $line"
  echo "bench $bench$edges"
  ;;
record)
  mxref=$2 file=$3; shift 3
  MXTB_RECORD="$file.tmp" "$mxref" verify "$@" > /dev/null 2>&1 || true  # mismatches do not spoil the recording
  [ -s "$file.tmp" ] && mv "$file.tmp" "$file"
  rm -f "$file.tmp"
  ;;
replay)
  file=$2; shift 2
  out=$("$@" --replay "$file" 2>&1 > /dev/null) || { tail -20 <<< "$out" >&2; exit 1; }
  line=$(grep -o "$rate" <<< "$out") || { tail -20 <<< "$out" >&2; exit 1; }
  echo "raw-same $line"
  ;;
*)
  echo "usage: bench/sim-raw.sh free-run MXREF COUNT VERIFY-OPTIONS... | record MXREF FILE VERIFY-OPTIONS... | replay FILE BENCH [--posedge-only]" >&2
  exit 2
  ;;
esac
