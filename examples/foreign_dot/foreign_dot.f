# foreign_dot and the rtl/ stages it reuses: mx_dot's list (package first), then the top
-f ../../rtl/mx_dot.f
foreign_dot.sv
