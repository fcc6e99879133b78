// narrow_round: rounds an FP32 result of mx_dot to BF16 or FP16 (combinational; one stage of narrow_dot).
//
// Exactly one rounding of the exact value v = C + sa*sb*sum(a_i*b_i), although the FP32 result x in front of it is
// itself rounded, because narrow_dot has mx_dot produce x with a mode that composes:
//   - rne, rna: x = RTO_fp32(v) (round to odd). FP32 keeps at least p + 2 bits of v wherever BF16 (p = 8) or FP16
//     (p = 11) round, normal or subnormal, so round_p(RTO_fp32(v)) = round_p(v) in every mode (Boldo and Melquiond,
//     "Emulation of FMA and correctly rounded sums: proved algorithms using rounding to odd", IEEE Trans. Computers
//     57(4), 2008, Theorem 1). Tininess after rounding (unbounded exponent) is a rounding to p bits as well, so UF too.
//   - rtz, rdn, rup, rto: x = round_fp32(v) in the same mode: every BF16/FP16 value is an FP32 value, so the directed
//     roundings compose (RD_p(RD_fp32(v)) = RD_p(v)) and round to odd composes with itself.
// Flags: NX is x's NX or this rounding's (a directed x can be inexact yet on the narrow grid); OF is x's OF (v
// overflowed FP32, so it overflows BF16 and FP16) or this rounding's; UF is tininess (after rounding, IEEE 754-2019
// sec. 7.5, as mx_round) and NX; NV is x's. NaN becomes the format's canonical quiet NaN, Inf stays Inf.
// out_fmt: 0 FP32 (x and its flags unchanged), 1 BF16, 2 FP16 (3 reserved: read as FP16); a 16-bit result is in
// d[15:0] with d[31:16] = 0.
module narrow_round (
  input  logic [31:0] x,        // mx_dot's D
  input  logic [4:0]  x_flags,  // mx_dot's flags
  input  logic [2:0]  rm,       // the requested mode (mx_pkg codes)
  input  logic [1:0]  out_fmt,
  output logic [31:0] d,
  output logic [4:0]  flags
);
  // The output format's parameters: significand bits p (hidden bit included), exponent bias, emin, emax.
  logic        narrow, bf16;
  int          p, bias, emin, emax, frac_w;
  assign narrow = out_fmt != 2'd0;
  assign bf16   = out_fmt == 2'd1;
  assign p      = bf16 ? 8 : 11;
  assign frac_w = p - 1;
  assign bias   = bf16 ? 127 : 15;
  assign emin   = 1 - bias;
  assign emax   = bias;

  // round increment for rounding mode, given sign/lsb/round/sticky (as mx_round)
  function automatic logic round_inc(input logic [2:0] mode, input logic s, input logic l, input logic r, input logic t);
    case (mode)
      mx_pkg::RM_RTZ: round_inc = 1'b0;
      mx_pkg::RM_RDN: round_inc = (r | t) & s;
      mx_pkg::RM_RUP: round_inc = (r | t) & ~s;
      mx_pkg::RM_RNA: round_inc = r;
      mx_pkg::RM_RTO: round_inc = 1'b0;   // LSB forced to 1 instead
      default:        round_inc = r & (t | l);
    endcase
  endfunction

  // ---- decode x: sign, unbiased exponent of its leading bit, 24-bit significand with the leading bit at bit 23
  logic        sign, is_nan, is_inf, is_zero;
  logic [7:0]  xe;
  logic [22:0] xf;
  logic [23:0] sig;
  int          e, lz;
  assign sign    = x[31];
  assign xe      = x[30:23];
  assign xf      = x[22:0];
  assign is_nan  = (xe == 8'hFF) & (xf != 23'd0);
  assign is_inf  = (xe == 8'hFF) & (xf == 23'd0);
  assign is_zero = (xe == 8'h00) & (xf == 23'd0);

  always_comb begin   // leading zeros of the fraction (a subnormal x): the highest set bit wins
    lz = 23;
    for (int i = 0; i <= 22; i++) if (xf[i]) lz = 22 - i;
  end
  // normal: 1.f x 2^(xe-127); subnormal: 0.f x 2^-126, normalised (lz = leading zeros of f)
  assign e   = (xe != 8'h00) ? int'(xe) - 127 : -127 - lz;
  assign sig = (xe != 8'h00) ? {1'b1, xf} : {xf, 1'b0} << lz;

  // ---- round sig x 2^(e-23) to p bits: below 2^emin the LSB is pinned at 2^(emin-p+1)
  int          shift, shift_n;
  logic [48:0] wide, wide_n;
  logic [23:0] mant, mant_n;
  logic        rb, st, inexact, inc, rb_n, st_n, inc_n, carry_n, tiny, ovf, ovf_inf;
  int          packed_r;
  assign shift   = (24 - p) + ((e < emin) ? (emin - e) : 0);
  assign shift_n = 24 - p;   // unbounded exponent: the tininess rounding

  always_comb begin
    wide = {sig, 25'd0} >> shift;
    mant = wide[48:25]; rb = wide[24]; st = |wide[23:0];
    if (shift > 25) begin                  // the whole significand lies below the round bit
      mant = 24'd0; rb = 1'b0; st = 1'b1;
    end
    wide_n = {sig, 25'd0} >> shift_n;
    mant_n = wide_n[48:25]; rb_n = wide_n[24]; st_n = |wide_n[23:0];
  end

  assign inexact = rb | st;
  assign inc     = round_inc(rm, sign, mant[0], rb, st);
  assign inc_n   = round_inc(rm, sign, mant_n[0], rb_n, st_n);
  assign carry_n = (mant_n == (24'(1) << p) - 24'd1) & inc_n;
  assign tiny    = (e < emin - 1) | ((e == emin - 1) & ~carry_n);

  // pack: ((e + bias - 1) << frac_w) + significand with hidden bit (+ increment); a carry ripples into the exponent,
  // a subnormal that rounds up becomes the smallest normal
  always_comb begin
    packed_r = ((e < emin) ? 0 : (e + bias - 1)) * (1 << frac_w)
             + int'({mant[23:1], mant[0] | ((rm == mx_pkg::RM_RTO) & inexact)}) + int'(inc);
  end
  assign ovf = (e > emax) | (packed_r >= (2 * bias + 1) * (1 << frac_w));

  always_comb begin
    case (rm)
      mx_pkg::RM_RTZ, mx_pkg::RM_RTO: ovf_inf = 1'b0;
      mx_pkg::RM_RUP:                  ovf_inf = ~sign;
      mx_pkg::RM_RDN:                  ovf_inf = sign;
      default:                         ovf_inf = 1'b1;
    endcase
  end

  // ---- result
  logic [14:0] inf_code, max_code;   // magnitudes
  logic [15:0] nan_code, r16;
  logic [4:0]  f16;
  assign inf_code = bf16 ? 15'h7F80 : 15'h7C00;
  assign max_code = bf16 ? 15'h7F7F : 15'h7BFF;
  assign nan_code = bf16 ? 16'h7FC0 : 16'h7E00;

  always_comb begin
    f16 = 5'd0;
    f16[mx_pkg::FLAG_NV] = x_flags[mx_pkg::FLAG_NV];
    if (is_nan) begin
      r16 = nan_code;
    end else if (is_inf) begin
      r16 = {sign, inf_code};
      f16[mx_pkg::FLAG_OF] = x_flags[mx_pkg::FLAG_OF];
      f16[mx_pkg::FLAG_NX] = x_flags[mx_pkg::FLAG_NX];
    end else if (is_zero) begin
      r16 = {sign, 15'd0};
      f16[mx_pkg::FLAG_NX] = x_flags[mx_pkg::FLAG_NX];
      f16[mx_pkg::FLAG_UF] = x_flags[mx_pkg::FLAG_UF];
    end else if (ovf | x_flags[mx_pkg::FLAG_OF]) begin
      // x's OF with a finite x: FP32 saturated (rtz, rto or the mode's direction); the narrow value overflows too
      r16 = {sign, ovf_inf ? inf_code : max_code};
      f16[mx_pkg::FLAG_OF] = 1'b1;
      f16[mx_pkg::FLAG_NX] = 1'b1;
    end else begin
      r16 = {sign, 15'(packed_r)};
      f16[mx_pkg::FLAG_NX] = inexact | x_flags[mx_pkg::FLAG_NX];
      f16[mx_pkg::FLAG_UF] = tiny & (inexact | x_flags[mx_pkg::FLAG_NX]);
    end
  end

  assign d     = narrow ? {16'd0, r16} : x;
  assign flags = narrow ? f16 : x_flags;
endmodule
