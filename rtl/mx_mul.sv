// mx_mul: decode one element pair (one byte lane of a and b) and form the exact product.
// Purely combinational (stage 1 of mx_dot).
//
// With UE4M3 block scales (NVFP4) each e2m1 magnitude (<= 3) is first multiplied by its block
// scale's significand (<= 15): sa * a_i = (sig_a * mag_a) * 2^(...) exactly, so the 8x8 product
// below is sig_a*sig_b*mag_a*mag_b (<= 45 * 45 < 2^11) and the scale exponents alone stay
// per block (mx_dot: s_exp). One 2x4 multiplier per operand lane instead of a multiply of the
// wide product sum by sig_a*sig_b.
module mx_mul (
  input  logic [7:0]                    a,
  input  logic [7:0]                    b,
  input  logic [2:0]                    fmt_a,
  input  logic [2:0]                    fmt_b,
  input  logic                          ue4m3,    // scales are UE4M3 (elements are e2m1)
  input  logic [mx_pkg::SC_SIG_W-1:0]   sig_a,    // scale significands (used when ue4m3)
  input  logic [mx_pkg::SC_SIG_W-1:0]   sig_b,
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
  logic [mx_pkg::EL_MAG_W-1:0] a_mag, b_mag, a_mul, b_mul;
  logic [5:0]                  a_sc, b_sc;      // e2m1 magnitude * UE4M3 significand, <= 45
  logic [mx_pkg::EL_SH_W-1:0]  a_sh, b_sh;
  logic                        p_nan, p_inf;

  assign da = mx_pkg::decode_elem(a, fmt_a);
  assign db = mx_pkg::decode_elem(b, fmt_b);
  assign {a_nan, a_inf, a_zero, a_s, a_mag, a_sh} = da;
  assign {b_nan, b_inf, b_zero, b_s, b_mag, b_sh} = db;

  assign p_sign = a_s ^ b_s;
  // e2m1 magnitudes are 2 bits: 3 * 15 = 45 fits the 8-bit multiplier input
  assign a_sc   = {4'd0, a_mag[1:0]} * {2'd0, sig_a};
  assign b_sc   = {4'd0, b_mag[1:0]} * {2'd0, sig_b};
  assign a_mul  = ue4m3 ? {2'd0, a_sc} : a_mag;
  assign b_mul  = ue4m3 ? {2'd0, b_sc} : b_mag;
  assign p_mag  = a_mul * b_mul;                      // 8x8 -> 16 bit, exact
  assign p_sh   = {1'b0, a_sh} + {1'b0, b_sh};       // <= 58

  assign el_nan = a_nan | b_nan;
  assign p_inv  = (a_inf & b_zero) | (b_inf & a_zero);
  assign p_nan  = el_nan | p_inv;
  assign p_inf  = (a_inf | b_inf) & ~p_nan;
  assign p_pinf = p_inf & ~p_sign;
  assign p_ninf = p_inf &  p_sign;
  assign p_zero = (a_zero | b_zero) & ~p_nan & ~p_inf;
endmodule
