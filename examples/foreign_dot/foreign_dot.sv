// foreign_dot: an example of a "foreign" MX dot-product unit, verified by `mxref verify --dut` from a description
// file (foreign_dot.json) instead of a wrapper (docs/verify.md, "Verifying your own unit: the description file").
//
// It differs from rtl/mx_dot on purpose, in every way the description can express:
//   - other port names, an active-high synchronous reset;
//   - a valid/ready handshake on the request and on the response (variable latency: the unit holds at most
//     DEPTH results, pipeline and response queue together, and lowers req_ready when it is full);
//   - L = 4 lanes per request, lane 0 in the MOST significant byte; a block of K = 8 elements is two requests
//     (beats), the second taking the first one's result as its accumulator (the bench chains them);
//   - its own element-format codes (0 e5m2, 1 e4m3; FP8 only) and a 3-bit status with no underflow bit
//     ([0] invalid, [1] overflow, [2] inexact);
//   - two behaviours of real units that the golden model expresses as implementation-profile knobs
//     (docs/semantics.md, "Implementation profiles"), profile file foreign_dot.profile.json:
//       zero-sign=positive  an exact zero result is always +0;
//       overflow=saturate   a result that overflows is +-max finite, never +-Inf (flags OF and NX as before).
// Apart from these it is exact: the arithmetic is rtl/mx_dot's (K = L), the usual one-rounding fused dot product.
module foreign_dot #(
  parameter int unsigned L     = 4,   // lanes per request
  parameter int unsigned DEPTH = 8    // results held at most (pipeline + response queue); a power of two >= 6
) (
  input  logic           clock,
  input  logic           reset,
  // request
  input  logic           req_valid,
  output logic           req_ready,
  input  logic [1:0]     req_type_a,   // 0 e5m2, 1 e4m3, 2 and 3 reserved (read as e4m3)
  input  logic [1:0]     req_type_b,
  input  logic [2:0]     req_round,    // rne rtz rdn rup rna rto = 0..5 (mx_pkg codes)
  input  logic [7:0]     req_exp_a,    // E8M0 block scales
  input  logic [7:0]     req_exp_b,
  input  logic [8*L-1:0] req_vec_a,    // lane 0 in bits [8L-1 -: 8]
  input  logic [8*L-1:0] req_vec_b,
  input  logic [31:0]    req_acc,      // FP32 accumulator in
  // response
  output logic           rsp_valid,
  input  logic           rsp_ready,
  output logic [31:0]    rsp_sum,      // FP32
  output logic [2:0]     rsp_status    // [0] invalid, [1] overflow, [2] inexact
);
  localparam int unsigned PW = $clog2(DEPTH);

  // ------------------------------------------------------------------ request side: credits
  // Every accepted request owns a slot of the response queue until its result is taken, so the fixed-latency
  // pipeline below never has to stop.
  logic          take, give;
  logic [PW:0]   credit_q;

  assign req_ready = (credit_q < (PW+1)'(DEPTH));
  assign take      = req_valid & req_ready;
  assign give      = rsp_valid & rsp_ready;

  always_ff @(posedge clock) begin
    if (reset) credit_q <= '0;
    else       credit_q <= credit_q + (PW+1)'(take) - (PW+1)'(give);
  end

  // ------------------------------------------------------------------ operands in mx_dot's encoding
  logic [8*L-1:0] a_lsb, b_lsb;
  for (genvar i = 0; i < L; i++) begin : g_lane
    assign a_lsb[8*i +: 8] = req_vec_a[8*(L-1-i) +: 8];
    assign b_lsb[8*i +: 8] = req_vec_b[8*(L-1-i) +: 8];
  end

  function automatic logic [2:0] fmt_code(input logic [1:0] t);
    fmt_code = (t == 2'd0) ? mx_pkg::FMT_E5M2 : mx_pkg::FMT_E4M3;
  endfunction

  logic        dot_valid;
  logic [31:0] dot_d;
  logic [4:0]  dot_flags;

  mx_dot #(
    .K        (L),
    .FMT_EN   (6'b00_0011),   // e4m3 and e5m2 only
    .SCALE_EN (2'b01)         // E8M0 only
  ) u_dot (
    .clk       (clock),
    .rst_n     (~reset),
    .in_valid  (take),
    .fmt_a     (fmt_code(req_type_a)),
    .fmt_b     (fmt_code(req_type_b)),
    .rm        (req_round),
    .scale_fmt (1'b0),
    .scale_a   (req_exp_a),
    .scale_b   (req_exp_b),
    .a         (a_lsb),
    .b         (b_lsb),
    .c         (req_acc),
    .out_valid (dot_valid),
    .d         (dot_d),
    .flags     (dot_flags)
  );

  // ------------------------------------------------------------------ the unit's own result rules
  // An exact zero has no flags (a result rounded to zero is inexact), so d = +-0 with no flags is an exact zero.
  logic        exact_zero, overflow_inf;
  logic [31:0] sum_d;
  logic [2:0]  status_d;

  assign exact_zero   = (dot_d[30:0] == 31'd0) & (dot_flags == 5'd0);
  assign overflow_inf = dot_flags[mx_pkg::FLAG_OF] & (dot_d[30:0] == 31'h7F80_0000);
  assign sum_d        = exact_zero   ? 32'h0000_0000
                      : overflow_inf ? {dot_d[31], 31'h7F7F_FFFF}
                      : dot_d;
  assign status_d     = {dot_flags[mx_pkg::FLAG_NX], dot_flags[mx_pkg::FLAG_OF], dot_flags[mx_pkg::FLAG_NV]};

  logic unused_flags;
  assign unused_flags = ^{dot_flags[mx_pkg::FLAG_UF], dot_flags[3]};

  // ------------------------------------------------------------------ response queue
  logic [31:0]   q_sum    [0:DEPTH-1];
  logic [2:0]    q_status [0:DEPTH-1];
  logic [PW-1:0] wr_q, rd_q;
  logic [PW:0]   fill_q;

  always_ff @(posedge clock) begin
    if (dot_valid) begin
      q_sum[wr_q]    <= sum_d;
      q_status[wr_q] <= status_d;
    end
  end

  always_ff @(posedge clock) begin
    if (reset) begin
      wr_q   <= '0;
      rd_q   <= '0;
      fill_q <= '0;
    end else begin
      if (dot_valid) wr_q <= wr_q + 1'b1;
      if (give)      rd_q <= rd_q + 1'b1;
      fill_q <= fill_q + (PW+1)'(dot_valid) - (PW+1)'(give);
    end
  end

  assign rsp_valid  = (fill_q != '0);
  assign rsp_sum    = q_sum[rd_q];
  assign rsp_status = q_status[rd_q];
endmodule
