// mx_quant_scan: stage 1 of mx_quant -- what the shared exponent needs to know about a block.
//
// floor(log2 max|v_i|) only needs the largest exponent field, not the full maximum: over the
// finite normal lanes the largest biased exponent emx gives floor(log2 amax) = emx - 127; when no
// lane is normal, the leading one of the OR of the subnormal fractions is the leading one of the
// largest subnormal (FP32 subnormals share the exponent 2^-149 of their LSB). An 8-bit maximum
// tree and a 23-bit OR instead of a 31-bit maximum tree (the ceil rule's significand test is in
// mx_quant_scale). NaN and +-Inf do not count (the scale comes from the finite values,
// docs/quantization.md); with flush, FP32 subnormals are zeros (the MX paper's Algorithm 1).
// Purely combinational.
module mx_quant_scan #(
  parameter int unsigned K = 32
) (
  input  logic [31*K-1:0] a,          // |v_i| as FP32 bits without the sign, lane i in a[31*i +: 31]
  input  logic            flush,      // FP32 subnormal inputs are zeros
  output logic [7:0]      emx,        // largest biased exponent of a finite normal lane, 0: none
  output logic [22:0]     sub_or,     // OR of the fractions of the (kept) subnormal lanes
  output logic            has_nan,
  output logic            has_inf
);
  logic [8*K-1:0]  e_fin;
  logic [23*K-1:0] f_sub;
  logic [K-1:0]    l_nan, l_inf;

  for (genvar i = 0; i < K; i++) begin : g_lane
    logic [7:0]  be;
    logic [22:0] fr;
    assign be       = a[31*i+23 +: 8];
    assign fr       = a[31*i +: 23];
    assign l_nan[i] = (be == 8'hFF) && (fr != '0);
    assign l_inf[i] = (be == 8'hFF) && (fr == '0);
    assign e_fin[8*i +: 8]   = (be == 8'hFF) ? 8'd0 : be;
    assign f_sub[23*i +: 23] = (be == 8'd0 && !flush) ? fr : 23'd0;
  end

  mx_tree #(.N(K), .W(8), .OP(mx_pkg::TREE_MAX)) u_max (.in(e_fin), .out(emx));

  always_comb begin
    sub_or = '0;
    for (int i = 0; i < K; i++) sub_or = sub_or | f_sub[23*i +: 23];
  end

  assign has_nan = |l_nan;
  assign has_inf = |l_inf;
endmodule
