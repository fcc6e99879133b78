// mx_norm: magnitude, leading-zero count and normalising left shift (stage 4 of mx_dot).
// Output: value = (-1)^sign * mn * 2^(e_msb - (MW-1)), mn[MW-1] = 1 unless zero.
module mx_norm #(
  parameter int unsigned WW = 124,
  parameter int unsigned MW = WW - 1
) (
  input  logic [WW-1:0]                   win,
  input  logic signed [mx_pkg::EXP_W-1:0] ebase,
  output logic [MW-1:0]                   mn,
  output logic signed [mx_pkg::EXP_W-1:0] e_msb,   // exponent of mn's MSB
  output logic                            sign,
  output logic                            zero     // exact zero
);
  localparam int unsigned EW    = mx_pkg::EXP_W;
  localparam int unsigned LZ_W  = $clog2(MW + 1);
  localparam logic signed [EW-1:0] K_TOP = EW'(MW - 1);

  logic [MW-1:0]   mag;
  logic [LZ_W-1:0] lz;

  assign sign    = win[WW-1];
  // |win| < 2^(WW-2), so the magnitude fits the low MW bits (negated modulo 2^MW)
  assign mag     = sign ? (~win[MW-1:0] + 1'b1) : win[MW-1:0];
  assign zero    = (mag == '0);

  mx_lzc #(.WIDTH(MW)) u_lzc (.x(mag), .cnt(lz), .x_norm(mn));

  assign e_msb = ebase + K_TOP - $signed({{(EW-LZ_W){1'b0}}, lz});
endmodule
