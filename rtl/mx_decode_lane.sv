// mx_decode_lane: mx_decode stage 2, one lane: normalise, round and pack one decoded element
// X * P (a scaled MX element, exact as stage 1 registers it) into FP32, BF16 or FP16.
//
// The lane value is (-1)^sign * mag * 2^(esum - DEC_ESUM_BIAS), mag <= 8 bits (mx_pkg). Every
// output format has at least 8 significand bits, so the value is exact in the output's normal
// range and only three cases round (the golden model MxDecode: one rounding of X * P to the output,
// RoundingCore):
//   * overflow (the leading bit above the output's emax): IEEE 754 sec. 7.4 per mode, +-Inf
//     (rne, rna, rup of a positive, rdn of a negative value) or +-max finite, with OF and NX;
//   * the subnormal range (leading bit below 2^emin): the value is shifted onto the output's
//     quantum 2^(emin - mb) and rounded with round bit and sticky; the count of quanta is the
//     code (a carry into the hidden bit gives the smallest normal code). UF = NX here: rounding
//     at full precision with an unbounded exponent is exact (8 <= output precision), so the value
//     is tiny after rounding exactly when it lies below 2^emin (IEEE 754 sec. 7.5);
//   * never for FP32 below that: the smallest lane value, 2^-16 * 2^-127, is an FP32 subnormal.
// NaN (element or scale) -> the output's canonical quiet NaN, no flag; +-Inf element -> +-Inf;
// zeros keep their sign. A 16-bit result sits in bits [15:0], bits [31:16] are 0.
module mx_decode_lane (
  input  logic [mx_pkg::DEC_LANE_W-1:0] lane,      // {nan, inf, zero, sign, mag, esum}
  input  logic [2:0]                    rm,        // RM_* (6, 7: rne)
  input  logic [1:0]                    out_fmt,   // OUT_* (3: fp32)
  output logic [31:0]                   res,
  output logic [4:0]                    flags      // NX, UF, OF at mx_pkg::FLAG_*; NV never
);
  localparam int unsigned MW = mx_pkg::EL_MAG_W;
  localparam int unsigned EW = mx_pkg::DEC_ESUM_W;
  localparam int BIAS = mx_pkg::DEC_ESUM_BIAS;

  logic          nan, inf, zero, sign;
  logic [MW-1:0] mag;
  logic [EW-1:0] esum;
  assign {nan, inf, zero, sign, mag, esum} = lane;

  // ------------------------------------------------------------------ output format constants
  // Per format (exponent bias b, fraction bits mb, emin = 1 - b):
  //   boff: biased exponent of the leading bit = esum - lz + boff, boff = b + (MW - 1) - BIAS
  //   top : biased exponents >= top overflow (all-ones exponent field)
  //   qoff: right shift onto the quantum 2^(emin - mb) = qoff - esum, qoff = BIAS + emin - mb
  logic signed [10:0] boff, top, qoff;
  logic        [31:0] inf_c, max_c, nan_c;
  logic               half;            // a 16-bit format: sign in bit 15
  always_comb begin
    case (out_fmt)
      mx_pkg::OUT_BF16: begin   // b 127, mb 7
        boff = 11'(127 + MW - 1 - BIAS); top = 11'sd255; qoff = 11'(BIAS - 126 - 7);
        inf_c = 32'h0000_7F80; max_c = 32'h0000_7F7F; nan_c = 32'h0000_7FC0; half = 1'b1;
      end
      mx_pkg::OUT_FP16: begin   // b 15, mb 10
        boff = 11'(15 + MW - 1 - BIAS);  top = 11'sd31;  qoff = 11'(BIAS - 14 - 10);
        inf_c = 32'h0000_7C00; max_c = 32'h0000_7BFF; nan_c = 32'h0000_7E00; half = 1'b1;
      end
      default: begin            // OUT_FP32 and the reserved code 3: b 127, mb 23
        boff = 11'(127 + MW - 1 - BIAS); top = 11'sd255; qoff = 11'(BIAS - 126 - 23);
        inf_c = 32'h7F80_0000; max_c = 32'h7F7F_FFFF; nan_c = 32'h7FC0_0000; half = 1'b0;
      end
    endcase
  end

  // ------------------------------------------------------------------ normalise
  logic [3:0]    lz;
  logic [MW-1:0] nrm;
  mx_lzc #(.WIDTH(MW), .CNT_W(4)) u_lzc (.x (mag), .cnt (lz), .x_norm (nrm));

  logic signed [10:0] biased;          // output exponent field of the leading bit
  logic               ovf, sub;
  assign biased = $signed({2'b00, esum}) - $signed({7'd0, lz}) + boff;
  assign ovf    = biased >= top;
  assign sub    = biased <= 11'sd0;

  // ------------------------------------------------------------------ subnormal range: shift and round
  logic signed [10:0] sr;              // right shift onto the output quantum (<= 0: exact left shift)
  logic [3:0]         sr_c;            // clamped to 9: beyond that every bit is sticky
  logic [4:0]         sl;              // left shift, < 23 whenever the lane is subnormal
  logic [2*MW:0]      ext;             // {q, round bit, sticky bits}
  logic [MW-1:0]      q;               // the kept bits of a right shift, the only case that rounds
  logic [MW:0]        q_inc;           // q rounded: MW + 1 bits hold the carry into the smallest normal
  logic [23:0]        q_r;             // the subnormal code: q_inc, or the exact left shift of mag
  logic               rb, st, inexact, inc, rm_rne;
  assign sr   = qoff - $signed({2'b00, esum});
  assign sr_c = (sr > 11'sd9) ? 4'd9 : sr[3:0];
  assign sl   = 5'(-sr);
  assign ext  = {mag, {(MW + 1){1'b0}}} >> sr_c;

  always_comb begin
    if (sr > 11'sd0) begin
      q  = ext[2*MW -: MW];
      rb = ext[MW];
      st = |ext[MW-1:0];
    end else begin            // exact: q_r is the left shift below, nothing rounds
      q  = '0;
      rb = 1'b0;
      st = 1'b0;
    end
    inexact = rb | st;
    rm_rne  = 1'b0;
    case (rm)
      mx_pkg::RM_RTZ, mx_pkg::RM_RTO: inc = 1'b0;
      mx_pkg::RM_RDN: inc = sign & inexact;
      mx_pkg::RM_RUP: inc = ~sign & inexact;
      mx_pkg::RM_RNA: inc = rb;
      default: begin            // RM_RNE and the reserved codes 6, 7
        inc    = rb & (st | q[0]);
        rm_rne = 1'b1;
      end
    endcase
    // round to odd: truncate, and make the last kept bit 1 when anything was discarded. Only a right shift
    // rounds and it keeps MW bits, so the incrementer is MW + 1 bits wide, not the output's 24.
    q_inc = {1'b0, (rm == mx_pkg::RM_RTO) ? (q | MW'(inexact)) : q} + {{MW{1'b0}}, inc};
    q_r   = (sr > 11'sd0) ? 24'(q_inc) : 24'(mag) << sl;
  end

  // ------------------------------------------------------------------ overflow result (IEEE 754 sec. 7.4)
  logic to_inf;
  assign to_inf = rm_rne || rm == mx_pkg::RM_RNA || (rm == mx_pkg::RM_RUP && !sign) || (rm == mx_pkg::RM_RDN && sign);

  // ------------------------------------------------------------------ pack
  logic [31:0] normal_c, mag_c;
  always_comb begin
    case (out_fmt)
      mx_pkg::OUT_BF16: normal_c = {16'd0, 1'b0, biased[7:0], nrm[MW-2:0]};
      mx_pkg::OUT_FP16: normal_c = {16'd0, 1'b0, biased[4:0], nrm[MW-2:0], 3'd0};
      default:          normal_c = {1'b0, biased[7:0], nrm[MW-2:0], 16'd0};
    endcase
    if (nan)              mag_c = nan_c;
    else if (inf)         mag_c = inf_c;
    else if (zero)        mag_c = 32'd0;
    else if (ovf)         mag_c = to_inf ? inf_c : max_c;
    else if (sub)         mag_c = {8'd0, q_r};
    else                  mag_c = normal_c;
  end

  logic s_out, finite;
  assign s_out  = sign & ~nan;         // NaN results are the positive canonical NaN
  assign finite = ~nan & ~inf & ~zero;
  assign res    = half ? {16'd0, s_out, mag_c[14:0]} : {s_out, mag_c[30:0]};

  always_comb begin
    flags = '0;
    flags[mx_pkg::FLAG_OF] = finite & ovf;
    flags[mx_pkg::FLAG_UF] = finite & ~ovf & sub & inexact;
    flags[mx_pkg::FLAG_NX] = finite & (ovf | (sub & inexact));
  end

  // nrm[MW-1] is the hidden bit (1 for every finite non-zero lane); mag_c[31] is a sign position
  logic unused;
  assign unused = nrm[MW-1] ^ mag_c[31];
endmodule
