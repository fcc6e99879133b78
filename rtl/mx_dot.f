// mx_dot: its sources, package first, top last. Read by rtl/rtl.mk (lint, synth, the portable bench) and by
// mxref verify (--filelist, and the default of --unit dot); paths are relative to this file.
mx_pkg.sv
mx_lzc.sv
mx_mul.sv
mx_tree.sv
mx_cdec.sv
mx_fuse.sv
mx_norm.sv
mx_round.sv
mx_dot_sum.sv
mx_dot_back.sv
mx_dot.sv
