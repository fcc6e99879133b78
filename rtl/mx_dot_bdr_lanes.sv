// mx_dot_bdr_lanes: mx_dot_bdr with its elements in byte lanes -- element i in a[8*i +: 8], its
// M+1-bit sign-magnitude code in the low bits, the bits above ignored -- which is how mx_dot takes
// its narrower formats (docs/RTL.md, "Interface"). This is the interface of `mxref verify --unit
// dot-bdr` (docs/verify.md, "Units"): the same ports for MX9, MX6 and MX4, only M differs, so the
// C++ bench and the port check need not know M. Wiring only; mx_dot_bdr keeps the packed layout of
// the .mxv line that the portable bench (rtl/tb/mx_dot_bdr_tb.sv) drives.
module mx_dot_bdr_lanes #(
  parameter int unsigned K = 16,   // elements per block, a multiple of 2
  parameter int unsigned M = 7     // magnitude bits: 7 MX9, 4 MX6, 2 MX4
) (
  input  logic                 clk,
  input  logic                 rst_n,
  input  logic                 in_valid,
  input  logic [2:0]           rm,
  input  logic [7:0]           scale_a,
  input  logic [7:0]           scale_b,
  input  logic [K/2-1:0]       micro_a,
  input  logic [K/2-1:0]       micro_b,
  input  logic [8*K-1:0]       a,
  input  logic [8*K-1:0]       b,
  input  logic [31:0]          c,
  output logic                 out_valid,
  output logic [31:0]          d,
  output logic [4:0]           flags
);
  localparam int unsigned EL = M + 1;   // element code width

  logic [EL*K-1:0] a_el, b_el;

  for (genvar i = 0; i < K; i++) begin : g_lane
    assign a_el[EL*i +: EL] = a[8*i +: EL];
    assign b_el[EL*i +: EL] = b[8*i +: EL];
  end

  // the lane bits above the code are ignored (M < 7)
  logic unused_lanes;
  assign unused_lanes = ^{a, b};

  mx_dot_bdr #(.K(K), .M(M)) u_dot (
    .clk, .rst_n, .in_valid, .rm, .scale_a, .scale_b, .micro_a, .micro_b,
    .a (a_el), .b (b_el), .c,
    .out_valid, .d, .flags
  );
endmodule
