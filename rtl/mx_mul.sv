// mx_mul: decode one element pair (one byte lane of a and b) and form the exact product.
// Purely combinational (stage 1 of mx_dot).
module mx_mul (
  input  logic [7:0]                    a,
  input  logic [7:0]                    b,
  input  logic [2:0]                    fmt_a,
  input  logic [2:0]                    fmt_b,
  // exact finite product = (-1)^p_sign * p_mag * 2^(p_sh - 32)
  output logic                          p_sign,
  output logic [mx_pkg::PMAG_W-1:0]     p_mag,
  output logic [mx_pkg::PSH_W-1:0]      p_sh,
  // lane classes
  output logic                          el_nan,   // a or b is a NaN element
  output logic                          p_inv,    // inf * 0
  output logic                          p_pinf,   // product is +inf
  output logic                          p_ninf,   // product is -inf
  output logic                          p_zero    // product is a zero (sign p_sign)
);
  logic [mx_pkg::DEC_W-1:0] da, db;
  logic                        a_nan, a_inf, a_zero, a_s;
  logic                        b_nan, b_inf, b_zero, b_s;
  logic [mx_pkg::EL_MAG_W-1:0] a_mag, b_mag;
  logic [mx_pkg::EL_SH_W-1:0]  a_sh, b_sh;
  logic                        p_nan, p_inf;

  assign da = mx_pkg::decode_elem(a, fmt_a);
  assign db = mx_pkg::decode_elem(b, fmt_b);
  assign {a_nan, a_inf, a_zero, a_s, a_mag, a_sh} = da;
  assign {b_nan, b_inf, b_zero, b_s, b_mag, b_sh} = db;

  assign p_sign = a_s ^ b_s;
  assign p_mag  = a_mag * b_mag;                      // 8x8 -> 16 bit, exact
  assign p_sh   = {1'b0, a_sh} + {1'b0, b_sh};       // <= 58

  assign el_nan = a_nan | b_nan;
  assign p_inv  = (a_inf & b_zero) | (b_inf & a_zero);
  assign p_nan  = el_nan | p_inv;
  assign p_inf  = (a_inf | b_inf) & ~p_nan;
  assign p_pinf = p_inf & ~p_sign;
  assign p_ninf = p_inf &  p_sign;
  assign p_zero = (a_zero | b_zero) & ~p_nan & ~p_inf;
endmodule
