// mx_dot_sum: the stage-1 product register bank and the stage-2 product sum of the fused dot
// units, shared by mx_dot and mx_dot_bdr (which differ only in how a lane's product is formed and
// in the widths below):
//   stage-1 registers  per lane: sign, integer product magnitude (MW bits), left shift that aligns
//                      it in the fixed-point sum (SHW bits); loaded only when in_valid (clock-enable
//                      flops, an idle unit's datapath does not toggle)
//   stage 2            mag << sh (FW bits, the largest aligned product), zero-extended to SW bits,
//                      two's complement by the sign, mx_tree adder tree: the exact sum, which
//                      mx_dot_back registers at the end of stage 2
// mx_dot: MW = 16, SHW = 6, FW = 64 (the element exponents, docs/RTL.md "Fixed-point width");
// mx_dot_bdr: MW = 2M, SHW = 2, FW = 2M + 2 (the microexponent shift 2 - ta - tb, 0..2).
module mx_dot_sum #(
  parameter int unsigned K   = 32,    // lanes
  parameter int unsigned MW  = 16,    // product magnitude bits
  parameter int unsigned SHW = 6,     // alignment shift bits
  parameter int unsigned FW  = 64,    // aligned magnitude bits: mag << sh always fits
  parameter int unsigned SW  = FW + $clog2(K) + 1   // exact sum, two's complement (cannot overflow)
) (
  input  logic             clk,
  input  logic             in_valid,
  input  logic [K-1:0]     sign,
  input  logic [K*MW-1:0]  mag,
  input  logic [K*SHW-1:0] sh,
  output logic [SW-1:0]    sum        // stage 2, combinational from the stage-1 registers
);
  // ================================================================== stage-1 registers
  logic [K-1:0]     sign_q;
  logic [K*MW-1:0]  mag_q;
  logic [K*SHW-1:0] sh_q;

  always_ff @(posedge clk) begin
    if (in_valid) begin
      sign_q <= sign;
      mag_q  <= mag;
      sh_q   <= sh;
    end
  end

  // ================================================================== stage 2
  logic [K*SW-1:0] p_fx;

  for (genvar i = 0; i < K; i++) begin : g_align
    logic [FW-1:0] mag_fx;
    logic [SW-1:0] mag_ext;
    assign mag_fx  = {{(FW-MW){1'b0}}, mag_q[i*MW +: MW]} << sh_q[i*SHW +: SHW];
    assign mag_ext = {{(SW-FW){1'b0}}, mag_fx};
    assign p_fx[i*SW +: SW] = sign_q[i] ? (~mag_ext + 1'b1) : mag_ext;
  end

  mx_tree #(.N(K), .W(SW), .OP(mx_pkg::TREE_ADD)) u_tree (.in(p_fx), .out(sum));
endmodule
