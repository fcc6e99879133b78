#!/usr/bin/env bash
# synth_table.sh OUTDIR BUILD...  -- Yosys area/depth figures of the MX units as a Markdown table.
#
# BUILD is [?]TOP:LABEL:PARAMS, PARAMS a comma list of NAME=VALUE top-level parameters (decimal),
# e.g. mx_dot:e4m3:K=32,FMT_EN=1,SCALE_EN=1 (FMT_EN bit f = element format code f, SCALE_EN bit s
# = scale format s, docs/RTL.md). A leading "?" marks a unit that may not exist yet (the MX9/MX6/MX4
# dot units, rtl/mx_dot_bdr*.sv): when no rtl/ file declares "module TOP", its row says so instead
# of failing. Sources: see srcs_for below. Per build:
#   1. generic: synth -flatten; check -assert; no latch cells (fails otherwise); stat; ltp -noff
#   2. Xilinx:  synth_xilinx -flatten -nodsp (LUTs, not DSP blocks, so builds compare); stat
# Columns: generic cells and flip-flops, ltp (the longest topological path in generic gates, a
# timing proxy), LUTs and FFs of synth_xilinx, and the generic cells / LUTs relative to the
# first build (the normalisation row). Logs and stats in OUTDIR/<top>_<label>_k<K>.*; the table goes
# to standard output. Environment: YOSYS (default yosys), RTL_DIR (default rtl).
# A build whose stats are newer than its sources and were made by the same Yosys command and version
# (OUTDIR/...cmd) is not synthesised again. SYNTH_TABLE_CACHED_ONLY=1: only such results, a row
# "not measured" for the others (to assemble a table from runs split over time).
set -euo pipefail
out=$1; shift 1
YOSYS=${YOSYS:-yosys}
RTL_DIR=${RTL_DIR:-rtl}
mkdir -p "$out"

# Sources: a unit's file list rtl/<top>.f (mx_dot, mx_dot_bdr, mx_quant, mx_regen: package first, top last) when
# there is one, else mx_pkg.sv, the mx_dot stage modules and every rtl/TOP*.sv.
dot_stages="mx_lzc.sv mx_mul.sv mx_tree.sv mx_cdec.sv mx_fuse.sv mx_norm.sv mx_round.sv mx_dot_sum.sv mx_dot_back.sv"
srcs_for() {
  if [ -f "$RTL_DIR/$1.f" ]; then
    # rtl/filelist.awk expands `-f` includes (as rtl.mk and mxref verify do); its paths start with $RTL_DIR/
    awk -f "$RTL_DIR/filelist.awk" "$RTL_DIR/$1.f" | sed "s,^$RTL_DIR/,," | tr '\n' ' '
  else
    echo mx_pkg.sv $dot_stages; (cd "$RTL_DIR" && ls "$1"*.sv 2>/dev/null) || true
  fi
}

latency_of() {
  case $1 in
    mx_quant) sed -n 's/.*localparam int unsigned QUANT_LATENCY *= *\([0-9][0-9]*\).*/\1/p' "$RTL_DIR/mx_pkg.sv" ;;
    mx_regen) sed -n 's/.*localparam int unsigned \(PHILOX_ROUNDS\|REGEN_INIT_STAGES\|QUANT_LATENCY\) *= *\([0-9][0-9]*\).*/\2/p' \
                "$RTL_DIR/mx_pkg.sv" | awk '{n += $1} END {print n}' ;;
    mx_decode) sed -n 's/.*localparam int unsigned DECODE_LATENCY *= *\([0-9][0-9]*\).*/\1/p' "$RTL_DIR/mx_pkg.sv" ;;
    mx_dot|mx_dot_bdr) sed -n 's/.*localparam int unsigned DOT_LATENCY *= *\([0-9][0-9]*\).*/\1/p' "$RTL_DIR/mx_pkg.sv" ;;
    *)        cat "$RTL_DIR/$1"*.sv 2>/dev/null | sed -n 's/.*localparam int unsigned LATENCY *= *\([0-9][0-9]*\).*/\1/p' | head -1 ;;
  esac
}

