// mx_quant: FP32 block -> OCP MX v1.0 block (E8M0 scale + K element codes), one block per clock.
//
// The golden model's MxQuantizer (refmodel/Quantization, docs/quantization.md) in hardware:
//   shared_exp = floor(log2 max|v_i|) - emax_elem (+1 when the scale rule asks for it: ceil,
//                rceil, te, even; see mx_quant_scale), clamped to [-127, 127], scale code
//                shared_exp + 127 (0x00 for an all-zero block)
//   P_i        = v_i / 2^shared_exp rounded once (mode rm), saturating at +-max normal
// with the specials policies nan-scale / preserve / saturate / finite (TE), MXINT8 symmetric or full range,
// and FP32 subnormal inputs kept (or flushed to signed zeros). BF16 input lanes (in_fmt) are
// widened to FP32 exactly in front of stage 1 (BF16 is FP32's top half), so they are quantized as
// the FP32 values they are.
//
// Fully pipelined, fixed latency mx_pkg::QUANT_LATENCY (3), no back-pressure. Stages:
//   1 scan   (mx_quant_scan):  largest finite exponent field, OR of subnormal fractions, NaN / Inf
//   2 scale  (mx_quant_scale): shared exponent, scale code, NaN-scale decision
//   3 round  (mx_quant_lane x K): element codes
// Only the valid pipe is reset; data registers load only when their stage holds a valid block.
//
// FMT_EN (bit f enables format code f) builds a unit for a subset of the element formats:
// a disabled or reserved format code is quantized as the lowest enabled format and raises
// rsv. See docs/RTL.md for the interface, reserved codes and the synthesis figures.
module mx_quant #(
  parameter int unsigned K      = 32,
  parameter logic [5:0]  FMT_EN = mx_pkg::FMT_EN_ALL,
  // IN_FMT_EN (bit 0 FP32, bit 1 BF16) builds the unit for one input format (area figures): the
  // in_fmt port is then ignored. The default takes both, chosen per block by in_fmt.
  parameter logic [1:0]  IN_FMT_EN = mx_pkg::IN_FMT_EN_ALL
) (
  input  logic            clk,
  input  logic            rst_n,
  input  logic            in_valid,
  input  logic [32*K-1:0] v,           // FP32 lane i in v[32*i +: 32] (BF16: in v[32*i +: 16])
  input  logic            in_fmt,      // IN_*: 0 FP32 lanes, 1 BF16 in the low 16 bits of each lane
  input  logic [2:0]      fmt,         // FMT_*: 0 e4m3 .. 5 int8 (6, 7 reserved)
  input  logic [2:0]      rm,          // RM_*: 0 rne .. 5 rto (6, 7 reserved: rne)
  input  logic [2:0]      scale_rule,  // SR_*: 0 floor, 1 ceil, 2 rceil, 3 te, 4 even (5..7 reserved: floor)
  input  logic [1:0]      specials,    // SP_*: 0 nan-scale, 1 preserve, 2 saturate, 3 finite (TE)
  input  logic            int8_full,   // MXINT8: 0 symmetric (+-127), 1 full (-128 allowed)
  input  logic            flush,       // FP32 subnormal inputs become zeros of the same sign
  output logic            out_valid,
  output logic [7:0]      scale,       // E8M0 scale code, 0xFF = NaN
  output logic [8*K-1:0]  p,           // element i in p[8*i +: 8], code in the low bits
  output logic            rsv          // a reserved or disabled code was used
);
  localparam int unsigned LATENCY = mx_pkg::QUANT_LATENCY;

  // ------------------------------------------------------------------ configuration decode
  logic       fmt_ok, rule_ok, sp_ok;
  logic [2:0] fmt_e;
  logic [2:0] rule_e;
  logic [1:0] sp_e;

  assign fmt_ok  = (fmt <= mx_pkg::FMT_INT8) && FMT_EN[fmt];
  assign fmt_e   = mx_pkg::fmt_restrict(fmt, FMT_EN);
  assign rule_ok = scale_rule <= mx_pkg::SR_EVEN;
  assign rule_e  = rule_ok ? scale_rule : mx_pkg::SR_FLOOR;
  assign sp_ok   = 1'b1;               // every specials code is defined
  assign sp_e    = specials;

  logic rsv_d;
  assign rsv_d = !(fmt_ok && rule_ok && sp_ok && rm <= mx_pkg::RM_RTO);

  // ------------------------------------------------------------------ input lanes
  // A BF16 value is the top half of the FP32 value it denotes (same sign, exponent field and
  // leading 7 fraction bits), so {bf16, 16'h0} widens it exactly; the upper 16 bits of a BF16 lane
  // are ignored. Everything downstream is the FP32 datapath (a 2:1 multiplexer per upper lane bit
  // and an AND per lower lane bit).
  logic            bf16;
  logic [32*K-1:0] v_in;

  if (IN_FMT_EN == mx_pkg::IN_FMT_EN_ALL) begin : g_in_all
    assign bf16 = (in_fmt == mx_pkg::IN_BF16);
  end else begin : g_in_one
    assign bf16 = IN_FMT_EN[mx_pkg::IN_BF16];
    logic unused_in_fmt;
    assign unused_in_fmt = in_fmt;
  end

  for (genvar i = 0; i < K; i++) begin : g_in
    assign v_in[32*i +: 32] = bf16 ? {v[32*i +: 16], 16'h0000} : v[32*i +: 32];
  end

  // ------------------------------------------------------------------ valid pipe
  logic [LATENCY-1:0] vld_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) vld_q <= '0;
    else        vld_q <= {vld_q[LATENCY-2:0], in_valid};
  end

  // ================================================================== stage 1: scan
  logic [7:0]  emx_d;
  logic [22:0] sub_or_d;
  logic        nan_d, inf_d;

  logic [31*K-1:0] mag;                 // |v_i| as bits
  for (genvar i = 0; i < K; i++) begin : g_mag
    assign mag[31*i +: 31] = v_in[32*i +: 31];
  end

  mx_quant_scan #(.K(K)) u_scan (
    .a (mag), .flush (flush), .emx (emx_d), .sub_or (sub_or_d), .has_nan (nan_d), .has_inf (inf_d)
  );

  logic [32*K-1:0] v_s1_q;
  logic [7:0]      emx_s1_q;
  logic [22:0]     sub_or_s1_q;
  logic            nan_s1_q, inf_s1_q;
  logic [2:0]      fmt_s1_q, rm_s1_q;
  logic [1:0]      sp_s1_q;
  logic [2:0]      rule_s1_q;
  logic            full_s1_q, flush_s1_q, rsv_s1_q;

  always_ff @(posedge clk) begin
    if (in_valid) begin
      v_s1_q      <= v_in;
      emx_s1_q    <= emx_d;
      sub_or_s1_q <= sub_or_d;
      nan_s1_q <= nan_d;
      inf_s1_q <= inf_d;
      fmt_s1_q   <= fmt_e;
      rm_s1_q    <= rm;
      sp_s1_q    <= sp_e;
      rule_s1_q  <= rule_e;
      full_s1_q  <= int8_full;
      flush_s1_q <= flush;
      rsv_s1_q   <= rsv_d;
    end
  end

  // ================================================================== stage 2: shared exponent
  logic signed [8:0] shared_d;
  logic              nanblk_d;
  logic signed [9:0] bin_lo_d, bin_t_d, bin_hi_d;

  logic [31*K-1:0] mag_s1;
  for (genvar i = 0; i < K; i++) begin : g_mag_s1
    assign mag_s1[31*i +: 31] = v_s1_q[32*i +: 31];
  end

  mx_quant_scale #(.K(K)) u_scale (
    .a         (mag_s1),
    .emx       (emx_s1_q),
    .sub_or    (sub_or_s1_q),
    .has_nan   (nan_s1_q),
    .has_inf   (inf_s1_q),
    .fmt       (fmt_s1_q),
    .rule      (rule_s1_q),
    .specials  (sp_s1_q),
    .shared    (shared_d),
    .nan_blk   (nanblk_d),
    .bin_lo    (bin_lo_d),
    .bin_t     (bin_t_d),
    .bin_hi    (bin_hi_d)
  );

  logic [7:0] scale_d;
  assign scale_d = nanblk_d ? 8'hFF : 8'(shared_d + 9'sd127);

  logic [32*K-1:0]   v_s2_q;
  logic [7:0]        scale_s2_q;
  logic signed [9:0] bin_lo_s2_q, bin_t_s2_q, bin_hi_s2_q;
  logic              nanblk_s2_q;
  logic [2:0]        fmt_s2_q, rm_s2_q;
  logic [1:0]        sp_s2_q;
  logic              full_s2_q, flush_s2_q, rsv_s2_q;

  always_ff @(posedge clk) begin
    if (vld_q[0]) begin
      v_s2_q      <= v_s1_q;
      scale_s2_q  <= scale_d;
      bin_lo_s2_q <= bin_lo_d;
      bin_t_s2_q  <= bin_t_d;
      bin_hi_s2_q <= bin_hi_d;
      nanblk_s2_q <= nanblk_d;
      fmt_s2_q    <= fmt_s1_q;
      rm_s2_q     <= rm_s1_q;
      sp_s2_q     <= sp_s1_q;
      full_s2_q   <= full_s1_q;
      flush_s2_q  <= flush_s1_q;
      rsv_s2_q    <= rsv_s1_q;
    end
  end

  // ================================================================== stage 3: element rounding
  logic [8*K-1:0] p_d;

  for (genvar i = 0; i < K; i++) begin : g_lane
    mx_quant_lane u_lane (
      .v         (v_s2_q[32*i +: 32]),
      .bin_lo    (bin_lo_s2_q),
      .bin_t     (bin_t_s2_q),
      .bin_hi    (bin_hi_s2_q),
      .nan_blk   (nanblk_s2_q),
      .fmt       (fmt_s2_q),
      .rm        (rm_s2_q),
      .specials  (sp_s2_q),
      .int8_full (full_s2_q),
      .flush     (flush_s2_q),
      .code      (p_d[8*i +: 8])
    );
  end

  logic [7:0]     scale_s3_q;
  logic [8*K-1:0] p_s3_q;
  logic           rsv_s3_q;

  always_ff @(posedge clk) begin
    if (vld_q[1]) begin
      scale_s3_q <= scale_s2_q;
      p_s3_q     <= p_d;
      rsv_s3_q   <= rsv_s2_q;
    end
  end

  assign out_valid = vld_q[LATENCY-1];
  assign scale     = scale_s3_q;
  assign p         = p_s3_q;
  assign rsv       = rsv_s3_q;
endmodule
