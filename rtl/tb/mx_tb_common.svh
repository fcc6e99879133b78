// mx_tb_common.svh: what the portable .mxv benches (mx_dot_tb, mx_dot_bdr_tb, mx_quant_tb,
// mx_regen_tb) share: header parsing, w-bit element unpacking, the recipe -> mx_quant port
// mapping and the end-of-file checks. `include'd inside each bench module (after its K
// parameter), so the functions see that bench's K; each bench keeps its own ports, result queue
// and comparison. Plain SystemVerilog functions (no classes, no DPI), like the benches.
//
// .mxv layout: docs/vector-format.md. Element codes are packed at w bits each (w = 8, 8, 6, 6, 4, 8
// for format codes 0..5, 8 for the reserved 6, 7) and the units take them in 8-bit byte lanes.

  // does the (header) line contain s?
  function automatic bit has(input string line, input string s);
    has = 0;
    for (int i = 0; i + s.len() <= line.len() && !has; i++)
      if (line.substr(i, i + s.len() - 1) == s) has = 1;
  endfunction

  // the header's block size k (the first "block": field; the writer puts it second, after "op",
  // so a later one could only be inside a string such as the recorded command), -1 without one
  function automatic int header_block(input string line);
    string rest;
    int    k;
    header_block = -1;
    for (int i = 0; i + 7 < line.len() && header_block < 0; i++)
      if (line.substr(i, i + 7) == "\"block\":") begin
        rest = line.substr(i + 8, line.len() - 1);
        if ($sscanf(rest, "%d", k) == 1) header_block = k;
      end
  endfunction

  // stop the bench when the header names another block size than the build's K
  function automatic void check_block(input string tb, input string fname, input string line);
    int hk;
    hk = header_block(line);
    if (hk >= 0 && hk != K)
      $fatal(1, "%s tb: file '%s' has block %0d but the bench was built with K=%0d", tb, fname, hk, K);
  endfunction

  // packed element width of a format code (mx_pkg's, so the benches and the units agree; the file's
  // 4-bit field has no codes above 7)
  function automatic int fmt_width(input logic [3:0] f);
    fmt_width = int'(mx_pkg::elem_bits(f[2:0]));
  endfunction

  // w-bit packing -> 8-bit byte lanes; the unused upper lane bits are pseudo-random junk when
  // `junk` is set (inputs: the unit must ignore them), else 0 (outputs: the unit must clear them)
  function automatic logic [8*K-1:0] unpack_lanes(input logic [8*K-1:0] pk, input logic [3:0] f,
                                                  input bit junk);
    int             w;
    logic [7:0]     m, j;
    logic [8*K-1:0] r;
    w = fmt_width(f);
    m = 8'hFF >> (8 - w);
    r = '0;
    for (int i = 0; i < K; i++) begin
      j = junk ? 8'($urandom) : 8'h00;
      r[8*i +: 8] = (8'(pk >> (i * w)) & m) | (j & ~m);
    end
    unpack_lanes = r;
  endfunction

  // A recipe conformance file's header ("recipe":"R") -> mx_quant's configuration ports
  // (docs/RTL.md, "Recipes"): the recipe's rule, specials, MXINT8 range and rounding mode.
  // Stops the bench on a recipe mx_quant does not implement.
  function automatic void recipe_ports(input string tb, input string fname, input string line,
                                       output logic [2:0] rule, output logic [1:0] sp,
                                       output logic full, output logic [2:0] rmode);
    rule = mx_pkg::SR_FLOOR; sp = mx_pkg::SP_NAN_SCALE; full = 1'b0; rmode = mx_pkg::RM_RNE;
    if      (has(line, "\"recipe\":\"ocp\""))           rule = mx_pkg::SR_FLOOR;
    else if (has(line, "\"recipe\":\"exact-ceil\""))    rule = mx_pkg::SR_CEIL;
    else if (has(line, "\"recipe\":\"microxcaling\""))  rmode = mx_pkg::RM_RNA;
    else if (has(line, "\"recipe\":\"gfloat\"")) begin
      sp = mx_pkg::SP_SATURATE; full = 1'b1;
    end else if (has(line, "\"recipe\":\"torchao-floor\"")) rule = mx_pkg::SR_FLOOR;
    else if (has(line, "\"recipe\":\"torchao-rceil\"")) rule = mx_pkg::SR_RCEIL;
    else if (has(line, "\"recipe\":\"torchao-even\"") || has(line, "\"recipe\":\"amd-quark-even\""))
      rule = mx_pkg::SR_EVEN;
    else if (has(line, "\"recipe\":\"te\"")) begin
      rule = mx_pkg::SR_TE; sp = mx_pkg::SP_FINITE;
    end else
      $fatal(1, "%s tb: %s: recipe not supported by mx_quant (supported: ocp exact-ceil microxcaling gfloat torchao-floor torchao-rceil torchao-even amd-quark-even te)", tb, fname);
  endfunction

  // End of file: every driven vector came back, at the latency, and the trailer's COUNT is the
  // number of data lines (n_lines: driven + skipped). Prints each problem; returns their number.
  function automatic int end_checks(input int n_vec, input int n_checked, input int n_lat_err,
                                    input int latency, input int n_lines, input bit have_trailer,
                                    input int trailer_cnt, input string fname);
    end_checks = 0;
    if (n_checked != n_vec) begin
      $display("ERROR: %0d vectors driven but %0d results seen", n_vec, n_checked);
      end_checks += n_vec - n_checked;
    end
    if (n_lat_err != 0) begin
      $display("ERROR: %0d results did not arrive after LATENCY=%0d cycles", n_lat_err, latency);
      end_checks += n_lat_err;
    end
    if (have_trailer && trailer_cnt != n_lines) begin
      $display("ERROR: trailer says %0d vectors, file has %0d", trailer_cnt, n_lines);
      end_checks++;
    end
    if (!have_trailer) $display("WARNING: no '// end COUNT CHECKSUM' trailer in %s", fname);
  endfunction
