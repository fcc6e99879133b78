// mx_regen_round: one round of Philox4x32 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers:
// as easy as 1, 2, 3", SC'11, sec. 4.2; Random123 philox4x32round), combinational.
//
//   (hi0, lo0) = M0 * x0,  (hi1, lo1) = M1 * x2           (full 32x32 -> 64-bit products)
//   y = (hi1 ^ x1 ^ k0,  lo1,  hi0 ^ x3 ^ k1,  lo0)
//
// Word i of the 128-bit state is x[32*i +: 32]; the key is {k1, k0}. The multipliers are
// constants, so synthesis builds shift-and-add trees, not general multipliers.
module mx_regen_round (
  input  logic [127:0] x,
  input  logic [63:0]  key,
  output logic [127:0] y
);
  logic [63:0] p0, p1;

  assign p0 = {32'd0, mx_pkg::PHILOX_M0} * {32'd0, x[31:0]};
  assign p1 = {32'd0, mx_pkg::PHILOX_M1} * {32'd0, x[95:64]};
  assign y  = {p0[31:0], p0[63:32] ^ x[127:96] ^ key[63:32], p1[31:0], p1[63:32] ^ x[63:32] ^ key[31:0]};
endmodule
