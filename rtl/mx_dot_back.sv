// mx_dot_back: the part of the fused dot units that does not depend on the element format, shared
// by mx_dot and mx_dot_bdr: the valid pipe, C and the product sum's exponent carried through
// stages 1-2, the exact product sum registered at the end of stage 2, then
//   3 fuse C (mx_fuse)   4 normalise (mx_norm)   5 round, pack, flags (mx_round)
// with a register bank after each. The unit in front supplies its stage-1 values (registered here
// when in_valid) and its stage-2 product sum (registered when stage 2 holds a valid block); its own
// stage-1 product registers load on in_valid as well. Latency mx_pkg::DOT_LATENCY in all.
// Only the valid pipe is reset; every data register bank loads only when its stage holds a valid
// block (clock-enable flops).
module mx_dot_back #(
  parameter int unsigned SW = 70       // exact product sum, two's complement bits
) (
  input  logic                            clk,
  input  logic                            rst_n,
  input  logic                            in_valid,
  // stage 1: decoded C (mx_cdec), exponent of the product sum's LSB, sideband
  input  logic [mx_pkg::CM_W-1:0]         c_mag,
  input  logic signed [mx_pkg::EXP_W-1:0] c_exp,
  input  logic                            c_sign,
  input  logic signed [mx_pkg::EXP_W-1:0] s_exp,
  input  logic [mx_pkg::DOT_SB_W-1:0]     sb,      // {rm, res_nan, nv, res_inf, inf_sign, zero_sign}
  // stage 2: the exact product sum
  input  logic [SW-1:0]                   sum,
  output logic                            out_valid,
  output logic [31:0]                     d,
  output logic [4:0]                      flags
);
  localparam int unsigned LATENCY = mx_pkg::DOT_LATENCY;
  localparam int unsigned EW      = mx_pkg::EXP_W;
  localparam int unsigned CM      = mx_pkg::CM_W;
  localparam int unsigned SB_W    = mx_pkg::DOT_SB_W;
  localparam int unsigned WW      = mx_pkg::GUARD + SW + 26;   // fuse window (docs/RTL.md)
  localparam int unsigned MW      = WW - 1;                    // window magnitude

  // ------------------------------------------------------------------ valid pipe
  // vld_q[s]: stage s+2 holds a valid block (in_valid for stage 1); it enables that stage's registers
  logic [LATENCY-1:0] vld_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) vld_q <= '0;
    else        vld_q <= {vld_q[LATENCY-2:0], in_valid};
  end

  // ================================================================== stage 1 registers
  logic [CM-1:0]         c_mag_s1_q, c_mag_s2_q;
  logic signed [EW-1:0]  c_exp_s1_q, c_exp_s2_q, s_exp_s1_q, s_exp_s2_q;
  logic                  c_sign_s1_q, c_sign_s2_q;
  logic [SB_W-1:0]       sb_s1_q, sb_s2_q, sb_s3_q, sb_s4_q;

  always_ff @(posedge clk) begin
    if (in_valid) begin
      c_mag_s1_q  <= c_mag;
      c_exp_s1_q  <= c_exp;
      c_sign_s1_q <= c_sign;
      s_exp_s1_q  <= s_exp;
      sb_s1_q     <= sb;
    end
  end

  // ================================================================== stage 2 registers
  logic [SW-1:0] sum_q;

  always_ff @(posedge clk) begin
    if (vld_q[0]) begin
      sum_q       <= sum;
      c_mag_s2_q  <= c_mag_s1_q;
      c_exp_s2_q  <= c_exp_s1_q;
      c_sign_s2_q <= c_sign_s1_q;
      s_exp_s2_q  <= s_exp_s1_q;
      sb_s2_q     <= sb_s1_q;
    end
  end

  // ================================================================== stage 3
  logic [WW-1:0]        win_d, win_q;
  logic signed [EW-1:0] ebase_d, ebase_q;

  mx_fuse #(.SW(SW), .WW(WW)) u_fuse (
    .s_sum  (sum_q),
    .es     (s_exp_s2_q),
    .c_mag  (c_mag_s2_q),
    .ec     (c_exp_s2_q),
    .c_sign (c_sign_s2_q),
    .win    (win_d),
    .ebase  (ebase_d)
  );

  always_ff @(posedge clk) begin
    if (vld_q[1]) begin
      win_q   <= win_d;
      ebase_q <= ebase_d;
      sb_s3_q <= sb_s2_q;
    end
  end

  // ================================================================== stage 4
  logic [MW-1:0]        mn_d, mn_q;
  logic signed [EW-1:0] emsb_d, emsb_q;
  logic                 sign_d, sign_q, zero_d, zero_q;

  mx_norm #(.WW(WW), .MW(MW)) u_norm (
    .win   (win_q),
    .ebase (ebase_q),
    .mn    (mn_d),
    .e_msb (emsb_d),
    .sign  (sign_d),
    .zero  (zero_d)
  );

  always_ff @(posedge clk) begin
    if (vld_q[2]) begin
      mn_q    <= mn_d;
      emsb_q  <= emsb_d;
      sign_q  <= sign_d;
      zero_q  <= zero_d;
      sb_s4_q <= sb_s3_q;
    end
  end

  // ================================================================== stage 5
  logic [31:0] d_d, d_q;
  logic [4:0]  flags_d, flags_q;

  mx_round #(.MW(MW)) u_round (
    .mn        (mn_q),
    .e_msb     (emsb_q),
    .sign      (sign_q),
    .zero      (zero_q),
    .zero_sign (sb_s4_q[0]),
    .rm        (sb_s4_q[7:5]),
    .res_nan   (sb_s4_q[4]),
    .nv        (sb_s4_q[3]),
    .res_inf   (sb_s4_q[2]),
    .inf_sign  (sb_s4_q[1]),
    .d         (d_d),
    .flags     (flags_d)
  );

  always_ff @(posedge clk) begin
    if (vld_q[3]) begin
      d_q     <= d_d;
      flags_q <= flags_d;
    end
  end

  assign out_valid = vld_q[LATENCY-1];
  assign d         = d_q;
  assign flags     = flags_q;
endmodule
