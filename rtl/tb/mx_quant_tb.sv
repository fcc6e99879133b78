// mx_quant_tb: portable, self-checking testbench for mx_quant driven by an .mxv quantize file.
//
// Plain SystemVerilog (file I/O with $fopen/$fgets/$sscanf, one block per clock):
//   - runs unchanged in a commercial simulator; under Verilator 5 use --binary (--timing).
//   - the vector file is given by the plusarg +mxv=<file> (default: parameter MXV).
//   - K must match the file's header field "block" (checked).
//
// Header (line 1): `// mxref-vectors 1 {json}` with "op":"quantize" and the policy in
// "quantization":"scale-rule=floor|ceil|rceil|te|even,specials=nan-scale|preserve|saturate,
// int8=symmetric|full,flush-subnormal-inputs=false|true" (docs/vector-format.md); missing
// items take the OCP defaults. The policy drives the unit's static ports for the whole file.
// A recipe conformance file (`mxref vectors gen --op quantize --recipe R [--random --count N]`,
// docs/quantization.md) names "recipe":"R" instead; the bench maps R to the ports (docs/RTL.md):
//   ocp floor | exact-ceil ceil | microxcaling floor, rna | gfloat floor, saturate, int8 full |
//   torchao-floor floor | torchao-rceil rceil | torchao-even, amd-quark-even even (all nan-scale)
//   | te te, finite. RM of such a file is 0: the recipe's rounding applies. Other recipes
//   (torchao-ceil, nvfp4-*) are refused.
//
// .mxv data line (op=quantize):  FMT RM V S P  (hex). V packs FP32 input i at bits [32i, 32i+32);
// P packs element code i at bit i*w (w = 8,8,6,6,4,8 for formats 0..5); it is unpacked into
// the 8-bit byte lanes of mx_quant, whose unused upper lane bits must be 0. The scale, every
// lane and the rsv flag (must be 0: files hold valid codes only) are compared; the arrival
// time is checked against mx_pkg::QUANT_LATENCY. Parameter FMT_EN builds the unit for a subset of
// the formats; lines of the other formats are then skipped (and counted). Lines starting with "//" are comments,
// except the trailer "// end COUNT CHECKSUM" whose COUNT is checked.
//
// Input lanes: in_fmt = FP32 by default. With the plusarg +bf16 every block is driven as BF16 lanes
// (in_fmt = BF16, the top half of each FP32 lane in its low 16 bits, junk in its upper 16 bits);
// the file must then hold BF16-exact inputs (low 16 bits of every lane 0, e.g. `make quant-bf16-tb`).
//
// Prints each mismatch (line number, expected vs actual) and a final line
//   mx_quant tb: N vectors, M mismatches (...)
// then ends with $finish (pass) or $fatal (mismatches or a malformed file: non-zero exit).
module mx_quant_tb;
  parameter int    K   = 32;
  parameter string MXV = "out/rtl/quant.mxv";
  parameter int    MAX_REPORT = 20;   // mismatches printed in full
  // formats of the unit under test (mx_quant FMT_EN); lines of other formats are skipped
  parameter logic [5:0] FMT_EN = mx_pkg::FMT_EN_ALL;

  localparam int QD = 64;             // in-flight vector queue (> latency)

  logic            clk = 1'b0;
  logic            rst_n = 1'b0;
  logic            in_valid = 1'b0;
  logic [32*K-1:0] v = '0;
  logic            in_fmt = mx_pkg::IN_FP32;
  logic [2:0]      fmt = '0, rm = '0, scale_rule = '0;
  logic [1:0]      specials = '0;
  logic            int8_full = 1'b0, flush = 1'b0;
  logic            out_valid, rsv;
  logic [7:0]      scale;
  logic [8*K-1:0]  p;

  mx_quant #(.K(K), .FMT_EN(FMT_EN)) dut (
    .clk, .rst_n, .in_valid, .v, .in_fmt, .fmt, .rm, .scale_rule, .specials, .int8_full, .flush,
    .out_valid, .scale, .p, .rsv
  );

  always #5 clk = ~clk;

  localparam int BLOCK_LATENCY = mx_pkg::QUANT_LATENCY;
  `include "mx_tb_block_check.svh"

  `include "mx_tb_common.svh"

  initial begin : main
    string          fname, line, policy;
    bit             rm_fixed;           // a recipe file: rm comes from the recipe, not the lines
    logic [2:0]     rm_recipe;
    int             fd, lineno, nf, trailer_cnt, rc;
    logic [31:0]    trailer_crc;
    logic [3:0]     f, r;
    logic [7:0]     s;
    logic [32*K-1:0] vv;
    logic [8*K-1:0] pp;
    bit             have_trailer, bf16;

    have_trailer = 0; trailer_cnt = 0; lineno = 0; policy = ""; rm_fixed = 0; rm_recipe = mx_pkg::RM_RNE;
    if (!$value$plusargs("mxv=%s", fname)) fname = MXV;
    bf16 = $test$plusargs("bf16");
    fd = $fopen(fname, "r");
    if (fd == 0) $fatal(1, "mx_quant tb: cannot open vector file '%s'", fname);

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
        if (lineno == 1) begin                           // header: op, block, policy
          if (!has(line, "\"op\":\"quantize\""))
            $fatal(1, "mx_quant tb: %s is not an op=quantize vector file", fname);
          check_block("mx_quant", fname, line);
          scale_rule = has(line, "scale-rule=ceil")  ? mx_pkg::SR_CEIL
                     : has(line, "scale-rule=rceil") ? mx_pkg::SR_RCEIL
                     : has(line, "scale-rule=te")    ? mx_pkg::SR_TE
                     : has(line, "scale-rule=even")  ? mx_pkg::SR_EVEN : mx_pkg::SR_FLOOR;
          specials   = has(line, "specials=preserve") ? mx_pkg::SP_PRESERVE
                     : has(line, "specials=saturate") ? mx_pkg::SP_SATURATE : mx_pkg::SP_NAN_SCALE;
          int8_full  = has(line, "int8=full");
          flush      = has(line, "flush-subnormal-inputs=true");
          if (has(line, "scale-rule=") && !has(line, "scale-rule=floor") && !has(line, "scale-rule=ceil")
              && !has(line, "scale-rule=rceil") && !has(line, "scale-rule=te") && !has(line, "scale-rule=even"))
            $fatal(1, "mx_quant tb: %s: scale rule not supported by this bench", fname);
          if (has(line, "\"recipe\":\"")) begin            // a recipe conformance file
            rm_fixed = 1; flush = 1'b0;
            recipe_ports("mx_quant", fname, line, scale_rule, specials, int8_full, rm_recipe);
          end
        end
        if ($sscanf(line, "// end %d %h", trailer_cnt, trailer_crc) == 2) have_trailer = 1;
        continue;
      end
      nf = $sscanf(line, "%h %h %h %h %h", f, r, vv, s, pp);
      if (nf != 5) $fatal(1, "mx_quant tb: %s:%0d: malformed data line: %s", fname, lineno, line);
      if (f > 4'd5 || r > 4'd5)
        $fatal(1, "mx_quant tb: %s:%0d: FMT must be 0..5 and RM 0..5: %s", fname, lineno, line);

      if (!FMT_EN[f[2:0]]) begin                         // a format this build leaves out
        n_skip++;
        continue;
      end

      // drive one block (inputs change on the falling edge)
      fmt      = f[2:0];
      rm       = rm_fixed ? rm_recipe : r[2:0];
      if (bf16) begin                                    // BF16 lanes: the top half, junk above
        in_fmt = mx_pkg::IN_BF16;
        for (int i = 0; i < K; i++) begin
          if (vv[32*i +: 16] != 16'h0000)
            $fatal(1, "mx_quant tb: %s:%0d: lane %0d (%08h) is not a BF16 value (+bf16)", fname, lineno, i, vv[32*i +: 32]);
          v[32*i +: 32] = {16'($urandom), vv[32*i + 16 +: 16]};
        end
      end else
        v = vv;
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
    v = '0;
    repeat (mx_pkg::QUANT_LATENCY + 4) @(negedge clk);

    n_mis += end_checks(n_vec, n_checked, n_lat_err, mx_pkg::QUANT_LATENCY, n_vec + n_skip, have_trailer,
                        trailer_cnt, fname);
    if (n_skip != 0) $display("note: %0d vectors of formats outside FMT_EN=%b skipped", n_skip, FMT_EN);
    $display("mx_quant tb: %0d vectors, %0d mismatches (K=%0d, LATENCY=%0d, rule=%0d specials=%0d int8_full=%0d flush=%0d, %s lanes, %s)",
             n_vec, n_mis, K, mx_pkg::QUANT_LATENCY, scale_rule, specials, int8_full, flush,
             bf16 ? "bf16" : "fp32", fname);
    if (n_mis != 0) $fatal(1, "mx_quant tb: FAILED");
    $finish;
  end
endmodule
