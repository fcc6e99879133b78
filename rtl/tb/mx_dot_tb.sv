// mx_dot_tb: portable, self-checking testbench for mx_dot driven by an .mxv vector file.
//
// Plain SystemVerilog (file I/O with $fopen/$fgets/$sscanf, one vector per clock):
//   - runs unchanged in a commercial simulator; under Verilator 5 use --binary (--timing).
//   - the vector file is given by the plusarg +mxv=<file> (default: parameter MXV).
//   - K must match the file: it is checked against the header's "block" field (the block
//     size k every .mxv header carries, docs/vector-format.md) when present.
//   - the scale format comes from the header's "scale" field: "ue4m3" (NVFP4 files) drives
//     scale_fmt = UE4M3, anything else (or no field: E8M0) scale_fmt = E8M0.
//
// .mxv data line (op=dot):  FA FB RM SA A SB B C D FLAGS  (hex). A/B pack element i at bit
// i*w (w = 8,8,6,6,4,8 for formats 0..5, 8 for reserved 6/7); they are unpacked here into
// the 8-bit byte lanes of mx_dot. The unused upper lane bits are filled with pseudo-random
// junk, since the unit must ignore them. Lines starting with "//" are comments, except the
// trailer "// end COUNT CHECKSUM" whose COUNT is checked.
//
// Prints each mismatch (line number, fields, expected vs actual) and a final line
//   mx_dot tb: N vectors, M mismatches
// then ends with $finish (pass) or $fatal (mismatches or a malformed file: non-zero exit).
module mx_dot_tb;
  parameter int    K   = 32;
  parameter string MXV = "rtl/tb/mx_dot_k32.mxv";
  parameter int    MAX_REPORT = 50;   // mismatches printed in full

  localparam int QD = 64;             // in-flight vector queue (>= mx_dot latency + 1)

  logic           clk = 1'b0;
  logic           rst_n = 1'b0;
  logic           in_valid = 1'b0;
  logic [2:0]     fmt_a = '0, fmt_b = '0, rm = '0;
  logic           scale_fmt = mx_pkg::SCALE_E8M0;
  logic [7:0]     scale_a = '0, scale_b = '0;
  // port widths and codes from rtl/mx_pkg.sv, the one definition of mx_dot's interface (the C++ bench of mxref
  // verify and the DPI scoreboard use it too)
  logic [mx_pkg::LANE_W*K-1:0] a = '0, b = '0;
  logic [31:0]    c = '0;
  logic           out_valid;
  logic [31:0]    d;
  logic [mx_pkg::FLAGS_W-1:0] flags;

  mx_dot #(.K(K)) dut (
    .clk, .rst_n, .in_valid, .fmt_a, .fmt_b, .rm, .scale_fmt, .scale_a, .scale_b, .a, .b, .c,
    .out_valid, .d, .flags
  );

  always #5 clk = ~clk;

  `include "mx_tb_common.svh"
  `include "mx_tb_dot_check.svh"

  initial begin : main
    string       fname, line, scale_name;
    int          fd, lineno, nf, trailer_cnt, rc;
    logic [31:0] trailer_crc;
    logic [3:0]  fa, fb, rmv;
    logic [7:0]  sa, sb, fl;
    logic [mx_pkg::LANE_W*K-1:0] pa, pb;
    logic [31:0] cv, dv;
    bit          have_trailer;

    have_trailer = 0; trailer_cnt = 0; lineno = 0;
    if (!$value$plusargs("mxv=%s", fname)) fname = MXV;
    fd = $fopen(fname, "r");
    if (fd == 0) $fatal(1, "mx_dot tb: cannot open vector file '%s'", fname);

    repeat (3) @(posedge clk);
    rst_n = 1'b1;
    @(negedge clk);

    while (!$feof(fd)) begin
      line = "";
      rc = $fgets(line, fd);
      if (rc == 0) break;
      lineno++;
      if (line.len() < 2) continue;                      // empty line
      if (line.substr(0, 1) == "//") begin
        if (lineno == 1) begin                           // header: "block" (when present), "scale"
          check_block("mx_dot", fname, line);
          if (has(line, "\"scale\":\"ue4m3\"")) scale_fmt = mx_pkg::SCALE_UE4M3;
          // a file of BF16/FP16 results (or of several outputs, with an OUT field per line) is not mx_dot's
          if (has(line, "\"output\":\"") && !has(line, "\"output\":\"fp32\""))
            $fatal(1, "mx_dot tb: %s: the header's output is not fp32; mx_dot's D is FP32 (docs/vector-format.md)", fname);
        end
        if ($sscanf(line, "// end %d %h", trailer_cnt, trailer_crc) == 2) have_trailer = 1;
        continue;
      end
      nf = $sscanf(line, "%h %h %h %h %h %h %h %h %h %h", fa, fb, rmv, sa, pa, sb, pb, cv, dv, fl);
      if (nf != 10) $fatal(1, "mx_dot tb: %s:%0d: malformed data line: %s", fname, lineno, line);
      if (fa[3] || fb[3] || rmv[3])
        $fatal(1, "mx_dot tb: %s:%0d: FA/FB/RM must be 0..7: %s", fname, lineno, line);

      // drive one vector (inputs change on the falling edge)
      fmt_a    = fa[2:0];
      fmt_b    = fb[2:0];
      rm       = rmv[2:0];
      scale_a  = sa;
      scale_b  = sb;
      a        = unpack_lanes(pa, {1'b0, fa[2:0]}, 1'b1);
      b        = unpack_lanes(pb, {1'b0, fb[2:0]}, 1'b1);
      c        = cv;
      in_valid = 1'b1;
      expect_result(dv, fl, lineno, line);
      @(negedge clk);
    end
    $fclose(fd);
    in_valid = 1'b0;
    a = '0; b = '0;
    repeat (mx_pkg::DOT_LATENCY + 4) @(negedge clk);

    n_mis += end_checks(n_vec, n_checked, n_lat_err, mx_pkg::DOT_LATENCY, n_vec, have_trailer, trailer_cnt, fname);
    scale_name = (scale_fmt == mx_pkg::SCALE_UE4M3) ? "ue4m3" : "e8m0";
    $display("mx_dot tb: %0d vectors, %0d mismatches (K=%0d, LATENCY=%0d, %s scales, %s)",
             n_vec, n_mis, K, mx_pkg::DOT_LATENCY, scale_name, fname);
    if (n_mis != 0) $fatal(1, "mx_dot tb: FAILED");
    $finish;
  end
endmodule
