// mx_quant_lane: stage 3 of mx_quant, one lane -- P_i = v_i / 2^shared_exp rounded once to the
// element format, saturating at +-max normal (OCP MX v1.0 sec. 6.3; the golden model's
// RoundingCore with OverflowPolicy.Saturate). Purely combinational.
//
// v = (-1)^s * Rn * 2^(x - 150) with Rn the 24-bit significand normalised by mx_lzc (FP32
// subnormals included) and x the biased exponent of its leading one (x = 1 - lz for a
// subnormal). Relative to the scale the element binade is Eb = x - 127 - shared_exp and its
// quantum 2^(max(Eb, emin) - m). Keeping the top m+1 bits of Rn is the normal case; below emin
// another d = emin - Eb bits go, so the kept integer is
//   Kq = Rn >> (23 - m + d),  round bit and sticky below it,
// done as one right shift of {Rn, 9'b0} by t = 7 - m + max(d, 0), clamped at 9 (from there on
// Kq = 0, round bit 0, sticky = 1, whatever the distance). The block constants bin_lo, bin_t,
// bin_hi (mx_quant_scale) turn d, t and the overflow test into one subtraction each per lane.
// Rounding per mode (an increment, or the sticky OR-ed into the LSB for rto), then the
// magnitude code is
//   (max(Eb - emin, 0) << m) + Kq     (a carry out of the significand moves into the exponent),
// which is > max normal's code, or Eb beyond the top binade, exactly when the value overflows:
// then +-max normal. MXINT8 is the same datapath with m = 7, emin = 1 (its quantum 2^-6 for
// every Eb <= 1), no exponent field and a two's-complement sign (max 127, or 128 when negative
// under int8 full).
module mx_quant_lane (
  input  logic [31:0]       v,          // FP32 input
  input  logic signed [9:0] bin_lo,     // emin + shared + 127
  input  logic signed [9:0] bin_t,      // bin_lo + 7 - m
  input  logic signed [9:0] bin_hi,     // top non-overflowing binade + shared + 127
  input  logic              nan_blk,    // the block has the NaN scale: code 0
  input  logic [2:0]        fmt,        // element format (a valid code)
  input  logic [2:0]        rm,         // rounding mode (6, 7: as rne)
  input  logic [1:0]        specials,   // SP_* (a valid code)
  input  logic              int8_full,  // MXINT8 may produce -2 (0x80)
  input  logic              flush,      // FP32 subnormal inputs are zeros
  output logic [7:0]        code        // element code in the low bits, upper bits 0
);
  localparam int unsigned EW = 10;      // x, bin_*: -22 .. 269

  logic       sign, sub, is_nan, is_inf, zero;
  logic [7:0] bexp;
  assign sign   = v[31];
  assign bexp   = v[30:23];
  assign sub    = bexp == 8'd0;
  assign is_nan = (bexp == 8'hFF) && (v[22:0] != '0);
  assign is_inf = (bexp == 8'hFF) && (v[22:0] == '0);
  assign zero   = (v[30:0] == '0) || (flush && sub);

  // ------------------------------------------------------------- element format constants
  logic [2:0] m;                        // kept fraction bits
  logic [7:0] max_mag;                  // magnitude code of +-max finite
  logic [7:0] nan_code, inf_code;
  logic       is_int;
  always_comb begin
    is_int = 1'b0; nan_code = 8'h00; inf_code = 8'h00;
    case (fmt)
      mx_pkg::FMT_E5M2: begin m = 3'd2; max_mag = 8'h7B; nan_code = 8'h7E; inf_code = 8'h7C; end
      mx_pkg::FMT_E3M2: begin m = 3'd2; max_mag = 8'h1F; end
      mx_pkg::FMT_E2M3: begin m = 3'd3; max_mag = 8'h1F; end
      mx_pkg::FMT_E2M1: begin m = 3'd1; max_mag = 8'h07; end
      mx_pkg::FMT_INT8: begin m = 3'd7; is_int = 1'b1; max_mag = (sign && int8_full) ? 8'h80 : 8'h7F; end
      default:          begin m = 3'd3; max_mag = 8'h7E; nan_code = 8'h7F; end            // e4m3
    endcase
  end

  // ------------------------------------------------------------- normalise, binade
  logic [23:0]          rn;
  logic [4:0]           lz;
  logic signed [EW-1:0] x, tt, eb_lo;
  logic [2:0]           m_rest;         // 7 - m

  mx_lzc #(.WIDTH(24)) u_lzc (.x({!sub, v[22:0]}), .cnt(lz), .x_norm(rn));

  assign x      = sub ? (10'sd1 - $signed({5'd0, lz})) : $signed({2'b00, bexp});
  assign tt     = bin_t - x;            // 7 - m + (emin - Eb)
  assign eb_lo  = x - bin_lo;           // Eb - emin
  assign m_rest = 3'd7 - m;

  // ------------------------------------------------------------- round
  logic [3:0]  t;
  logic [32:0] w;
  logic [7:0]  kq;
  logic        rb, st, inexact, inc;
  logic [8:0]  kr;

  assign t  = eb_lo[EW-1] ? ((tt > 10'sd9) ? 4'd9 : tt[3:0]) : {1'b0, m_rest};
  assign w  = {rn, 9'd0} >> t;
  assign kq = w[32:25];
  assign rb = w[24];
  assign st = |w[23:0];
  assign inexact = rb | st;

  always_comb begin
    case (rm)
      mx_pkg::RM_RTZ: inc = 1'b0;
      mx_pkg::RM_RDN: inc = sign && inexact;
      mx_pkg::RM_RUP: inc = !sign && inexact;
      mx_pkg::RM_RNA: inc = rb;
      mx_pkg::RM_RTO: inc = 1'b0;
      default:        inc = rb && (st || kq[0]);   // rne and the reserved codes 6, 7
    endcase
  end
  assign kr = (rm == mx_pkg::RM_RTO) ? {1'b0, kq[7:1], kq[0] | inexact} : {1'b0, kq} + {8'd0, inc};

  // ------------------------------------------------------------- pack, saturate
  logic [4:0] ebits;
  logic [8:0] cm;
  logic       ovf;
  logic [7:0] mag;

  assign ebits = eb_lo[EW-1] ? 5'd0 : eb_lo[4:0];   // Eb - emin in the normal range
  assign cm    = ({4'd0, ebits} << m) + kr;
  assign ovf   = (x > bin_hi) || (cm > {1'b0, max_mag});
  assign mag   = ovf ? max_mag : cm[7:0];

  function automatic logic [7:0] pack(input logic s, input logic [7:0] mg, input logic [2:0] f,
                                      input logic integer_fmt);
    if (integer_fmt)                                  pack = s ? (~mg + 8'd1) : mg;
    else if (f == mx_pkg::FMT_E3M2 || f == mx_pkg::FMT_E2M3) pack = mg | {2'b00, s, 5'd0};
    else if (f == mx_pkg::FMT_E2M1)                   pack = mg | {4'd0, s, 3'd0};
    else                                              pack = mg | {s, 7'd0};
  endfunction

  always_comb begin
    if (nan_blk)     code = 8'h00;
    else if (is_nan) code = nan_code;                            // preserve / finite, e4m3/e5m2
    else if (is_inf) code = (specials == mx_pkg::SP_SATURATE || specials == mx_pkg::SP_FINITE)
                                                              ? pack(sign, max_mag, fmt, is_int)
                                                              : (inf_code | {sign, 7'd0}); // preserve, e5m2
    else if (zero)   code = pack(sign && !is_int, 8'd0, fmt, is_int);
    else             code = pack(sign, mag, fmt, is_int);
  end
endmodule
