// mx_regen_tb: portable, self-checking testbench for mx_regen driven by an .mxv regen file.
//
// Plain SystemVerilog (file I/O with $fopen/$fgets/$sscanf, one block per clock):
//   - runs unchanged in a commercial simulator; under Verilator 5 use --binary (--timing).
//   - the vector file is given by the plusarg +mxv=<file> (default: parameter MXV).
//   - K must match the file's header field "block" (checked).
//
// Header (line 1): `// mxref-vectors 1 {json}` with "op":"regen", the recipe in "recipe":"R"
// (written by `mxref vectors gen --op regen`, docs/vector-format.md). The bench maps R onto
// mx_quant's static ports as rtl/tb/mx_quant_tb.sv does (docs/RTL.md, "Recipes"):
//   ocp floor | exact-ceil ceil | microxcaling floor, rna | gfloat floor, saturate, int8 full |
//   torchao-floor floor | torchao-rceil rceil | torchao-even, amd-quark-even even | te te, finite.
//
// .mxv data line (op=regen):  FMT SEED LAYER BLOCK N A MASK T S P  (hex). T packs the tracked
// FP32 value of lane i at bits [32i, 32i+32), MASK bit i tracks lane i; P packs element code i at
// bit i*w (w = 8,8,6,6,4,8 for formats 0..5) and is unpacked into mx_regen's byte lanes, whose
// upper bits must be 0. The scale, every lane and rsv (must be 0) are compared, the arrival
// time is checked against mx_pkg::REGEN_LATENCY. Parameter NT (draws built into the unit) and
// FMT_EN: lines with N > NT or a format outside FMT_EN are skipped (and counted).
//
// Prints each mismatch (line number, expected vs actual) and a final line
//   mx_regen tb: N vectors, M mismatches (...)
// then ends with $finish (pass) or $fatal (mismatches or a malformed file: non-zero exit).
module mx_regen_tb;
  parameter int    K   = 32;
  parameter int    NT  = 1;
  parameter string MXV = "out/rtl/regen.mxv";
  parameter int    MAX_REPORT = 20;   // mismatches printed in full
  parameter logic [5:0] FMT_EN = mx_pkg::FMT_EN_ALL;

  localparam int QD = 64;             // in-flight vector queue (> latency)

  logic            clk = 1'b0;
  logic            rst_n = 1'b0;
  logic            in_valid = 1'b0;
  logic [63:0]     seed = '0;
  logic [31:0]     layer = '0, blk = '0, init_a = '0;
  logic [4:0]      init_n = 5'd1;
  logic [K-1:0]    tmask = '0;
  logic [32*K-1:0] tval = '0;
  logic [2:0]      fmt = '0, rm = '0, scale_rule = '0;
  logic [1:0]      specials = '0;
  logic            int8_full = 1'b0, flush = 1'b0;
  logic            out_valid, rsv;
  logic [7:0]      scale;
  logic [8*K-1:0]  p;

  mx_regen #(.K(K), .NT(NT), .FMT_EN(FMT_EN)) dut (
    .clk, .rst_n, .in_valid, .seed, .layer, .blk, .init_n, .init_a, .tmask, .tval,
    .fmt, .rm, .scale_rule, .specials, .int8_full, .flush, .out_valid, .scale, .p, .rsv
  );

  always #5 clk = ~clk;

  localparam int BLOCK_LATENCY = mx_pkg::REGEN_LATENCY;
  `include "mx_tb_block_check.svh"

  `include "mx_tb_common.svh"

  initial begin : main
    string           fname, line;
    logic [2:0]      rm_recipe;
    int              fd, lineno, nf, trailer_cnt, rc;
    logic [31:0]     trailer_crc;
    logic [3:0]      f;
    logic [63:0]     sd;
    logic [31:0]     ly, bk, aa;
    logic [7:0]      nn, s;
    logic [K-1:0]    mm;
    logic [32*K-1:0] tt;
    logic [8*K-1:0]  pp;
    bit              have_trailer;

    have_trailer = 0; trailer_cnt = 0; lineno = 0; rm_recipe = mx_pkg::RM_RNE;
    if (!$value$plusargs("mxv=%s", fname)) fname = MXV;
    fd = $fopen(fname, "r");
    if (fd == 0) $fatal(1, "mx_regen tb: cannot open vector file '%s'", fname);

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
        if (lineno == 1) begin                           // header: op, block, recipe
          if (!has(line, "\"op\":\"regen\""))
            $fatal(1, "mx_regen tb: %s is not an op=regen vector file", fname);
          check_block("mx_regen", fname, line);
          flush = 1'b0;
          recipe_ports("mx_regen", fname, line, scale_rule, specials, int8_full, rm_recipe);
          rm = rm_recipe;
        end
        if ($sscanf(line, "// end %d %h", trailer_cnt, trailer_crc) == 2) have_trailer = 1;
        continue;
      end
      nf = $sscanf(line, "%h %h %h %h %h %h %h %h %h %h", f, sd, ly, bk, nn, aa, mm, tt, s, pp);
      if (nf != 10) $fatal(1, "mx_regen tb: %s:%0d: malformed data line: %s", fname, lineno, line);
      if (f > 4'd5 || nn == 8'd0 || nn > 8'd16)
        $fatal(1, "mx_regen tb: %s:%0d: FMT must be 0..5 and N 1..16: %s", fname, lineno, line);

      if (!FMT_EN[f[2:0]] || int'(nn) > NT) begin       // a format or draw count this build leaves out
        n_skip++;
        continue;
      end

      // drive one block (inputs change on the falling edge)
      fmt      = f[2:0];
      seed     = sd;
      layer    = ly;
      blk      = bk;
      init_n   = nn[4:0];
      init_a   = aa;
      tmask    = mm;
      tval     = tt;
      in_valid = 1'b1;
      exp_s[wr_ptr]   = s;
      exp_p[wr_ptr]   = unpack_lanes(pp, f, 1'b0);
      exp_ln[wr_ptr]  = lineno;
      exp_cyc[wr_ptr] = cycle;
      wr_ptr = (wr_ptr + 1) % QD;
      n_vec++;
      @(negedge clk);
    end
    $fclose(fd);
    in_valid = 1'b0;
    repeat (mx_pkg::REGEN_LATENCY + 4) @(negedge clk);

    n_mis += end_checks(n_vec, n_checked, n_lat_err, mx_pkg::REGEN_LATENCY, n_vec + n_skip, have_trailer,
                        trailer_cnt, fname);
    if (n_skip != 0) $display("note: %0d vectors with N > NT=%0d or a format outside FMT_EN=%b skipped", n_skip, NT, FMT_EN);
    $display("mx_regen tb: %0d vectors, %0d mismatches (K=%0d, NT=%0d, LATENCY=%0d, rule=%0d specials=%0d int8_full=%0d rm=%0d, %s)",
             n_vec, n_mis, K, NT, mx_pkg::REGEN_LATENCY, scale_rule, specials, int8_full, rm, fname);
    if (n_mis != 0) $fatal(1, "mx_regen tb: FAILED");
    $finish;
  end
endmodule
