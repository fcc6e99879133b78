// mx_dot_bdr (MX9/MX6/MX4): its sources, package first, top last (mx_dot_bdr_lanes, the byte-lane
// interface of mxref verify --unit dot-bdr, around mx_dot_bdr). Read by rtl/rtl.mk (lint, synth, the
// portable bench, which instantiates mx_dot_bdr itself) and by mxref verify (--filelist, and the
// default of --unit dot-bdr); paths are relative to this file.
mx_pkg.sv
mx_lzc.sv
mx_tree.sv
mx_cdec.sv
mx_fuse.sv
mx_norm.sv
mx_round.sv
mx_dot_sum.sv
mx_dot_back.sv
mx_dot_bdr.sv
mx_dot_bdr_lanes.sv
