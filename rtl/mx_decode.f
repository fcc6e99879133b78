// mx_decode: its sources, package first, top last. Read by rtl/rtl.mk (lint, synth) and by mxref verify
// (--filelist, and the default of --unit decode); paths are relative to this file.
mx_pkg.sv
mx_lzc.sv
mx_decode_lane.sv
mx_decode.sv
