#!/usr/bin/env bash
# synth_table.sh OUTDIR K BUILD...  -- Yosys area/depth figures of the MX units as a Markdown table.
#
# BUILD is TOP:FMT_EN:LABEL (FMT_EN a decimal mask, bit f = format code f). Per build:
#   1. generic: synth -flatten; check -assert; no latch cells (fails otherwise); stat; ltp -noff
#   2. Xilinx:  synth_xilinx -flatten -nodsp (LUTs, not DSP blocks, so builds compare); stat
# Columns: generic cells and flip-flops, ltp (the longest topological path in generic gates, a
# timing proxy), LUTs and FFs of synth_xilinx, and the generic cells / LUTs relative to the
# first build (the normalisation row). Logs and stats in OUTDIR/<top>_<mask>.*; the table goes
# to standard output. Environment: YOSYS (default yosys), RTL_DIR (default rtl).
set -euo pipefail
out=$1; k=$2; shift 2
YOSYS=${YOSYS:-yosys}
RTL_DIR=${RTL_DIR:-rtl}
mkdir -p "$out"

srcs_for() {
  case $1 in
    mx_dot)   echo mx_pkg.sv mx_lzc.sv mx_mul.sv mx_adder_tree.sv mx_fuse.sv mx_norm.sv mx_round.sv mx_dot.sv ;;
    mx_quant) echo mx_pkg.sv mx_lzc.sv mx_max_tree.sv mx_quant_scan.sv mx_quant_scale.sv mx_quant_lane.sv mx_quant.sv ;;
    *) echo "synth_table.sh: unknown top '$1' (valid: mx_dot, mx_quant)" >&2; exit 2 ;;
  esac
}

latency_of() {
  case $1 in
    mx_dot)   sed -n 's/.*localparam int unsigned LATENCY *= *\([0-9][0-9]*\).*/\1/p' "$RTL_DIR/mx_dot.sv" ;;
    mx_quant) sed -n 's/.*localparam int unsigned QUANT_LATENCY *= *\([0-9][0-9]*\).*/\1/p' "$RTL_DIR/mx_pkg.sv" ;;
  esac
}

echo "| unit | formats | stages | generic cells | generic FFs | ltp depth | xilinx LUTs | xilinx FFs | cells vs ref | LUTs vs ref |"
echo "|---|---|---|---|---|---|---|---|---|---|"
ref_cells=""; ref_luts=""
for build in "$@"; do
  IFS=: read -r top mask label <<< "$build"
  files=""; for f in $(srcs_for "$top"); do files="$files $RTL_DIR/$f"; done
  base="$out/${top}_k${k}_fmt${mask}"
  read_cmd="read_verilog -sv $files; chparam -set K $k -set FMT_EN $mask $top"
  "$YOSYS" -q -l "$base.log" -p "$read_cmd; synth -flatten -top $top; check -assert; \
    select -assert-none t:\$_DLATCH* t:\$_SR_* t:\$dlatch* t:\$sr; \
    tee -q -o $base.stat stat; tee -q -o $base.ltp ltp -noff" >/dev/null
  "$YOSYS" -q -l "$base.xilinx.log" -p "$read_cmd; synth_xilinx -flatten -nodsp -top $top; \
    tee -q -o $base.xilinx.stat stat" >/dev/null
  cells=$(awk '/Number of cells:/ {n = $4} END {print n}' "$base.stat")
  ffs=$(awk '$1 ~ /^\$_.*DFF/ {n += $2} END {print n+0}' "$base.stat")
  ltp=$(sed -n 's/.*Longest topological path.*length=\([0-9][0-9]*\).*/\1/p' "$base.ltp" | tail -1)
  luts=$(awk '$1 ~ /^LUT[1-6]$/ {n += $2} END {print n+0}' "$base.xilinx.stat")
  xffs=$(awk '$1 ~ /^FD[A-Z]*$/ {n += $2} END {print n+0}' "$base.xilinx.stat")
  [ -z "$ref_cells" ] && { ref_cells=$cells; ref_luts=$luts; }
  rc=$(awk -v a="$cells" -v b="$ref_cells" 'BEGIN {printf "%.2f", a / b}')
  rl=$(awk -v a="$luts" -v b="$ref_luts" 'BEGIN {printf "%.2f", a / b}')
  echo "| \`$top\` K=$k | $label | $(latency_of "$top") | $cells | $ffs | $ltp | $luts | $xffs | $rc | $rl |"
done
