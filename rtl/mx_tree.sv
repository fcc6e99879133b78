// mx_tree: balanced binary reduction tree, N inputs of W bits each, log2(N) levels of one operator:
//   OP = mx_pkg::TREE_ADD  two's-complement sum (mx_dot, mx_dot_bdr: the exact product sum)
//   OP = mx_pkg::TREE_MAX  unsigned maximum     (mx_quant: the largest exponent field)
// The inputs are padded with zeros to the next power of two (0 is the identity of both operators);
// the heap-ordered node vector holds node n (1..2*NP-1) at node[n*W +: W], children 2n and 2n+1,
// root 1.
module mx_tree #(
  parameter int unsigned N  = 32,
  parameter int unsigned W  = 70,
  parameter logic        OP = mx_pkg::TREE_ADD
) (
  input  logic [N*W-1:0] in,
  output logic [W-1:0]   out
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

  for (genvar n = 1; n < NP; n++) begin : g_node
    logic [W-1:0] l, r;
    assign l = node[2*n*W +: W];
    assign r = node[(2*n+1)*W +: W];
    if (OP == mx_pkg::TREE_MAX) begin : g_max
      assign node[n*W +: W] = (l >= r) ? l : r;
    end else begin : g_add
      assign node[n*W +: W] = l + r;
    end
  end

  assign out = node[W +: W];
endmodule
