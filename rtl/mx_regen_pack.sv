// mx_regen_pack: initializer stage 2, one lane: w = RN_fp32(+-prod * 2^(ea - 174)), round to
// nearest even, IEEE overflow to infinity, subnormal results kept (docs/dropback.md).
//
// prod = |S| * sig(a) with a = sig(a) * 2^(ea - 150) and S scaled by 2^-24, hence 2^(ea - 174).
// With L the position of prod's leading one, the unbounded biased exponent of the result is
// E = L + ea - 47. A normal result keeps 24 bits below the leading one; a subnormal one
// (E <= 0) keeps the bits down to 2^-149, i.e. 1 - E bits fewer. Packing as
// ((E - 1) << 23) + significand (0 exponent for subnormals) lets the rounding carry ripple into
// the exponent field (subnormal -> 2^-126, 2^128 -> infinity). prod = 0 (n even, S = 0) is +0.
module mx_regen_pack (
  input  logic        neg,
  input  logic [51:0] prod,
  input  logic [7:0]  ea,          // biased exponent field of a
  output logic [31:0] w
);
  logic [5:0]        lz;
  logic [51:0]       xn, xs;
  logic signed [9:0] e;
  logic [5:0]        sh;
  logic [23:0]       kept;
  logic              rb, st, lost;
  logic [33:0]       packed_w;

  mx_lzc #(.WIDTH(52)) u_lzc (.x (prod), .cnt (lz), .x_norm (xn));

  always_comb begin
    e    = $signed({2'd0, ea}) + 10'sd4 - $signed({4'd0, lz});          // = L + ea - 47, L = 51 - lz
    sh   = (e >= 10'sd1) ? 6'd0 : (e < -10'sd50) ? 6'd52 : 6'(10'sd1 - e);
    xs   = xn >> sh;
    lost = |(xn & ~({52{1'b1}} << sh));
    kept = xs[51:28];
    rb   = xs[27];
    st   = (|xs[26:0]) | lost;
    packed_w = {25'd0, (e >= 10'sd1) ? 9'(e - 10'sd1) : 9'd0} << 23;
    packed_w = packed_w + {10'd0, kept} + {33'd0, rb & (st | kept[0])};
    if (prod == '0)                   w = 32'h0000_0000;
    else if (packed_w >= 34'h7F80_0000) w = {neg, 31'h7F80_0000};
    else                              w = {neg, packed_w[30:0]};
  end
endmodule
