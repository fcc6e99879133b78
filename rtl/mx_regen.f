// mx_regen: its sources, package first, top last. Read by rtl/rtl.mk (lint, synth, the portable bench) and by
// mxref verify (--filelist, and the default of --unit regen); paths are relative to this file. It reuses
// mx_quant whole (its scale and lane stages), so it includes that unit's list rather than repeating it.
-f mx_quant.f
mx_regen_round.sv
mx_regen_init.sv
mx_regen_pack.sv
mx_regen.sv
