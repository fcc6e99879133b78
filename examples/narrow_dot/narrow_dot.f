# narrow_dot and the rtl/ stages it reuses (package first, top last)
../../rtl/mx_pkg.sv
../../rtl/mx_lzc.sv
../../rtl/mx_mul.sv
../../rtl/mx_tree.sv
../../rtl/mx_cdec.sv
../../rtl/mx_fuse.sv
../../rtl/mx_norm.sv
../../rtl/mx_round.sv
../../rtl/mx_dot_sum.sv
../../rtl/mx_dot_back.sv
../../rtl/mx_dot.sv
narrow_round.sv
narrow_dot.sv
