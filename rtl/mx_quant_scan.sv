// mx_quant_scan: stage 1 of mx_quant -- what the shared exponent needs to know about a block.
//
// |v| is read from the FP32 bits directly (|v| orders like its bit pattern, IEEE 754 sec. 3.4),
// so the block maximum is an unsigned maximum over the 31-bit magnitudes. NaN and +-Inf do
// not take part in it (the scale comes from the finite values, docs/quantization.md); with
// flush, FP32 subnormals count as zero (the MX paper's Algorithm 1). Purely combinational.
module mx_quant_scan #(
  parameter int unsigned K = 32
) (
  input  logic [31*K-1:0] a,          // |v_i| as FP32 bits without the sign, lane i in a[31*i +: 31]
  input  logic            flush,      // FP32 subnormal inputs are zeros
  output logic [30:0]     max_fin,    // largest finite |v_i| (bits), 0 for an all-zero block
  output logic            has_nan,
  output logic            has_inf
);
  localparam logic [30:0] INF_BITS = 31'h7F80_0000;
  localparam logic [30:0] MIN_NORM = 31'h0080_0000;

  logic [31*K-1:0] mag_fin;
  logic [K-1:0]    l_nan, l_inf;

  for (genvar i = 0; i < K; i++) begin : g_lane
    logic [30:0] ai;
    assign ai       = a[31*i +: 31];
    assign l_nan[i] = ai > INF_BITS;
    assign l_inf[i] = ai == INF_BITS;
    assign mag_fin[31*i +: 31] = (ai >= INF_BITS || (flush && ai < MIN_NORM)) ? '0 : ai;
  end

  mx_max_tree #(.N(K), .W(31)) u_max (.in(mag_fin), .max(max_fin));

  assign has_nan = |l_nan;
  assign has_inf = |l_inf;
endmodule
