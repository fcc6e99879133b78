// mx_regen_init: initializer stage 1, one lane (docs/dropback.md, "Initializers"):
//
//   c_t = 2 r_t + 1 - 2^24         r_t: the top 24 bits of draw t's Philox word (an odd integer,
//                                  c_t / 2^24 an exact FP32 in (-1, 1))
//   S   = c_0 + ... + c_{n-1}      exact, |S| < 16 * 2^24 = 2^28
//   prod = |S| * sig(a)            exact product (sig(a) = 1.frac of a, 24 bits), at most 52 bits
//
// |S| <= NT * (2^24 - 1) < 2^(24 + clog2(NT)), so the multiplier is sized by NT: 24 x 24 bits for
// the uniform family (NT = 1), 28 x 24 for NT = 16.
// The one FP32 rounding of S * 2^-24 * a follows in mx_regen_pack. Draws t >= n are ignored
// (n = 1 for the uniform initializers); NT is the number of draws the unit is built for.
module mx_regen_init #(
  parameter int unsigned NT = 1
) (
  input  logic [24*NT-1:0] r,        // draw t in r[24*t +: 24]
  input  logic [4:0]       n,        // draws summed (1..NT)
  input  logic [23:0]      sig_a,    // significand of a with its hidden bit
  output logic             neg,      // S < 0
  output logic [51:0]      prod      // |S| * sig_a
);
  localparam int unsigned MAG_W = 24 + $clog2(NT);

  logic signed [29:0] s;
  logic   [MAG_W-1:0] mag;

  always_comb begin
    s = '0;
    for (int t = 0; t < NT; t++)
      if (5'(t) < n) s = s + $signed({5'd0, r[24*t +: 24], 1'b1}) - 30'sd16777216;
  end

  assign neg  = s[29];
  assign mag  = neg ? MAG_W'(-s) : s[MAG_W-1:0];
  logic [MAG_W+23:0] pr;
  assign pr   = {24'd0, mag} * {{MAG_W{1'b0}}, sig_a};
  assign prod = 52'(pr);
endmodule
