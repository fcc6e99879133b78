// mx_lzc: leading-zero count and normalising left shift of a WIDTH-bit vector.
//
// Logarithmic "binary search" normaliser: for k = LG-1 .. 0, if the top 2^k bits of the
// (already partly shifted) vector are all zero, set count bit k and shift left by 2^k.
// Depth is O(log^2 WIDTH) gate levels instead of the O(WIDTH) of a priority chain.
//   cnt    = number of leading zeros (WIDTH when x == 0)
//   x_norm = x << cnt (MSB set unless x == 0)
module mx_lzc #(
  parameter int unsigned WIDTH = 24,
  parameter int unsigned CNT_W = $clog2(WIDTH + 1)
) (
  input  logic [WIDTH-1:0] x,
  output logic [CNT_W-1:0] cnt,
  output logic [WIDTH-1:0] x_norm
);
  localparam int unsigned LG = (WIDTH <= 1) ? 1 : $clog2(WIDTH);   // shift levels
  localparam int unsigned P  = 1 << LG;                            // padded width >= WIDTH

  logic [P-1:0]     v;
  logic [CNT_W-1:0] c;

  always_comb begin
    v = '0;
    v[P-1 -: WIDTH] = x;           // zero padding below the LSB does not change the count
    c = '0;
    for (int k = LG - 1; k >= 0; k--) begin
      if ((v >> (P - (1 << k))) == '0) begin
        c[k] = 1'b1;
        v    = v << (1 << k);
      end
    end
  end

  assign cnt    = (x == '0) ? CNT_W'(WIDTH) : c;
  assign x_norm = v[P-1 -: WIDTH];
endmodule
