// mx_regen: its sources, package first, top last. Read by rtl/rtl.mk (lint, synth, the portable bench) and by
// mxref verify (--filelist, and the default of --unit regen); paths are relative to this file.
mx_pkg.sv
mx_lzc.sv
mx_tree.sv
mx_quant_scan.sv
mx_quant_scale.sv
mx_quant_lane.sv
mx_quant.sv
mx_regen_round.sv
mx_regen_init.sv
mx_regen_pack.sv
mx_regen.sv
