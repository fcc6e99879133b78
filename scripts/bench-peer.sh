#!/bin/bash
# MxRef's in-process quantization against microxcaling's PyTorch CPU path, side by side on the same tensors, formats
# and thread counts, plus a bit comparison of the `microxcaling` recipe with microxcaling's output
# (docs/PERFORMANCE.md "Quantization against microxcaling (PyTorch CPU)", docs/quantization.md):
#
#   scripts/bench-peer.sh MICROXCALING DIR [ROUNDS] [SIZES] [CALLS]   (make bench-peer MICROXCALING=/path/to/microxcaling)
#
# The two sides alternate within each cell (tensor, format, thread count): ROUNDS rounds (default 5), each CALLS calls
# of the peer (default 5) then CALLS calls of MxRef, after a warm-up of at least one call and one second each. The peer
# is a server process (bench/peer/microxcaling_bench.py) that MxRef.Bench --peer-compare drives, so a round's two halves
# see the same phase of the machine; the table gives per cell the median of the rounds' ratios (best call against best
# call of the round) and their range, by wall clock and by CPU time (all threads of each process), and DIR/rounds.jsonl
# keeps every round.
#
# MICROXCALING is a checkout of https://github.com/microsoft/microxcaling (git clone it anywhere; nothing in MxRef's
# build or tests uses it). PyTorch comes from Debian (python3-torch, run with /usr/bin/python3): installed here when
# missing. SIZES (default 3200000) are the sample tensors' element counts (32000000 takes the peer ~1 s per call).
#
# The peer runs with glibc's malloc keeping freed memory (no mmap()ed chunks, trim threshold at 4 GB), its fastest
# configuration: by default each of its tensor ops may fault in a fresh tensor page by page, which made single calls
# 4-7x slower at random (bench/peer/microxcaling_bench.py). PEER_MALLOC=default runs it with glibc's defaults.
# MxRef's side runs with DOTNET_GCRetainVM=1 for the same reason (the GC keeps freed segments committed) and with
# DOTNET_GCLOHThreshold=0x2000000: result arrays up to 32 MB are then allocated in gen0, whose memory the GC reuses,
# instead of the large object heap, whose freed arrays came back as fresh pages faulted in on every call (782 faults
# for a 3.2 MB result; docs/PERFORMANCE.md). PEER_MALLOC=default runs both sides with their runtime's defaults.
set -euo pipefail
mx=${1:-}
dir=${2:?usage: bench-peer.sh MICROXCALING DIR [ROUNDS] [SIZES] [CALLS]}
rounds=${3:-5}
sizes=${4:-3200000}
calls=${5:-5}
python=/usr/bin/python3
if [[ -z "$mx" || ! -f "$mx/mx/mx_ops.py" ]]; then
  echo "bench-peer: MICROXCALING='$mx' is not a microxcaling checkout (no mx/mx_ops.py)." >&2
  echo "  get one: git clone https://github.com/microsoft/microxcaling /tmp/microxcaling" >&2
  echo "  then:    make bench-peer MICROXCALING=/tmp/microxcaling" >&2
  exit 2
fi
if ! "$python" -c 'import torch, numpy' 2>/dev/null; then
  echo "bench-peer: PyTorch not found for $python: installing the Debian package python3-torch (apt-get install -y python3-torch)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch >/dev/null; } ||
    { echo "bench-peer: could not install python3-torch: install it (or PyTorch for $python) and rerun" >&2; exit 2; }
fi
bench=bench/bin/Release/net10.0/MxRef.Bench
"${DOTNET:-dotnet}" build bench/MxRef.Bench.csproj -c Release --nologo -v quiet >/dev/null
mkdir -p "$dir"
echo "# machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# microxcaling: $(git -C "$mx" rev-parse HEAD 2>/dev/null || echo 'not a git checkout') ($mx)"
echo "# torch: $("$python" -c 'import torch; print(torch.__version__)') (Debian python3-torch $(dpkg-query -W -f='${Version}' python3-torch 2>/dev/null || echo '?'))"
# shellcheck disable=SC2086
"$bench" --peer-inputs "$dir" $sizes
echo "# microxcaling quantize_mx_op (block 32, scale_bits 8, round nearest) against MxRef (recipe microxcaling): $rounds rounds of $calls calls per side and cell"
if [[ "${PEER_MALLOC:-retain}" == default ]]; then tunables=; gc=(); else
  tunables=glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967295; gc=(DOTNET_GCRetainVM=1 DOTNET_GCLOHThreshold=0x2000000); fi
echo "# peer malloc: ${tunables:-glibc defaults}"
env "${gc[@]}" "$bench" --peer-compare "$dir" "$rounds" "$calls" -- \
  env GLIBC_TUNABLES="$tunables" "$python" bench/peer/microxcaling_bench.py --microxcaling "$mx" --dir "$dir"
