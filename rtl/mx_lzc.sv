// mx_lzc: leading-zero count of a WIDTH-bit vector (cnt = WIDTH when x == 0).
module mx_lzc #(
  parameter int unsigned WIDTH = 24,
  parameter int unsigned CNT_W = $clog2(WIDTH + 1)
) (
  input  logic [WIDTH-1:0] x,
  output logic [CNT_W-1:0] cnt
);
  always_comb begin
    cnt = CNT_W'(WIDTH);
    // the highest set bit wins (assigned last)
    for (int i = 0; i < WIDTH; i++) begin
      if (x[i]) cnt = CNT_W'(WIDTH - 1 - i);
    end
  end
endmodule
