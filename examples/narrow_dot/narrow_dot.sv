// narrow_dot: an example dot-product unit with an output-format port, verified by `mxref verify --dut` with
// `--out all` (docs/verify.md, "Output formats"). mx_dot's interface plus out_fmt (0 FP32, 1 BF16, 2 FP16): D is
// C + sa*sb*sum(a_i*b_i) rounded once to the selected format, a BF16/FP16 result in d[15:0].
//
// The wide sum is rounded once: mx_dot (unchanged) produces an FP32 value in a mode that composes with the narrowing
// (round to odd for rne/rna, the requested mode otherwise) and narrow_round rounds it to BF16/FP16 in the requested
// mode; narrow_round.sv gives the argument (Boldo and Melquiond 2008). DOUBLE_ROUND = 1 builds the broken copy that
// examples and tests use: mx_dot rounds in the requested mode, so rne/rna results are rounded twice.
// Latency mx_pkg::DOT_LATENCY + 1 (the narrowing stage), one block per clock, no back-pressure.
module narrow_dot #(
  parameter int unsigned K            = 8,
  parameter int unsigned DOUBLE_ROUND = 0
) (
  input  logic           clk,
  input  logic           rst_n,
  input  logic           in_valid,
  input  logic [2:0]     fmt_a,
  input  logic [2:0]     fmt_b,
  input  logic [2:0]     rm,
  input  logic [1:0]     out_fmt,     // 0 FP32, 1 BF16, 2 FP16
  input  logic [7:0]     scale_a,     // E8M0
  input  logic [7:0]     scale_b,
  input  logic [8*K-1:0] a,
  input  logic [8*K-1:0] b,
  input  logic [31:0]    c,
  output logic           out_valid,
  output logic [31:0]    d,
  output logic [4:0]     flags
);
  localparam int unsigned LAT = mx_pkg::DOT_LATENCY;

  // ------------------------------------------------------------------ stages 1-5: mx_dot in a composing mode
  logic [2:0] dot_rm;
  assign dot_rm = (DOUBLE_ROUND == 0 && out_fmt != 2'd0 && (rm == mx_pkg::RM_RNE || rm == mx_pkg::RM_RNA)) ? mx_pkg::RM_RTO : rm;

  logic        dot_valid;
  logic [31:0] dot_d;
  logic [4:0]  dot_flags;

  mx_dot #(.K(K)) u_dot (
    .clk       (clk),
    .rst_n     (rst_n),
    .in_valid  (in_valid),
    .fmt_a     (fmt_a),
    .fmt_b     (fmt_b),
    .rm        (dot_rm),
    .scale_fmt (1'b0),
    .scale_a   (scale_a),
    .scale_b   (scale_b),
    .a         (a),
    .b         (b),
    .c         (c),
    .out_valid (dot_valid),
    .d         (dot_d),
    .flags     (dot_flags)
  );

  // the requested mode and output format beside mx_dot's pipeline (loaded with the block, as its sideband)
  logic [2:0] rm_q  [LAT];
  logic [1:0] fmt_q [LAT];
  always_ff @(posedge clk) begin
    rm_q[0]  <= rm;
    fmt_q[0] <= out_fmt;
    for (int s = 1; s < LAT; s++) begin
      rm_q[s]  <= rm_q[s-1];
      fmt_q[s] <= fmt_q[s-1];
    end
  end

  // ------------------------------------------------------------------ stage 6: round to the output format
  logic [31:0] d_d, d_q;
  logic [4:0]  flags_d, flags_q;
  logic        valid_q;

  narrow_round u_narrow (
    .x       (dot_d),
    .x_flags (dot_flags),
    .rm      (rm_q[LAT-1]),
    .out_fmt (fmt_q[LAT-1]),
    .d       (d_d),
    .flags   (flags_d)
  );

  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) valid_q <= 1'b0;
    else        valid_q <= dot_valid;
  end

  always_ff @(posedge clk) begin
    if (dot_valid) begin
      d_q     <= d_d;
      flags_q <= flags_d;
    end
  end

  assign out_valid = valid_q;
  assign d         = d_q;
  assign flags     = flags_q;
endmodule
