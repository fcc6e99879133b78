// mx_fuse: add the FP32 accumulator C to the exact product sum S (stage 3 of mx_dot).
//
//   S    : SW-bit two's complement, value S * 2^es            (exact)
//   C    : (-1)^c_sign * c_mag * 2^ec, c_mag normalised (bit 23 set) or 0
//   out  : win, WW-bit two's complement, value win * 2^ebase
//
// Window layout (bit 0 = LSB, G = mx_pkg::GUARD):
//
//   WW-1 ........ G+SW+24 | G+SW+23 .. G+SW | G+SW-1 ...... G | G-1 ...... 0
//   sign + carry  (2 bits) | C when clamped  | S (mode N)      | guard bits, jam at bit 0
//
// d = ec - es is the position of C's LSB relative to S's LSB.
//  * mode N (S != 0 and d <= SW): S sits at bit G, C at bit G+d.  C bits that fall below
//    bit 0 are jammed (OR-ed) into bit 0 (round-to-odd of C at bit 0). Since S is an even
//    multiple of 2^0 and |S| >= 2^G dominates any C that reaches below bit 0, the sum's
//    round bit is at least G-25 >= 3 bits above bit 0, so the jam cannot change rounding.
//  * mode J (S == 0, or C != 0 and d > SW): C sits at bit G+SW and S is replaced by
//    sign(S) * 1 at bit 0.  Then |S| < 2^(SW-1) * 2^es <= 2^(ec-2) lies entirely below the
//    result's round bit, so C +- tiny rounds exactly like C + S.  (S == 0 adds nothing.)
module mx_fuse #(
  parameter int unsigned SW = 70,
  parameter int unsigned WW = mx_pkg::GUARD + SW + 26
) (
  input  logic [SW-1:0]                   s_sum,
  input  logic signed [mx_pkg::EXP_W-1:0] es,
  input  logic [mx_pkg::CM_W-1:0]         c_mag,
  input  logic signed [mx_pkg::EXP_W-1:0] ec,
  input  logic                            c_sign,
  output logic [WW-1:0]                   win,
  output logic signed [mx_pkg::EXP_W-1:0] ebase
);
  localparam int unsigned G    = mx_pkg::GUARD;
  localparam int unsigned CM   = mx_pkg::CM_W;
  localparam int unsigned XW   = WW + CM;      // C shifter width: 24 extra bits below bit 0
  localparam int unsigned SH_W = $clog2(XW);
  localparam int unsigned EW   = mx_pkg::EXP_W;
  // signed exponent constants
  localparam logic signed [EW-1:0] K_SW      = EW'(SW);
  localparam logic signed [EW-1:0] K_G       = EW'(G);
  localparam logic signed [EW-1:0] K_GCM     = EW'(G + CM);
  localparam logic signed [EW-1:0] K_GSW     = EW'(G + SW);
  localparam logic signed [EW-1:0] K_GSWCM   = EW'(G + SW + CM);

  logic signed [EW-1:0] d, cpos;
  logic                 s_zero, c_zero, s_neg, mode_j, c_below;
  logic [SH_W-1:0]      c_shamt;
  logic [XW-1:0]        c_ext;
  logic [WW-1:0]        c_al, c_two, s_al;

  assign d      = ec - es;
  assign s_zero = (s_sum == '0);
  assign c_zero = (c_mag == '0);
  assign s_neg  = s_sum[SW-1];
  assign mode_j = s_zero | (~c_zero & (d > K_SW));

  // position of C's LSB inside the extended (24 bits lower) field
  assign cpos    = mode_j ? K_GSWCM : d + K_GCM;
  assign c_below = cpos < 0;                       // C lies entirely below bit 0
  assign c_shamt = c_below ? '0 : cpos[SH_W-1:0];  // cpos <= G+SW+24 < XW
  assign c_ext   = {{(XW-CM){1'b0}}, c_mag} << c_shamt;
  // magnitude of C in the window, everything below bit 0 jammed into bit 0
  assign c_al    = {c_ext[XW-1:CM+1], c_ext[CM] | (|c_ext[CM-1:0]) | (c_below & ~c_zero)};
  assign c_two   = c_sign ? (~c_al + 1'b1) : c_al;

  assign s_al = mode_j ? (s_zero ? '0 : (s_neg ? '1 : {{(WW-1){1'b0}}, 1'b1}))
                       : {{(WW-SW-G){s_neg}}, s_sum, {G{1'b0}}};

  assign win   = s_al + c_two;
  assign ebase = mode_j ? (ec - K_GSW) : (es - K_G);
endmodule
