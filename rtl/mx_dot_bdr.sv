// mx_dot_bdr: fused dot product of two shared-microexponent blocks (MX9/MX6/MX4, Rouhani et al.,
// "With Shared Microexponents, A Little Shifting Goes a Long Way", ISCA 2023, sec. 3), FP32 result:
//
//   D = round_FP32( C + sum_{i<K} (-1)^(sa_i ^ sb_i) * Ma_i * Mb_i * 2^(Ea + Eb - ta_(i/2) - tb_(i/2) - 2(M-1)) )
//
// one rounding (docs/semantics.md, "Shared-microexponent blocks"). Operands per block: an E8M0 block
// exponent (0xFF = NaN), K/2 one-bit microexponents (pair j in bit j), K sign-magnitude elements of
// M+1 bits (sign at bit M). The microexponents only shift each product left by 2 - ta - tb (0..2)
// in the fixed point -- "a little shifting" -- so the exact sum needs 2M + 2 + clog2(K) + 1 bits
// (20 + 1 for MX9 at K = 16) where mx_dot needs 64 + clog2(K) + 1.
// Stages 3-5 are mx_dot's (mx_dot_back: mx_fuse, mx_norm, mx_round); stages (a register bank
// *_q after each, loaded only when the stage holds a valid block):
//   1 element products Ma*Mb and their shifts 2 - ta - tb, C decode (mx_cdec), special cases
//   2 shift, two's complement + adder tree (mx_dot_sum, shared with mx_dot: its stage-1
//     register bank and stage 2)
//   3 fuse C (mx_fuse)   4 normalise (mx_norm)   5 round, pack, flags (mx_round)
module mx_dot_bdr #(
  parameter int unsigned K = 16,   // elements per block, a multiple of 2 (k1)
  parameter int unsigned M = 7     // magnitude bits: 7 MX9, 4 MX6, 2 MX4
) (
  input  logic                 clk,
  input  logic                 rst_n,
  input  logic                 in_valid,
  input  logic [2:0]           rm,
  input  logic [7:0]           scale_a,
  input  logic [7:0]           scale_b,
  input  logic [K/2-1:0]       micro_a,
  input  logic [K/2-1:0]       micro_b,
  input  logic [(M+1)*K-1:0]   a,
  input  logic [(M+1)*K-1:0]   b,
  input  logic [31:0]          c,
  output logic                 out_valid,
  output logic [31:0]          d,
  output logic [4:0]           flags
);
  // ------------------------------------------------------------------ parameters
  localparam int unsigned EW      = mx_pkg::EXP_W;
  localparam int unsigned CM      = mx_pkg::CM_W;
  localparam int unsigned EL      = M + 1;                 // element code width
  localparam int unsigned PM      = 2 * M;                 // |product| = Ma * Mb
  localparam int unsigned PW      = PM + 2;                // |product| << (2 - ta - tb)
  localparam int unsigned SW      = PW + $clog2(K) + 1;    // exact sum, two's complement

  // sum LSB exponent: (sa - 127) + (sb - 127) - 2(M - 1) - 2
  localparam logic signed [EW-1:0] K_ES_OFS = EW'(254 + 2 * M);

  // ================================================================== stage 1
  logic [K-1:0]    l_sign, l_zero;
  logic [K*PM-1:0] l_mag;
  logic [K*2-1:0]  l_sh;

  for (genvar i = 0; i < K; i++) begin : g_lane
    logic [M-1:0]   ma, mb;
    logic [PM-1:0]  pm;
    assign ma        = a[EL*i +: M];
    assign mb        = b[EL*i +: M];
    assign pm        = ma * mb;
    assign l_sign[i] = a[EL*i + M] ^ b[EL*i + M];
    assign l_zero[i] = (pm == '0);
    assign l_mag[i*PM +: PM] = pm;
    // the microexponents shift the product left by 2 - ta - tb (0..2) in the fixed point (in stage 2)
    assign l_sh[i*2 +: 2]    = 2'd2 - {1'b0, micro_a[i/2]} - {1'b0, micro_b[i/2]};
  end

  // C (FP32) decode, subnormals normalised: C = (-1)^c_sign * c_mag * 2^c_exp
  logic                 c_sign, c_nan, c_snan, c_inf, c_zero_pos, c_zero_neg;
  logic [CM-1:0]        c_mag;
  logic signed [EW-1:0] c_exp, s_exp;

  mx_cdec u_cdec (
    .c (c), .sign (c_sign), .nan (c_nan), .snan (c_snan), .inf (c_inf),
    .zero_pos (c_zero_pos), .zero_neg (c_zero_neg), .mag (c_mag), .exp (c_exp)
  );
  assign s_exp = $signed({{(EW-9){1'b0}}, {1'b0, scale_a} + {1'b0, scale_b}}) - K_ES_OFS;

  // special cases: the elements are never NaN or infinite, so only a NaN block exponent and a
  // NaN or infinite C are special (rules 1-3 of the OCP dot product, docs/semantics.md)
  logic sc_nan, s1_res_nan, s1_nv, all_zero_neg, all_zero_pos, s1_zero_sign;

  assign sc_nan       = (scale_a == 8'hFF) | (scale_b == 8'hFF);
  assign s1_res_nan   = sc_nan | c_nan;
  assign s1_nv        = c_snan;
  assign all_zero_neg = (&(l_zero & l_sign))  & c_zero_neg;
  assign all_zero_pos = (&(l_zero & ~l_sign)) & c_zero_pos;
  assign s1_zero_sign = all_zero_neg | ((rm == mx_pkg::RM_RDN) & ~all_zero_pos);

  // side band: {rm, res_nan, nv, res_inf, inf_sign, zero_sign}
  logic [mx_pkg::DOT_SB_W-1:0] sb_d;

  assign sb_d = {rm, s1_res_nan, s1_nv, c_inf, c_sign, s1_zero_sign};

  // ================================================================== stage-1 registers, stage 2
  // the product registers (enabled by the valid bit), shift, two's complement and the adder tree;
  // C, s_exp and the sideband are registered in mx_dot_back
  logic [SW-1:0] sum_d;

  mx_dot_sum #(.K(K), .MW(PM), .SHW(2), .FW(PW), .SW(SW)) u_sum (
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
