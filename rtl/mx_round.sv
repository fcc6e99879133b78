// mx_round: FP32 rounding (subnormals kept), overflow, flags, specials (stage 5 of mx_dot).
module mx_round #(
  parameter int unsigned MW = 123
) (
  input  logic [MW-1:0]                   mn,        // normalised magnitude, MSB = 2^e_msb
  input  logic signed [mx_pkg::EXP_W-1:0] e_msb,
  input  logic                            sign,
  input  logic                            zero,      // exact zero sum
  input  logic                            zero_sign, // sign of an exact zero result
  input  logic [2:0]                      rm,
  input  logic                            res_nan,   // result is the canonical quiet NaN
  input  logic                            nv,
  input  logic                            res_inf,   // result is an infinity (no flags)
  input  logic                            inf_sign,
  output logic [31:0]                     d,
  output logic [4:0]                      flags
);
  localparam int unsigned EW  = mx_pkg::EXP_W;
  // Negative constants are cast as EW'(-126), not negated after the cast: Yosys 0.23 reads -EW'(126) as +126 (an
  // unsigned cast then negated), which made the synthesised netlist treat every normal result as tiny.
  localparam logic signed [EW-1:0] K_EMIN   = EW'(-126);    // smallest normal exponent
  localparam logic signed [EW-1:0] K_EMIN1  = EW'(-127);
  localparam logic signed [EW-1:0] K_EMAX   = EW'(127);
  localparam logic signed [EW-1:0] K_DSHMAX = EW'(26);      // >= 26: everything is sticky

  logic                 tiny_pre, big;
  logic signed [EW-1:0] dsh_full;
  logic [7:0]           e_pre;     // biased exponent - 1 of a normal result (0..253)
  logic [4:0]           dsh;
  logic [MW-1:0]        md, sh_mask;
  logic [23:0]          mant, mant_n;
  logic                 rb, st, st_sh, inexact, inc;
  logic                 rb_n, st_n, inc_n, carry_n, tiny;
  logic [24:0]          m25;
  logic [30:0]          packed_r;
  logic                 ovf, ovf_inf;

  // round increment for rounding mode, given lsb/round/sticky
  function automatic logic round_inc(input logic [2:0] mode, input logic s, input logic l,
                                     input logic r, input logic t);
    case (mode)
      mx_pkg::RM_RTZ: round_inc = 1'b0;
      mx_pkg::RM_RDN: round_inc = (r | t) & s;
      mx_pkg::RM_RUP: round_inc = (r | t) & ~s;
      mx_pkg::RM_RNA: round_inc = r;
      mx_pkg::RM_RTO: round_inc = 1'b0;             // LSB is forced to 1 instead
      default:        round_inc = r & (t | l);      // RNE and reserved codes 6, 7
    endcase
  endfunction

  // ---- denormalise: below 2^-126 the LSB is pinned at 2^-149
  assign tiny_pre = e_msb < K_EMIN;
  assign big      = e_msb > K_EMAX;
  assign dsh_full = K_EMIN - e_msb;
  assign dsh      = !tiny_pre ? 5'd0 : (dsh_full > K_DSHMAX) ? 5'd26 : dsh_full[4:0];
  assign md       = mn >> dsh;
  assign sh_mask  = ~({MW{1'b1}} << dsh);
  assign st_sh    = |(mn & sh_mask);

  // ---- round to the FP32 grid
  assign mant    = md[MW-1 -: 24];
  assign rb      = md[MW-25];
  assign st      = (|md[MW-26:0]) | st_sh;
  assign inexact = rb | st;
  assign inc     = round_inc(rm, sign, mant[0], rb, st);
  assign m25     = {1'b0, mant[23:1], mant[0] | ((rm == mx_pkg::RM_RTO) & inexact)} + {24'd0, inc};

  // pack: ((e + 126) << 23) + significand-with-hidden-bit; a rounding carry ripples into
  // the exponent, a subnormal that rounds up to 2^-126 becomes the smallest normal.
  assign e_pre    = tiny_pre ? 8'd0 : e_msb[7:0] + 8'd126;   // bias - 1: the hidden bit adds 1
  assign packed_r = {e_pre, 23'd0} + {6'd0, m25};
  assign ovf      = big | (packed_r[30:23] == 8'hFF);

  // ---- tininess after rounding: round to 24 bits with unbounded exponent
  assign mant_n  = mn[MW-1 -: 24];
  assign rb_n    = mn[MW-25];
  assign st_n    = |mn[MW-26:0];
  assign inc_n   = round_inc(rm, sign, mant_n[0], rb_n, st_n);
  assign carry_n = (&mant_n) & inc_n;
  assign tiny    = (e_msb < K_EMIN1) | ((e_msb == K_EMIN1) & ~carry_n);

  // ---- overflow result per IEEE 754
  always_comb begin
    case (rm)
      mx_pkg::RM_RTZ, mx_pkg::RM_RTO: ovf_inf = 1'b0;
      mx_pkg::RM_RUP:                  ovf_inf = ~sign;
      mx_pkg::RM_RDN:                  ovf_inf = sign;
      default:                         ovf_inf = 1'b1;   // RNE, RNA, reserved
    endcase
  end

  always_comb begin
    flags = 5'd0;
    if (res_nan) begin
      d = 32'h7FC0_0000;
      flags[mx_pkg::FLAG_NV] = nv;
    end else if (res_inf) begin
      d = {inf_sign, 31'h7F80_0000};
    end else if (zero) begin
      d = {zero_sign, 31'd0};
    end else if (ovf) begin
      d = {sign, ovf_inf ? 31'h7F80_0000 : 31'h7F7F_FFFF};
      flags[mx_pkg::FLAG_OF] = 1'b1;
      flags[mx_pkg::FLAG_NX] = 1'b1;
    end else begin
      d = {sign, packed_r[30:0]};
      flags[mx_pkg::FLAG_NX] = inexact;
      flags[mx_pkg::FLAG_UF] = inexact & tiny;
    end
  end
endmodule