echo "| unit | formats | stages | generic cells | generic FFs | ltp depth | xilinx LUTs | xilinx FFs | cells vs ref | LUTs vs ref |"
echo "|---|---|---|---|---|---|---|---|---|---|"
ref_cells=""; ref_luts=""
for build in "$@"; do
  optional=0
  case $build in \?*) optional=1; build=${build#\?} ;; esac
  IFS=: read -r top label params <<< "$build"
  k=$(echo ",$params," | sed -n 's/.*,K=\([0-9][0-9]*\),.*/\1/p')
  unit="\`$top\`${k:+ K=$k}"
  if ! grep -qs "^ *module  *$top\\b" "$RTL_DIR"/*.sv; then
    [ "$optional" = 1 ] || { echo "synth_table.sh: no module $top in $RTL_DIR" >&2; exit 2; }
    echo "| $unit | $label | – | – | – | – | – | – | – | – |"
    continue
  fi
  files=""; for f in $(srcs_for "$top"); do files="$files $RTL_DIR/$f"; done
  chparam=""
  if [ -n "$params" ]; then
    chparam="chparam"; for p in ${params//,/ }; do chparam="$chparam -set ${p%%=*} ${p#*=}"; done
    chparam="$chparam $top;"
  fi
  base="$out/${top}_${label//+/_}_k${k:-d}"
  read_cmd="read_verilog -sv $files; $chparam"
  key="$("$YOSYS" -V) | $read_cmd"
  fresh=1
  for f in "$base.stat" "$base.ltp" "$base.xilinx.stat" "$base.cmd"; do [ -s "$f" ] || fresh=0; done
  if [ "$fresh" = 1 ]; then
    [ "$(cat "$base.cmd")" = "$key" ] || fresh=0
    for f in $files; do [ "$f" -nt "$base.xilinx.stat" ] && fresh=0; done
  fi
  if [ "$fresh" = 0 ] && [ "${SYNTH_TABLE_CACHED_ONLY:-0}" = 1 ]; then
    echo "| $unit | $label | not measured | | | | | | | |"
    continue
  fi
  if [ "$fresh" = 0 ]; then
    rm -f "$base.cmd"
    "$YOSYS" -q -l "$base.log" -p "$read_cmd synth -flatten -top $top; check -assert; \
      select -assert-none t:\$_DLATCH* t:\$_SR_* t:\$dlatch* t:\$sr; \
      tee -q -o $base.stat stat; tee -q -o $base.ltp ltp -noff" >/dev/null
    "$YOSYS" -q -l "$base.xilinx.log" -p "$read_cmd synth_xilinx -flatten -nodsp -top $top; \
      tee -q -o $base.xilinx.stat stat" >/dev/null
    echo "$key" > "$base.cmd"
  fi
  cells=$(awk '/Number of cells:/ {n = $4} END {print n}' "$base.stat")
  ffs=$(awk '$1 ~ /^\$_.*DFF/ {n += $2} END {print n+0}' "$base.stat")
  ltp=$(sed -n 's/.*Longest topological path.*length=\([0-9][0-9]*\).*/\1/p' "$base.ltp" | tail -1)
  luts=$(awk '$1 ~ /^LUT[1-6]$/ {n += $2} END {print n+0}' "$base.xilinx.stat")
  xffs=$(awk '$1 ~ /^FD[A-Z]*$/ {n += $2} END {print n+0}' "$base.xilinx.stat")
  [ -z "$ref_cells" ] && { ref_cells=$cells; ref_luts=$luts; }
  rc=$(awk -v a="$cells" -v b="$ref_cells" 'BEGIN {printf "%.2f", a / b}')
  rl=$(awk -v a="$luts" -v b="$ref_luts" 'BEGIN {printf "%.2f", a / b}')
  echo "| $unit | $label | $(latency_of "$top") | $cells | $ffs | $ltp | $luts | $xffs | $rc | $rl |"
done
