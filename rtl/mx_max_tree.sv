// mx_max_tree: balanced binary tree of unsigned maximum selectors, N inputs of W bits each.
// Same heap layout as mx_adder_tree (node n at node[n*W +: W], children 2n and 2n+1,
// root 1, inputs padded with zeros to the next power of two): log2(N) comparator levels.
module mx_max_tree #(
  parameter int unsigned N = 32,
  parameter int unsigned W = 31
) (
  input  logic [N*W-1:0] in,
  output logic [W-1:0]   max
);
  localparam int unsigned NP = (N <= 1) ? 1 : (1 << $clog2(N));

  logic [2*NP*W-1:W] node /* verilator split_var */;  // node 0 does not exist

  for (genvar n = 0; n < NP; n++) begin : g_leaf
    if (n < N) begin : g_in
      assign node[(NP+n)*W +: W] = in[n*W +: W];
    end else begin : g_pad
      assign node[(NP+n)*W +: W] = '0;
    end
  end

  for (genvar n = 1; n < NP; n++) begin : g_max
    assign node[n*W +: W] = (node[2*n*W +: W] >= node[(2*n+1)*W +: W]) ? node[2*n*W +: W]
                                                                      : node[(2*n+1)*W +: W];
  end

  assign max = node[W +: W];
endmodule
