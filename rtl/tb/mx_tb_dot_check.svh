// The result queue and checker shared by the portable benches of the dot units (mx_dot_tb, mx_dot_bdr_tb): `include
// it inside the bench module after declaring QD (queue depth), MAX_REPORT and the DUT's out_valid, d and flags. The
// bench pushes exp_d/exp_fl/exp_ln/exp_cyc/exp_txt at wr_ptr for each vector it drives; results are compared on the
// falling edge (outputs change on the rising edge), each one mx_pkg::DOT_LATENCY clocks after its vector. The flags
// byte of a line is the flags port widened to 8 bits (bit positions mx_pkg::FLAG_*, docs/vector-format.md).

  logic [31:0] exp_d   [QD];
  logic [7:0]  exp_fl  [QD];
  int          exp_ln  [QD];
  longint      exp_cyc [QD];
  string       exp_txt [QD];
  int          wr_ptr = 0, rd_ptr = 0;
  int          n_vec = 0, n_checked = 0, n_mis = 0, n_lat_err = 0;
  longint      cycle = 0;

  always @(posedge clk) cycle <= cycle + 1;

  always @(negedge clk) begin
    if (out_valid) begin
      if (rd_ptr == wr_ptr) begin
        $display("ERROR: out_valid without a vector in flight (cycle %0d)", cycle);
        n_mis++;
      end else begin
        n_checked++;
        if (cycle - exp_cyc[rd_ptr] != longint'(mx_pkg::DOT_LATENCY)) n_lat_err++;
        if (d !== exp_d[rd_ptr] || 8'(flags) !== exp_fl[rd_ptr]) begin
          n_mis++;
          if (n_mis <= MAX_REPORT)
            $display("MISMATCH line %0d: %s\n    expected D=%08h FLAGS=%02h, got D=%08h FLAGS=%02h",
                     exp_ln[rd_ptr], exp_txt[rd_ptr], exp_d[rd_ptr], exp_fl[rd_ptr], d, flags);
        end
        rd_ptr = (rd_ptr + 1) % QD;
      end
    end
  end

  // Queue the expected result of the vector driven in this cycle (line number and text for the report).
  function automatic void expect_result(input logic [31:0] dv, input logic [7:0] fl, input int ln, input string txt);
    exp_d[wr_ptr]   = dv;
    exp_fl[wr_ptr]  = fl;
    exp_ln[wr_ptr]  = ln;
    exp_cyc[wr_ptr] = cycle;
    exp_txt[wr_ptr] = txt.substr(0, txt.len() - 2);  // without the newline
    wr_ptr = (wr_ptr + 1) % QD;
    n_vec++;
  endfunction
