// mx_dot: OCP MX v1.0 block dot product with FP32 accumulate, one rounding ("fused").
//
//   D = round_FP32( C + 2^(scale_a + scale_b - 254) * sum_{i<K} a_i * b_i )     (scale_fmt = E8M0)
//   D = round_FP32( C + sa * sb * sum_{i<K} a_i * b_i )                           (scale_fmt = UE4M3)
//
// scale_fmt = UE4M3 is NVFP4 (e2m1 elements, K = 16 blocks): sa * sb is exact (the scale
// significands are multiplied into the element magnitudes in mx_mul, the exponents into s_exp),
// so there is still one rounding. UE4M3 with another element format is a reserved combination:
// the result is the canonical NaN with NV set.
//
// Fully pipelined: one block per clock, fixed latency mx_pkg::DOT_LATENCY (5), no back-pressure.
// Only the valid pipe is reset; each data register bank loads only when its stage holds a valid
// block (clock-enable flops: the data path does not toggle on idle cycles, clock-gating friendly).
// Stages (a register bank *_q at the end of each):
//   1 decode + exact products (mx_mul), C decode (mx_cdec), special-case detection
//   2 alignment of the products into SW-bit fixed point (LSB 2^-32) + adder tree (mx_tree)
// The stage-1 product registers and stage 2 are mx_dot_sum, shared with mx_dot_bdr.
//   3 fuse C (mx_fuse: window of WW bits, guard/round/sticky jam)
//   4 normalise (mx_norm: |sum|, leading-zero count, left shift)
//   5 round, pack, flags (mx_round)
// Stages 3-5, the C pipeline and the valid pipe are mx_dot_back, shared with mx_dot_bdr.
// See docs/RTL.md for the width derivation and the treatment of reserved codes.
module mx_dot #(
  parameter int unsigned K      = 32,
  // FMT_EN (bit f enables format code f) builds a unit for a subset of the element formats, for
  // the area figures of docs/RTL.md: a disabled or reserved code is decoded as the lowest enabled
  // format. The default (all formats) leaves fmt_a/fmt_b untouched.
  parameter logic [5:0]  FMT_EN = mx_pkg::FMT_EN_ALL,
  // SCALE_EN (bit s enables scale format s: 0 E8M0, 1 UE4M3), for the area figures likewise: with
  // one format enabled the scale_fmt port is ignored.
  parameter logic [1:0]  SCALE_EN = mx_pkg::SCALE_EN_ALL
) (
  input  logic             clk,
  input  logic             rst_n,
  input  logic             in_valid,
  input  logic [2:0]       fmt_a,
  input  logic [2:0]       fmt_b,
  input  logic [2:0]       rm,
  input  logic             scale_fmt,
  input  logic [7:0]       scale_a,
  input  logic [7:0]       scale_b,
  input  logic [8*K-1:0]   a,
  input  logic [8*K-1:0]   b,
  input  logic [31:0]      c,
  output logic             out_valid,
  output logic [31:0]      d,
  output logic [4:0]       flags
);
  // ------------------------------------------------------------------ parameters
  localparam int unsigned PMAG_W  = mx_pkg::PMAG_W;
  localparam int unsigned PSH_W   = mx_pkg::PSH_W;
  localparam int unsigned PFX_W   = mx_pkg::PFX_W;         // 64
  localparam int unsigned EW      = mx_pkg::EXP_W;
  localparam int unsigned CM      = mx_pkg::CM_W;
  // exact product sum: 64 magnitude bits per product, clog2(K) carry bits, 1 sign bit
  localparam int unsigned SW      = PFX_W + $clog2(K) + 1;

  // exponent of the product-sum LSB: xe_a + xe_b - bias_a - bias_b + PFX_LSB_EXP
  localparam logic signed [EW-1:0] K_ES_OFS   = EW'(254 - mx_pkg::PFX_LSB_EXP); // E8M0: 286
  localparam logic signed [EW-1:0] K_ES_OFS_U = EW'(20 - mx_pkg::PFX_LSB_EXP);  // UE4M3: 52

  // ================================================================== stage 1
  logic [2:0] fmt_a_e, fmt_b_e;

  if (FMT_EN == mx_pkg::FMT_EN_ALL) begin : g_fmt_all
    assign fmt_a_e = fmt_a;
    assign fmt_b_e = fmt_b;
  end else begin : g_fmt_sub
    assign fmt_a_e = mx_pkg::fmt_restrict(fmt_a, FMT_EN);
    assign fmt_b_e = mx_pkg::fmt_restrict(fmt_b, FMT_EN);
  end

  // block scales: value = sig * 2^(xe - bias)
  logic                          ue4m3;
  logic                          sa_nan, sa_zero, sb_nan, sb_zero;
  logic [mx_pkg::SC_SIG_W-1:0]   sa_sig, sb_sig;
  logic [7:0]                    sa_xe, sb_xe;

  if (SCALE_EN == mx_pkg::SCALE_EN_ALL) begin : g_scale_all
    assign ue4m3 = scale_fmt;
  end else begin : g_scale_one
    assign ue4m3 = SCALE_EN[1];
    logic unused_scale_fmt;
    assign unused_scale_fmt = scale_fmt;
  end

  assign {sa_nan, sa_zero, sa_sig, sa_xe} = mx_pkg::decode_scale(scale_a, ue4m3);
  assign {sb_nan, sb_zero, sb_sig, sb_xe} = mx_pkg::decode_scale(scale_b, ue4m3);

  logic [K-1:0]          l_sign, l_nan, l_inv, l_pinf, l_ninf, l_zero;
  logic [K*PMAG_W-1:0]   l_mag;
  logic [K*PSH_W-1:0]    l_sh;

  for (genvar i = 0; i < K; i++) begin : g_lane
    mx_mul u_mul (
      .a      (a[8*i +: 8]),
      .b      (b[8*i +: 8]),
      .fmt_a  (fmt_a_e),
      .fmt_b  (fmt_b_e),
      .ue4m3  (ue4m3),
      .sig_a  (sa_sig),
      .sig_b  (sb_sig),
      .p_sign (l_sign[i]),
      .p_mag  (l_mag[i*PMAG_W +: PMAG_W]),
      .p_sh   (l_sh[i*PSH_W +: PSH_W]),
      .el_nan (l_nan[i]),
      .p_inv  (l_inv[i]),
      .p_pinf (l_pinf[i]),
      .p_ninf (l_ninf[i]),
      .p_zero (l_zero[i])
    );
  end

  // C (FP32) decode, subnormals normalised: C = (-1)^c_sign * c_mag * 2^c_exp
  logic                 c_sign, c_nan, c_snan, c_inf, c_zero_pos, c_zero_neg;
  logic [CM-1:0]        c_mag;
  logic signed [EW-1:0] c_exp, s_exp;

  mx_cdec u_cdec (
    .c (c), .sign (c_sign), .nan (c_nan), .snan (c_snan), .inf (c_inf),
    .zero_pos (c_zero_pos), .zero_neg (c_zero_neg), .mag (c_mag), .exp (c_exp)
  );
  // exponent of the product-sum LSB: E8M0 (sa + sb - 254) - 32, UE4M3 (xe_a + xe_b - 20) - 32
  assign s_exp = $signed({{(EW-9){1'b0}}, {1'b0, sa_xe} + {1'b0, sb_xe}}) - (ue4m3 ? K_ES_OFS_U : K_ES_OFS);

  // special cases (see docs/RTL.md, "fused semantics")
  logic sc_nan, sc_zero, sc_rsv, nan_in, any_inv, pinf, ninf, s1_res_nan, s1_nv, s1_res_inf;
  logic all_zero_neg, all_zero_pos, s1_zero_sign;
  logic [K-1:0] p_zero;

  assign sc_nan     = sa_nan | sb_nan;
  // a zero scale (UE4M3 0x00) makes every product a zero of sign sign(a_i) ^ sign(b_i)
  assign sc_zero    = sa_zero | sb_zero;
  assign p_zero     = l_zero | {K{sc_zero}};
  // reserved: UE4M3 scales with an element format other than e2m1 (its products would not fit)
  assign sc_rsv     = ue4m3 & ((fmt_a_e != mx_pkg::FMT_E2M1) | (fmt_b_e != mx_pkg::FMT_E2M1));
  assign nan_in     = sc_nan | c_nan | (|l_nan);
  assign any_inv    = |l_inv;
  assign pinf       = (|l_pinf) | (c_inf & ~c_sign);
  assign ninf       = (|l_ninf) | (c_inf &  c_sign);
  assign s1_res_nan = nan_in | any_inv | (pinf & ninf) | sc_rsv;
  assign s1_nv      = c_snan | any_inv | (pinf & ninf & ~nan_in) | sc_rsv;
  assign s1_res_inf = pinf | ninf;   // only used when not NaN
  assign all_zero_neg = (&(p_zero & l_sign))  & c_zero_neg;
  assign all_zero_pos = (&(p_zero & ~l_sign)) & c_zero_pos;
  assign s1_zero_sign = all_zero_neg | ((rm == mx_pkg::RM_RDN) & ~all_zero_pos);

  // side band carried down the pipe: {rm, res_nan, nv, res_inf, inf_sign, zero_sign}
  logic [mx_pkg::DOT_SB_W-1:0] sb_d;

  assign sb_d = {rm, s1_res_nan, s1_nv, s1_res_inf, ninf, s1_zero_sign};

  // ================================================================== stage-1 registers, stage 2
  // the product registers, alignment into SW-bit fixed point (LSB 2^-32) and the adder tree; C,
  // s_exp and the sideband are registered in mx_dot_back
  logic [SW-1:0] sum_d;

  mx_dot_sum #(.K(K), .MW(PMAG_W), .SHW(PSH_W), .FW(PFX_W), .SW(SW)) u_sum (
    .clk, .in_valid, .sign (l_sign), .mag (l_mag), .sh (l_sh), .sum (sum_d)
  );

  // ================================================================== stages 3-5
  mx_dot_back #(.SW(SW)) u_back (
    .clk, .rst_n, .in_valid,
    .c_mag (c_mag), .c_exp (c_exp), .c_sign (c_sign), .s_exp (s_exp), .sb (sb_d),
    .sum   (sum_d),
    .out_valid, .d, .flags
  );
endmodule
