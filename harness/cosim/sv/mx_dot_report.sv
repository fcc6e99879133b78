// mx_dot_report — the text of rtl/mx_dot transactions for mx_dot_scoreboard.sv: the `mxref dot` line layout
// (vectors/Text/DotLine.cs) and a mismatch report laid out like `mxref verify`'s, with every element decoded to its
// value by the golden model (mxref_decode through DPI-C), so a failure reads the same whichever tool found it.
// Codes, lane width and flag bits are rtl/mx_pkg.sv's (FMT_*, RM_*, LANE_W, FLAG_*), the one definition of mx_dot's
// ports that the portable bench (rtl/tb/mx_dot_tb.sv) and mxref verify's C++ bench (harness/tb, via the generated
// mx_pkg.h) use too.
package mx_dot_report;
  import mxref_dpi::*;

  localparam int K = 32;

  // One transaction with the golden model's prediction.
  typedef struct packed {
    logic [2:0]     fmt_a, fmt_b, rm;
    logic [7:0]     scale_a, scale_b;
    logic [mx_pkg::LANE_W*K-1:0] a, b;
    logic [31:0]    c;
    logic [31:0]    d;       // golden result
    logic [7:0]     flags;   // golden flags
    int unsigned    id;
  } txn_t;

  function automatic int element_bits(logic [2:0] fmt);
    return int'(mx_pkg::elem_bits(fmt));
  endfunction

  function automatic string format_name(logic [2:0] fmt);
    case (fmt)
      mx_pkg::FMT_E4M3: return "e4m3";
      mx_pkg::FMT_E5M2: return "e5m2";
      mx_pkg::FMT_E3M2: return "e3m2";
      mx_pkg::FMT_E2M3: return "e2m3";
      mx_pkg::FMT_E2M1: return "e2m1";
      mx_pkg::FMT_INT8: return "int8";
      default: return "?";
    endcase
  endfunction

  function automatic string rounding_name(logic [2:0] rm);
    case (rm)
      mx_pkg::RM_RNE: return "rne";
      mx_pkg::RM_RTZ: return "rtz";
      mx_pkg::RM_RDN: return "rdn";
      mx_pkg::RM_RUP: return "rup";
      mx_pkg::RM_RNA: return "rna";
      mx_pkg::RM_RTO: return "rto";
      default: return "?";
    endcase
  endfunction

  // Element i occupies bits [i*w +: w] of one hex number of exactly ceil(K*w/4) digits.
  function automatic string packed_lanes(logic [mx_pkg::LANE_W*K-1:0] lanes, logic [2:0] fmt);
    int w = element_bits(fmt);
    logic [mx_pkg::LANE_W*K-1:0] p = '0;
    string s = "";
    for (int i = 0; i < K; i++)
      for (int j = 0; j < w; j++) p[i*w + j] = lanes[mx_pkg::LANE_W*i + j];
    for (int digit = (K*w + 3) / 4 - 1; digit >= 0; digit--) s = {s, $sformatf("%h", p[4*digit +: 4])};
    return s;
  endfunction

  // "FA FB RM SA A SB B C", the input of `mxref dot -k 32`.
  function automatic string inputs_line(txn_t t);
    return $sformatf("%h %h %h %h %s %h %s %h", t.fmt_a, t.fmt_b, t.rm, t.scale_a, packed_lanes(t.a, t.fmt_a),
                     t.scale_b, packed_lanes(t.b, t.fmt_b), t.c);
  endfunction

  // A finite non-zero FP32 value as a real, by re-encoding its bits as a double ($bitstoreal). $bitstoshortreal is not
  // used: Verilator 5.006 reads its argument as the bits of a double.
  function automatic real fp32_real(logic [31:0] fp32);
    logic [63:0] bits;
    logic [22:0] m = fp32[22:0];
    int p;
    if (fp32[30:23] != 0) return $bitstoreal({fp32[31], 11'(int'(fp32[30:23]) + 896), m, 29'b0});
    // Subnormal: m x 2^-149 with its leading one at bit p is 1.f x 2^(p - 149).
    p = 22;
    while (!m[p]) p--;
    bits = {fp32[31], 11'(p - 149 + 1023), 52'(64'(m) << (52 - p))};
    return $bitstoreal(bits);
  endfunction

  // An FP32 value as text: 1.5, -0, inf, nan.
  function automatic string value_text(logic [31:0] fp32);
    if (fp32[30:23] == 8'hFF) return fp32[22:0] != 0 ? "nan" : fp32[31] ? "-inf" : "inf";
    if (fp32[30:0] == 0) return fp32[31] ? "-0" : "0";
    return $sformatf("%0g", fp32_real(fp32));
  endfunction

  function automatic string flag_names(logic [7:0] flags);
    string s = "";
    if (flags == 0) return "none";
    if (flags[mx_pkg::FLAG_NX]) s = {s, "|NX"};
    if (flags[mx_pkg::FLAG_UF]) s = {s, "|UF"};
    if (flags[mx_pkg::FLAG_OF]) s = {s, "|OF"};
    if (flags[3]) s = {s, "|bit3"};
    if (flags[mx_pkg::FLAG_NV]) s = {s, "|NV"};
    return s.substr(1, s.len() - 1);
  endfunction

  function automatic string scale_text(logic [7:0] scale);
    return scale == 8'hFF ? "NaN" : $sformatf("2^%0d", int'(scale) - 127);
  endfunction

  // "  A         [ 0] 38=1 39=1.125 ..." eight codes per line, each with its value.
  function automatic string element_text(string name, logic [2:0] fmt, logic [mx_pkg::LANE_W*K-1:0] lanes);
    string s = "";
    for (int i = 0; i < K; i++) begin
      int unsigned fp32;
      logic [7:0] code = 8'(lanes[mx_pkg::LANE_W*i +: mx_pkg::LANE_W]);
      if (mxref_decode(int'(fmt), 32'(code), fp32) != MXREF_OK) fp32 = 32'h7fc0_0000;
      if (i % 8 == 0) s = {s, i == 0 ? $sformatf("  %-9s ", name) : "\n            ", $sformatf("[%2d]", i)};
      s = {s, $sformatf(" %h=%s", code, value_text(fp32))};
    end
    return {s, "\n"};
  endfunction

  // The report of one mismatch, in the layout of `mxref verify` (harness/Verify/Mismatch.cs).
  function automatic string mismatch_text(int unsigned number, txn_t t, logic [31:0] d, logic [7:0] flags, string rerun);
    return {
      $sformatf("MISMATCH %0d: scoreboard transaction %0d\n", number, t.id),
      $sformatf("  formats   A %s (%0d), B %s (%0d); rounding %s (%0d)\n", format_name(t.fmt_a), t.fmt_a,
                format_name(t.fmt_b), t.fmt_b, rounding_name(t.rm), t.rm),
      $sformatf("  scales    A 0x%h (%s), B 0x%h (%s)\n", t.scale_a, scale_text(t.scale_a), t.scale_b, scale_text(t.scale_b)),
      element_text("A", t.fmt_a, t.a),
      element_text("B", t.fmt_b, t.b),
      $sformatf("  C         0x%h (%s)\n", t.c, value_text(t.c)),
      $sformatf("  expected  D 0x%h (%s)  flags 0x%h (%s)\n", t.d, value_text(t.d), t.flags, flag_names(t.flags)),
      $sformatf("  actual    D 0x%h (%s)  flags 0x%h (%s)\n", d, value_text(d), flags, flag_names(flags)),
      $sformatf("  differs   D bits 0x%h, flags %s\n", t.d ^ d, flag_names(t.flags ^ flags)),
      $sformatf("  re-run    %s\n", rerun),
      $sformatf("  model     echo '%s' | mxref dot -k %0d", inputs_line(t), K)
    };
  endfunction
endpackage
