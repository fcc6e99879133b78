// mx_decode: OCP MX v1.0 block -> K values of FP32, BF16 or FP16, one block per clock.
//
// The golden model's MxDecode (refmodel/Dot/MxDecode.cs, `mxref decode`, `.mxv` op decode) in
// hardware: element i of a block is X * P_i (OCP MX v1.0 sec. 5.2, X the E8M0 block scale, P_i
// the element), rounded once to the output format under rm, with the IEEE flags of that rounding
// OR-ed over the block. A NaN scale (0xFF) makes every lane NaN (sec. 5.4.1); e4m3 S.1111.111 and
// the e5m2 NaN codes are NaN, e5m2 +-Inf stays infinite, e3m2/e2m3/e2m1 have no special codes
// (their top exponent is finite). Subnormal outputs are kept, an overflow of BF16/FP16 gives +-Inf
// or +-max finite per IEEE 754 sec. 7.4, NaN results are the canonical quiet NaN.
//
// Fully pipelined, fixed latency mx_pkg::DECODE_LATENCY (2), no back-pressure. Stages:
//   1 decode (mx_pkg::decode_elem x K): sign, integer significand, shift; + the scale code
//   2 round  (mx_decode_lane x K):      normalise, round, pack; flags OR-ed over the lanes
// Only the valid pipe is reset; data registers load only when their stage holds a valid block.
//
// FMT_EN (bit f enables format code f) builds a unit for a subset of the element formats: a
// disabled or reserved format code is decoded as the lowest enabled format (mx_pkg::fmt_restrict).
module mx_decode #(
  parameter int unsigned K      = 32,
  parameter logic [5:0]  FMT_EN = mx_pkg::FMT_EN_ALL
) (
  input  logic            clk,
  input  logic            rst_n,       // asynchronous, active low (clears the valid pipe only)
  input  logic            in_valid,
  input  logic [2:0]      fmt,         // FMT_*: 0 e4m3 .. 5 int8 (6, 7 reserved: e4m3)
  input  logic [2:0]      rm,          // RM_*: 0 rne .. 5 rto (6, 7 reserved: rne)
  input  logic [1:0]      out_fmt,     // OUT_*: 0 fp32, 1 bf16, 2 fp16 (3 reserved: fp32)
  input  logic [7:0]      scale,       // E8M0: 2^(scale - 127), 0xFF = NaN
  input  logic [8*K-1:0]  a,           // element i in a[8*i +: 8], code in the low bits
  output logic            out_valid,
  output logic [32*K-1:0] d,           // value i in d[32*i +: 32]; BF16/FP16 in the low 16 bits
  output logic [4:0]      flags        // OR over the lanes: bit 0 NX, 1 UF, 2 OF; 3, 4 (NV) are 0
);
  localparam int unsigned LATENCY = mx_pkg::DECODE_LATENCY;
  localparam int unsigned LW      = mx_pkg::DEC_LANE_W;
  localparam int unsigned EW      = mx_pkg::DEC_ESUM_W;

  // ------------------------------------------------------------------ valid pipe
  logic [LATENCY-1:0] vld_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) vld_q <= '0;
    else        vld_q <= {vld_q[LATENCY-2:0], in_valid};
  end

  // ================================================================== stage 1: decode
  logic [2:0]    fmt_e;
  logic          scale_nan;
  logic [LW*K-1:0] lane_d;
  assign fmt_e     = mx_pkg::fmt_restrict(fmt, FMT_EN);
  assign scale_nan = (scale == 8'hFF);

  for (genvar i = 0; i < K; i++) begin : g_dec
    logic                             nan, inf, zero, s;
    logic [mx_pkg::EL_MAG_W-1:0]      mag;
    logic [mx_pkg::EL_SH_W-1:0]       sh;
    assign {nan, inf, zero, s, mag, sh} = mx_pkg::decode_elem(a[8*i +: 8], fmt_e);
    // X * P_i = mag * 2^(sh - 16) * 2^(scale - 127): the exponents add, the significand is mag
    assign lane_d[LW*i +: LW] = {nan | scale_nan, inf, zero, s, mag, EW'(sh) + EW'(scale)};
  end

  logic [LW*K-1:0] lane_s1_q;
  logic [2:0]      rm_s1_q;
  logic [1:0]      out_s1_q;
  always_ff @(posedge clk) begin
    if (in_valid) begin
      lane_s1_q <= lane_d;
      rm_s1_q   <= rm;
      out_s1_q  <= out_fmt;
    end
  end

  // ================================================================== stage 2: normalise, round, pack
  logic [32*K-1:0] d_d;
  logic [5*K-1:0]  fl_lane;
  logic [4:0]      flags_d;

  for (genvar i = 0; i < K; i++) begin : g_lane
    mx_decode_lane u_lane (
      .lane    (lane_s1_q[LW*i +: LW]),
      .rm      (rm_s1_q),
      .out_fmt (out_s1_q),
      .res     (d_d[32*i +: 32]),
      .flags   (fl_lane[5*i +: 5])
    );
  end

  always_comb begin
    flags_d = '0;
    for (int i = 0; i < K; i++) flags_d |= fl_lane[5*i +: 5];
  end

  logic [32*K-1:0] d_s2_q;
  logic [4:0]      flags_s2_q;
  always_ff @(posedge clk) begin
    if (vld_q[0]) begin
      d_s2_q     <= d_d;
      flags_s2_q <= flags_d;
    end
  end

  assign out_valid = vld_q[LATENCY-1];
  assign d         = d_s2_q;
  assign flags     = flags_s2_q;
endmodule
