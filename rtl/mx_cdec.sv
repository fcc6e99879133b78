// mx_cdec: decode the FP32 accumulator input C of the fused dot units (stage 1 of mx_dot and
// mx_dot_bdr). Subnormals are normalised, so a finite C is (-1)^sign * mag * 2^exp with mag[23] set
// (or mag = 0 for a zero); the classes feed the special-case rules (docs/RTL.md, "Semantics
// implemented"). Purely combinational.
module mx_cdec (
  input  logic [31:0]                     c,
  output logic                            sign,
  output logic                            nan,
  output logic                            snan,      // signalling NaN (quiet bit 22 clear)
  output logic                            inf,
  output logic                            zero_pos,  // +0
  output logic                            zero_neg,  // -0
  output logic [mx_pkg::CM_W-1:0]         mag,       // significand incl. hidden bit, normalised
  output logic signed [mx_pkg::EXP_W-1:0] exp        // exponent of mag's LSB
);
  localparam int unsigned EW    = mx_pkg::EXP_W;
  localparam int unsigned CM    = mx_pkg::CM_W;
  localparam int unsigned CLZ_W = $clog2(CM + 1);
  // bias 127 + 23 fraction bits
  localparam logic signed [EW-1:0] K_EC_OFS = EW'(150);

  logic [7:0]       bexp;
  logic [CM-1:0]    raw;
  logic [CLZ_W-1:0] lz;

  assign sign     = c[31];
  assign bexp     = c[30:23];
  assign nan      = (bexp == 8'hFF) & (c[22:0] != '0);
  assign snan     = nan & ~c[22];
  assign inf      = (bexp == 8'hFF) & (c[22:0] == '0);
  assign zero_pos = (c == 32'h0000_0000);
  assign zero_neg = (c == 32'h8000_0000);
  assign raw      = {(bexp != 8'd0), c[22:0]};

  mx_lzc #(.WIDTH(CM)) u_lzc (.x(raw), .cnt(lz), .x_norm(mag));

  // a subnormal has the exponent of the smallest normal (field 1), less its normalising shift
  assign exp = $signed({{(EW-8){1'b0}}, (bexp == 8'd0) ? 8'd1 : bexp}) - K_EC_OFS
             - $signed({{(EW-CLZ_W){1'b0}}, lz});
endmodule
