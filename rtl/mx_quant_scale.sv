// mx_quant_scale: stage 2 of mx_quant -- the shared exponent of a block and the NaN-scale decision.
//
//   shared_exp = floor(log2 amax) - emax_elem                       (floor, OCP MX v1.0 sec. 6.3)
//              + 1 when amax / 2^(that) > max normal                 (ceil: no element saturates)
//              + 1 as ceil, except at FP32 rounding windows          (rceil: torchao, te: TE)
//              + 1 when amax rounded to m+1 bits reaches the next binade   (even: torchao)
//   clamped to [-127, 127]; an all-zero block gets -127 (scale code 0x00). docs/RTL.md derives
//   rceil, te and even from their FP32 definitions.
// floor(log2 amax) is emx - 127, or for a block without normal lanes 1 - 127 - lz with lz the
// leading zeros of sub_or as a 24-bit significand. The ceil rule's "significand of amax (24 bits,
// normalised) > that of max normal" holds when any lane in amax's binade has a larger normalised
// significand than max normal's (whose low 16 bits are 0 for every element format, so 7 bits
// and a sticky decide). Among subnormal lanes only a leading one at fraction bit 22 can matter:
// below it floor(log2 amax) - emax_elem + 1 <= -127 for every format and the clamp decides.
// Specials (docs/quantization.md): a block holding NaN/Inf gets the NaN scale unless the
// policy keeps a finite scale -- preserve: the element format has every special present;
// saturate: no NaN present, and an Inf sets shared_exp to 127; finite (TransformerEngine, whose
// amax is an fmaxf reduction that skips NaN): always, an Inf sets shared_exp to 127. The torchao
// EVEN rule gives the NaN scale when amax rounded to m+1 bits carries into the FP32 all-ones
// exponent (isfinite(max_abs) fails there). Purely combinational.
module mx_quant_scale #(
  parameter int unsigned K = 32
) (
  input  logic [31*K-1:0]   a,          // |v_i| as FP32 bits without the sign (as mx_quant_scan)
  input  logic [7:0]        emx,        // mx_quant_scan: largest normal biased exponent, 0: none
  input  logic [22:0]       sub_or,     // mx_quant_scan: OR of the subnormal fractions
  input  logic              has_nan,
  input  logic              has_inf,
  input  logic [2:0]        fmt,        // element format (a valid code)
  input  logic [2:0]        rule,       // SR_* (reserved codes 5..7: floor)
  input  logic [1:0]        specials,   // SP_* (a valid code)
  output logic signed [8:0] shared,     // shared exponent, -127..127
  output logic              nan_blk,    // scale 0xFF, every element code 0
  // Per-block constants of the element rounding (mx_quant_lane), computed once here instead of
  // in every lane: in terms of x, the biased FP32 exponent of a lane's leading one, the
  // element binade x - 127 - shared is normal when x >= bin_lo, and overflows when x > bin_hi.
  output logic signed [9:0] bin_lo,     // emin_elem + shared + 127
  output logic signed [9:0] bin_t,      // bin_lo + 7 - m (the lane's shift origin)
  output logic signed [9:0] bin_hi      // emax_elem + shared + 127 (int8: 1 + shared + 127)
);
  localparam int unsigned EW = 10;      // exponents here lie within -276 .. 255
  localparam logic signed [EW-1:0] BIAS = 10'sd127;

  // emax_elem (OCP MX v1.0 Table 1) and max normal's significand normalised to 24 bits.
  // Element rounding: emin (smallest normal binade; MXINT8 behaves as m = 7, emin = 1, see
  // mx_quant_lane), m (kept fraction bits), the largest binade that does not overflow.
  logic [3:0]           emax;
  logic [6:0]           lim_hi;   // max normal's normalised significand, bits 22:16 (15:0 are 0)
  logic                 fmt_nan, fmt_inf, is_int;
  logic signed [EW-1:0] emin, e_ovf;
  logic [2:0]           m;
  always_comb begin
    fmt_nan = 1'b0; fmt_inf = 1'b0; is_int = 1'b0;
    case (fmt)
      mx_pkg::FMT_E5M2: begin emax = 4'd15; lim_hi = 7'h60 ; fmt_nan = 1'b1; fmt_inf = 1'b1;  // 57344 = 1.75*2^15
                              emin = -10'sd14; e_ovf = 10'sd15; m = 3'd2; end
      mx_pkg::FMT_E3M2: begin emax = 4'd4;  lim_hi = 7'h60 ;                                  // 28  = 1.75*2^4
                              emin = -10'sd2;  e_ovf = 10'sd4;  m = 3'd2; end
      mx_pkg::FMT_E2M3: begin emax = 4'd2;  lim_hi = 7'h70 ;                                  // 7.5 = 1.875*2^2
                              emin = 10'sd0;   e_ovf = 10'sd2;  m = 3'd3; end
      mx_pkg::FMT_E2M1: begin emax = 4'd2;  lim_hi = 7'h40 ;                                  // 6   = 1.5*2^2
                              emin = 10'sd0;   e_ovf = 10'sd2;  m = 3'd1; end
      mx_pkg::FMT_INT8: begin emax = 4'd0;  lim_hi = 7'h7E ;                                  // 127/64
                              emin = 10'sd1;   e_ovf = 10'sd1;  m = 3'd7; is_int = 1'b1; end
      default:          begin emax = 4'd8;  lim_hi = 7'h60 ; fmt_nan = 1'b1;                  // e4m3 448
                              emin = -10'sd6;  e_ovf = 10'sd8;  m = 3'd3; end
    endcase
  end

  // floor(log2 amax)
  logic [4:0]           lz;             // leading zeros of {1'b0, sub_or}
  logic signed [EW-1:0] e_max, s_raw;
  logic                 zero_blk;

  always_comb begin
    lz = 5'd24;
    for (int b = 0; b < 23; b++) if (sub_or[b]) lz = 5'(23 - b);
  end

  assign zero_blk = (emx == 8'd0) && (sub_or == '0);
  assign e_max    = (emx != 8'd0) ? $signed({2'b00, emx}) - BIAS
                                  : 10'sd1 - BIAS - $signed({5'd0, lz});

  // The round-up rules look at the lanes in amax's binade (a normal lane with exponent emx, or,
  // without normal lanes, a subnormal lane with fr[22], whose normalised significand is {fr, 0}):
  //   gt0: normalised significand > max normal's (ceil: amax / 2^(floor rule) > max normal)
  //   gt1: normalised significand > max normal's + one lane ulp
  //   evn: the top m+1 fraction bits all ones (torchao EVEN: adding half an element ulp to
  //        amax's bits carries into the exponent field)
  logic [6:0]   evn_mask;               // top m+1 of fraction bits 22:16
  logic [K-1:0] l_gt0, l_gt1, l_evn;
  assign evn_mask = ~(7'h7F >> ({1'b0, m} + 4'd1));   // MXINT8 (m = 7): all 7, its 1.xxxxxx
  for (genvar i = 0; i < K; i++) begin : g_gt
    logic [7:0]  be;
    logic [22:0] fr;
    logic [6:0]  hi;                    // normalised significand bits 22:16
    logic [15:0] lo;                    // normalised significand bits 15:0
    logic        in_bin;
    assign be     = a[31*i+23 +: 8];
    assign fr     = a[31*i +: 23];
    assign in_bin = (emx != 8'd0) ? (be == emx) : (be == 8'd0) && fr[22];
    assign hi     = (emx != 8'd0) ? fr[22:16] : fr[21:15];
    assign lo     = (emx != 8'd0) ? fr[15:0]  : {fr[14:0], 1'b0};
    assign l_gt0[i] = in_bin && ((hi > lim_hi) || (hi == lim_hi && lo != '0));
    assign l_gt1[i] = in_bin && ((hi > lim_hi) || (hi == lim_hi && lo > ((emx != 8'd0) ? 16'd1 : 16'd2)));
    assign l_evn[i] = in_bin && ((fr[22:16] | ~evn_mask) == 7'h7F);
  end

  // RCEIL (torchao, ceil(log2(fp32(amax / max_pos)))) and TE (round-up of fp32(amax * fp32(1 /
  // max_pos)) to a power of two) equal the exact ceil rule except where the FP32 rounding of the
  // quotient / product lands on a power of two: for the FP formats only at amax = the FP32
  // successor of max_pos * 2^-127 (biased exponent emax_elem, fraction max normal's + 1), where
  // they give -127 and ceil -126; for MXINT8 under TE at every successor of (127/64) * 2^j,
  // because fp32(64/127) is not exact (see docs/RTL.md for the derivation and its check).
  logic gt0, no_gt1, exc_rceil, exc_te, bump;
  assign gt0       = |l_gt0;
  assign no_gt1    = ~(|l_gt1);
  assign exc_rceil = !is_int && (emx == {4'd0, emax}) && no_gt1;
  assign exc_te    = exc_rceil || (is_int && no_gt1);
  always_comb begin
    case (rule)
      mx_pkg::SR_CEIL:  bump = gt0;
      mx_pkg::SR_RCEIL: bump = gt0 && !exc_rceil;
      mx_pkg::SR_TE:    bump = gt0 && !exc_te;
      mx_pkg::SR_EVEN:  bump = |l_evn;
      default:          bump = 1'b0;             // floor and the reserved codes 5..7
    endcase
  end
  assign s_raw = e_max - $signed({6'd0, emax}) + $signed({9'd0, bump});

  // specials: does the block keep a finite scale?
  logic keep;
  always_comb begin
    case (specials)
      mx_pkg::SP_PRESERVE: keep = (!has_nan || fmt_nan) && (!has_inf || fmt_inf);
      mx_pkg::SP_SATURATE: keep = !has_nan;
      mx_pkg::SP_FINITE:   keep = 1'b1;
      default:             keep = 1'b0;
    endcase
  end
  logic even_inf;                       // EVEN: amax + half an element ulp reaches FP32 Inf
  assign even_inf = (rule == mx_pkg::SR_EVEN) && (emx == 8'hFE) && bump;
  assign nan_blk  = ((has_nan || has_inf) && !keep) || even_inf;

  always_comb begin
    if (has_inf && (specials == mx_pkg::SP_SATURATE || specials == mx_pkg::SP_FINITE))
                                                    shared = 9'sd127;   // gfloat / TE: amax = Inf
    else if (zero_blk)                              shared = -9'sd127;  // all-zero block
    else if (s_raw < -BIAS)                     shared = -9'sd127;
    else if (s_raw > BIAS)                      shared = 9'sd127;
    else                                            shared = s_raw[8:0];
  end

  // TE exp2f_rcp returns 1 for the biased scale 0: the elements of a block with scale code 0x00
  // are then converted as v * 1, not v / 2^-127 (transformer_engine/common/utils.cuh).
  logic signed [8:0]    sh_el;  // exponent the elements are divided by
  logic signed [EW-1:0] sh_b;   // sh_el + 127
  assign sh_el  = (rule == mx_pkg::SR_TE && shared == -9'sd127) ? 9'sd0 : shared;
  assign sh_b   = {sh_el[8], sh_el} + BIAS;
  assign bin_lo = emin + sh_b;
  assign bin_t  = emin + sh_b + $signed({7'd0, 3'd7 - m});
  assign bin_hi = e_ovf + sh_b;
endmodule
