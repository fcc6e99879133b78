// The result queue and checker shared by the portable benches of block-output units (mx_quant_tb, mx_regen_tb):
// `include it inside the bench module after declaring QD (queue depth), K, MAX_REPORT, the DUT's out_valid, scale,
// p and rsv, and BLOCK_LATENCY (the unit's mx_pkg latency). The bench pushes exp_s/exp_p/exp_ln/exp_cyc at wr_ptr
// for each vector it drives; results are compared on the falling edge (outputs change on the rising edge).

  logic [7:0]     exp_s  [QD];
  logic [8*K-1:0] exp_p  [QD];
  int             exp_ln [QD];
  longint         exp_cyc[QD];
  int             wr_ptr = 0, rd_ptr = 0;
  int             n_vec = 0, n_checked = 0, n_mis = 0, n_lat_err = 0, n_skip = 0;
  longint         cycle = 0;

  always @(posedge clk) cycle <= cycle + 1;

  // compare outputs on the falling edge (outputs change on the rising edge)
  always @(negedge clk) begin
    if (out_valid) begin
      if (rd_ptr == wr_ptr) begin
        $display("ERROR: out_valid without a vector in flight (cycle %0d)", cycle);
        n_mis++;
      end else begin
        n_checked++;
        if (cycle - exp_cyc[rd_ptr] != longint'(BLOCK_LATENCY)) n_lat_err++;
        if (scale !== exp_s[rd_ptr] || p !== exp_p[rd_ptr] || rsv !== 1'b0) begin
          n_mis++;
          if (n_mis <= MAX_REPORT) begin
            $display("MISMATCH line %0d: expected S=%02h, got S=%02h rsv=%b", exp_ln[rd_ptr],
                     exp_s[rd_ptr], scale, rsv);
            for (int i = 0; i < K; i++)
              if (p[8*i +: 8] !== exp_p[rd_ptr][8*i +: 8])
                $display("    lane %0d: expected %02h, got %02h", i, exp_p[rd_ptr][8*i +: 8], p[8*i +: 8]);
          end
        end
        rd_ptr = (rd_ptr + 1) % QD;
      end
    end
  end
