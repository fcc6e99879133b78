#!/bin/bash
# Golden-model and generation speed in one run (docs/PERFORMANCE.md, "Golden-model dot and generation speed"):
#   1. the load average (the figures below are CPU time, but a loaded machine still slows a core down),
#   2. which product-sum loop the published CLI runs (`mxref --version`),
#   3. ns of CPU per 32-element block dot for all 36 element format pairs, fused and fp32-sum (JIT, this machine's ISA),
#      then fused again in NativeAOT code compiled as the published CLI is (bench/aot: baseline x86-64, scalar loops),
#   4. `mxref vectors gen` of N random K = 32 vectors to a file, on all cores and on one worker thread: wall time,
#      user + sys CPU, vectors per second.
# Usage: scripts/bench-speed.sh [N]   (default 2000000; run `make build` first; `make bench-speed` does both)
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-2000000}
out=${OUT:-out}
[ -x "$out/mxref" ] || { echo "bench-speed: $out/mxref not found: run make build first" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== published CLI: $out/mxref --version"
"$out/mxref" --version

echo "== block dot, k = 32, FP32 out, rne: CPU ns per block (fastest of 5 batches), JIT build of bench/"
dotnet build bench/MxRef.Bench.csproj -c Release --nologo -v quiet >/dev/null
bench/bin/Release/net10.0/MxRef.Bench --cpu-time --quick DotPairBenchmarks | awk -F'|' '
  NR <= 2 { next }
  { split($3, p, /[=,]/); pair = p[2]; model = p[4]; gsub(/ /, "", pair); gsub(/ /, "", model); ns[pair, model] = $4 + 0
    if (!(pair in seen)) { seen[pair] = 1; order[++n] = pair } }
  END {
    printf "%-12s %10s %10s %8s %10s\n", "pair", "fused ns", "M/s", "fp32-sum", "ratio"
    worst = 0
    for (i = 1; i <= n; i++) { q = order[i]; f = ns[q, "fused"]; s = ns[q, "fp32-sum"]
      printf "%-12s %10.1f %10.1f %8.1f %10.2f\n", q, f, 1000 / f, s, s / f
      if (f > worst) { worst = f; wq = q } }
    printf "slowest fused pair: %s, %.1f ns (%.1f M blocks/s)\n", wq, worst, 1000 / worst }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# The same blocks inside NativeAOT code compiled as the published CLI is (baseline x86-64: the scalar loops, no AVX-512),
# which is what `mxref vectors gen`, `verify` and `dot` run.
echo "== block dot, k = 32, FP32 out, rne, fused: CPU ns per block in NativeAOT code as the published CLI (bench/aot)"
dotnet publish bench/aot/MxRef.DotAot.csproj -c Release --nologo -v quiet -o "$tmp/dotaot" >/dev/null
"$tmp/dotaot/dotaot" | awk 'NR <= 2 { print; next }
  { print; if ($2 > worst) { worst = $2; wq = $1 } }
  END { printf "slowest fused pair (NativeAOT): %s, %.1f ns (%.1f M blocks/s)\n", wq, worst, 1000 / worst }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"

# Twice: all cores (the figure the target is about) and --threads 1 (one worker beside the writer thread), so the CPU
# per vector of both and the parallel speed-up show side by side; the output bytes do not depend on the thread count.
# Each run writes a new file: replacing the previous run's 300 MB file would add the file system's freeing of its blocks
# (0.1–0.2 s, inside the atomic rename) to the second run only.
TIMEFORMAT='%R %U %S'
for threads in 0 1; do
  rm -f "$tmp/g.mxv"
  label=$([ "$threads" = 0 ] && echo "all cores" || echo "--threads 1")
  echo "== $out/mxref vectors gen --random --count $count --seed 1 --threads $threads (K = 32, $label)"
  { time "$out/mxref" vectors gen --random --count "$count" --seed 1 --threads "$threads" -o "$tmp/g.mxv" >/dev/null 2>&1; } 2> "$tmp/time"
  read -r wall user sys < "$tmp/time"
  awk -v n="$count" -v w="$wall" -v u="$user" -v s="$sys" 'BEGIN {
    printf "wall %.2f s, CPU %.2f s (user %.2f + sys %.2f): %.2f M vectors/s wall, %.0f ns CPU per vector, %.2f M vectors per CPU-second\n",
      w, u + s, u, s, n / w / 1e6, (u + s) * 1e9 / n, n / (u + s) / 1e6 }'
  echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done
