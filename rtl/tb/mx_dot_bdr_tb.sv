// mx_dot_bdr_tb: portable, self-checking testbench for mx_dot_bdr driven by an .mxv vector file of
// a shared-microexponent block format (header "block_format": "mx9" | "mx6" | "mx4").
//
// Plain SystemVerilog ($fopen/$fgets/$sscanf, one vector per clock); under Verilator 5 use --binary.
// The file is given by +mxv=<file>; K and M must match it: "block" is checked against K, and the
// header's block_format against M (mx9: 7, mx6: 4, mx4: 2).
//
// .mxv data line (docs/vector-format.md):  RM SA MA A SB MB B C D FLAGS  (hex). MA/MB hold the
// K/2 microexponents (pair j in bit j), A/B the K sign-magnitude codes of M+1 bits (element i at bit
// i*(M+1)): exactly the port layout of mx_dot_bdr. Lines starting with "//" are comments, except the
// trailer "// end COUNT CHECKSUM" whose COUNT is checked.
//
// Prints each mismatch and a final line  mx_dot_bdr tb: N vectors, M mismatches
// then ends with $finish (pass) or $fatal (mismatches or a malformed file: non-zero exit).
module mx_dot_bdr_tb;
  parameter int    K   = 16;
  parameter int    M   = 7;
  parameter string MXV = "mx9.mxv";
  parameter int    MAX_REPORT = 50;

  localparam int QD = 64;
  localparam int EL = M + 1;

  logic               clk = 1'b0;
  logic               rst_n = 1'b0;
  logic               in_valid = 1'b0;
  logic [2:0]         rm = '0;
  logic [7:0]         scale_a = '0, scale_b = '0;
  logic [K/2-1:0]     micro_a = '0, micro_b = '0;
  logic [EL*K-1:0]    a = '0, b = '0;
  logic [31:0]        c = '0;
  logic               out_valid;
  logic [31:0]        d;
  logic [mx_pkg::FLAGS_W-1:0] flags;

  mx_dot_bdr #(.K(K), .M(M)) dut (
    .clk, .rst_n, .in_valid, .rm, .scale_a, .scale_b, .micro_a, .micro_b, .a, .b, .c,
    .out_valid, .d, .flags
  );

  always #5 clk = ~clk;

  `include "mx_tb_common.svh"
  `include "mx_tb_dot_check.svh"

  // the magnitude bits M of a block format name in the header, or -1
  function automatic int header_m(input string line);
    header_m = -1;
    for (int i = 0; i + 18 < line.len(); i++)
      if (line.substr(i, i + 15) == "\"block_format\":\"") begin
        case (line.substr(i + 16, i + 18))
          "mx9":   header_m = 7;
          "mx6":   header_m = 4;
          "mx4":   header_m = 2;
          default: header_m = -1;
        endcase
        break;
      end
  endfunction

  initial begin : main
    string            fname, line;
    int               fd, lineno, nf, trailer_cnt, hm, rc;
    logic [31:0]      trailer_crc;
    logic [3:0]       rmv;
    logic [7:0]       sa, sb, fl;
    logic [K/2-1:0]   ma, mb;
    logic [EL*K-1:0]  pa, pb;
    logic [31:0]      cv, dv;
    bit               have_trailer;

    have_trailer = 0; trailer_cnt = 0; lineno = 0;
    if (!$value$plusargs("mxv=%s", fname)) fname = MXV;
    fd = $fopen(fname, "r");
    if (fd == 0) $fatal(1, "mx_dot_bdr tb: cannot open vector file '%s'", fname);

    repeat (3) @(posedge clk);
    rst_n = 1'b1;
    @(negedge clk);

    while (!$feof(fd)) begin
      line = "";
      rc = $fgets(line, fd);
      if (rc == 0) break;
      lineno++;
      if (line.len() < 2) continue;
      if (line.substr(0, 1) == "//") begin
        if (lineno == 1) begin
          hm = header_m(line);
          if (hm != M) $fatal(1, "mx_dot_bdr tb: file '%s' is not an mx9/mx6/mx4 file with M=%0d", fname, M);
          check_block("mx_dot_bdr", fname, line);
        end
        if ($sscanf(line, "// end %d %h", trailer_cnt, trailer_crc) == 2) have_trailer = 1;
        continue;
      end
      nf = $sscanf(line, "%h %h %h %h %h %h %h %h %h %h", rmv, sa, ma, pa, sb, mb, pb, cv, dv, fl);
      if (nf != 10) $fatal(1, "mx_dot_bdr tb: %s:%0d: malformed data line: %s", fname, lineno, line);
      if (rmv[3]) $fatal(1, "mx_dot_bdr tb: %s:%0d: RM must be 0..7: %s", fname, lineno, line);

      rm       = rmv[2:0];
      scale_a  = sa;
      scale_b  = sb;
      micro_a  = ma;
      micro_b  = mb;
      a        = pa;
      b        = pb;
      c        = cv;
      in_valid = 1'b1;
      expect_result(dv, fl, lineno, line);
      @(negedge clk);
    end
    $fclose(fd);
    in_valid = 1'b0;
    repeat (mx_pkg::DOT_LATENCY + 4) @(negedge clk);

    n_mis += end_checks(n_vec, n_checked, n_lat_err, mx_pkg::DOT_LATENCY, n_vec, have_trailer, trailer_cnt, fname);
    $display("mx_dot_bdr tb: %0d vectors, %0d mismatches (K=%0d, M=%0d, LATENCY=%0d, %s)",
             n_vec, n_mis, K, M, mx_pkg::DOT_LATENCY, fname);
    if (n_mis != 0) $fatal(1, "mx_dot_bdr tb: FAILED");
    $finish;
  end
endmodule
