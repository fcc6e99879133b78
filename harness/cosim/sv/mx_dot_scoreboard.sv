// mx_dot_scoreboard — rtl/mx_dot checked live against the MxRef golden model through DPI-C (mxref_dpi.sv).
//
// The pattern of a UVM scoreboard, without UVM: a driver makes its own random transactions, asks the golden model
// for each one's result at the moment it is driven (mxref_dpi_dot32), queues the prediction, and a monitor compares
// every output of the DUT with the oldest prediction. Nothing is read from or written to vector files, except an
// optional transcript (+dump=FILE) in the `mxref dot` line layout, "FA FB RM SA A SB B C D FLAGS" with the golden D
// and FLAGS, so the predictions themselves can be replayed through `mxref dot` (tests/Cosim does).
//
// Plusargs: +n=<transactions> (default 3000)  +seed=<n> (default 1)  +dump=<file>
//           +profile=<name=value,...>  predictions under an implementation profile (mxref_dpi_dot_profiled), for an RTL
//           whose unit has those behaviours (docs/semantics.md, "Implementation profiles"); default the reference
// Output: a report per failing transaction (the first 20), laid out like `mxref verify`'s (mx_dot_report.sv), then a
// summary ending in PASS or FAIL.
// The port `failed` tells the C++ main (scoreboard_main.cpp) the verdict for its exit status.
//
// The random stream is a xorshift64* in SV rather than $urandom, so a seed gives the same transactions on every
// simulator.
module mx_dot_scoreboard (
  input  logic clk,
  output logic failed
);
  import mxref_dpi::*;
  import mx_dot_report::txn_t, mx_dot_report::element_bits, mx_dot_report::inputs_line, mx_dot_report::mismatch_text;
  // The bench's own state (counters, queue, random stream) is updated with blocking assignments inside the clocked
  // process on purpose: only that process reads it. The DUT's inputs are driven with non-blocking assignments.
  /* verilator lint_off BLKSEQ */

  localparam int K = mx_dot_report::K;
  localparam int LW = mx_pkg::LANE_W;  // bits per element lane of a and b
  localparam int SHOWN = 20;          // mismatch reports printed before going quiet
  localparam int RESET_CYCLES = 4;
  localparam int DRAIN_CYCLES = 1000; // after the last transaction: outputs still owed are missing after this long

  // ---------------------------------------------------------------- the DUT
  logic             rst_n = 1'b0;
  logic             in_valid = 1'b0;
  // port widths and codes: rtl/mx_pkg.sv (LANE_W, FLAGS_W, FMT_*, RM_*), shared with the other benches of mx_dot
  logic [2:0]       fmt_a = '0, fmt_b = '0, rm = '0;
  logic [7:0]       scale_a = '0, scale_b = '0;
  logic [mx_pkg::LANE_W*K-1:0] a = '0, b = '0;
  logic [31:0]      c = '0;
  logic             out_valid;
  logic [31:0]      d;
  logic [mx_pkg::FLAGS_W-1:0] flags;

  mx_dot #(.K(K)) dut (
    .clk, .rst_n, .in_valid, .fmt_a, .fmt_b, .rm, .scale_a, .scale_b, .a, .b, .c,
    .out_valid, .d, .flags
  );

  // ---------------------------------------------------------------- transactions
  txn_t        predicted[$];
  int unsigned n_txn = 3000;
  int unsigned sent = 0, checked = 0, mismatches = 0;
  longint unsigned cycle = 0, last_sent_cycle = 0;
  longint unsigned rng = 64'h9E37_79B9_7F4A_7C15;
  int          dump_fd = 0;
  string       profile = "";
  longint unsigned seed = 1;
  logic        done = 1'b0;

  assign failed = mismatches != 0 || checked != n_txn;

  function automatic longint unsigned next_random();
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 64'h2545_F491_4F6C_DD1D;
  endfunction

  function automatic int unsigned pick(int unsigned n);
    return int'(next_random() >> 33) % n;
  endfunction

  // A scale: mostly near 2^0 so that products and C interact; now and then an extreme or the NaN scale 0xFF.
  function automatic logic [7:0] random_scale();
    case (pick(32))
      0:       return 8'hFF;
      1:       return 8'h00;
      2:       return 8'hFE;
      3:       return 8'(pick(256));
      default: return 8'(107 + pick(41));
    endcase
  endfunction

  // C: a finite value near the block's magnitude most of the time, and every special class sometimes.
  function automatic logic [31:0] random_c();
    logic [31:0] r = 32'(next_random());
    case (pick(16))
      0:       return {r[31], 31'h0};                        // +-0
      1:       return {r[31], 8'hFF, 23'h0};                  // +-Inf
      2:       return {r[31], 8'hFF, 1'b1, r[21:0]};          // quiet NaN
      3:       return {r[31], 8'hFF, 1'b0, r[21:1], 1'b1};    // signalling NaN
      4:       return {r[31], 8'h00, r[22:0]};                // subnormal
      5:       return r;                                      // anything
      default: return {r[31], 8'(112 + pick(30)), r[22:0]}; // near 2^0
    endcase
  endfunction

  // Element codes of a NaN or an Inf are replaced by finite ones in most transactions: with uniform random codes
  // a 32-element e5m2 block would almost always hold one, and the interesting arithmetic would go untested.
  function automatic logic [7:0] finite_code(logic [2:0] fmt, logic [7:0] code);
    case (fmt)
      mx_pkg::FMT_E4M3: return code[6:0] == 7'h7F ? code ^ 8'h01 : code;    // e4m3 S.1111.111 is NaN
      mx_pkg::FMT_E5M2: return code[6:2] == 5'h1F ? code ^ 8'h04 : code;    // e5m2 S.11111.xx is Inf/NaN
      default: return code;                                        // the other formats have no specials
    endcase
  endfunction

  typedef enum int { ORDINARY, SPARSE, CANCEL, TINY, HUGE, QUANTIZED } shape_t;

  function automatic txn_t random_txn(int unsigned id);
    txn_t t;
    int wa, wb;
    shape_t shape;
    bit specials = pick(4) == 0;
    case (pick(16))
      0, 1:    shape = SPARSE;  // many zero products: exact zeros and sign-of-zero rules
      2:       shape = CANCEL;  // pairs of products of opposite sign that cancel exactly
      3:       shape = TINY;    // results near FP32's subnormal range: UF
      4:       shape = HUGE;    // results near FP32's largest binade: OF
      5, 6:    shape = QUANTIZED; // operands as a model's tensors give them: FP32 values quantized by the golden model
      default: shape = ORDINARY;
    endcase
    t = '0;
    t.id = id;
    t.fmt_a = 3'(pick(mx_pkg::FMT_COUNT));
    t.fmt_b = shape == CANCEL ? t.fmt_a : 3'(pick(mx_pkg::FMT_COUNT));
    t.rm = 3'(pick(mx_pkg::RM_COUNT));
    t.scale_a = random_scale();
    t.scale_b = random_scale();
    t.c = random_c();
    if (shape == TINY) begin
      t.scale_a = 8'(pick(16));          // 2^(sa+sb-254) in [2^-254, 2^-109]
      t.scale_b = 8'(pick(2) == 0 ? pick(16) : 100 + pick(30));
      if (pick(2) == 0) t.c = {t.c[31], 8'h00, t.c[22:0]};
    end else if (shape == HUGE) begin
      t.scale_a = 8'(240 + pick(15));    // 2^(sa+sb-254) in [2^100, 2^254]
      t.scale_b = 8'(100 + pick(30));
      if (pick(2) == 0) t.c = {t.c[31], 8'(250 + pick(5)), t.c[22:0]};
    end
    wa = element_bits(t.fmt_a);
    wb = element_bits(t.fmt_b);
    for (int i = 0; i < K; i++) begin
      logic [7:0] ea = 8'(next_random()), eb = 8'(next_random());
      if (shape == SPARSE && pick(4) != 0) ea = 8'h00;
      // The driver keeps the bits above the format's width zero, as a real producer of packed lanes does.
      ea &= 8'((1 << wa) - 1);
      eb &= 8'((1 << wb) - 1);
      t.a[LW*i +: 8] = specials ? ea : finite_code(t.fmt_a, ea);
      t.b[LW*i +: 8] = specials ? eb : finite_code(t.fmt_b, eb);
      if (shape == CANCEL && i % 2 == 1) begin
        // Element i repeats element i-1 of A; B's is negated (sign bit for floats, two's complement for int8).
        t.a[LW*i +: 8] = t.a[LW*(i-1) +: 8];
        t.b[LW*i +: 8] = t.fmt_b == mx_pkg::FMT_INT8 ? 8'(-t.b[LW*(i-1) +: 8])
                                                    : t.b[LW*(i-1) +: 8] ^ 8'(1 << (wb - 1));
      end
    end
    if (shape == QUANTIZED) begin
      quantize_operand(t.fmt_a, t.rm, t.scale_a, t.a);
      quantize_operand(t.fmt_b, t.rm, t.scale_b, t.b);
    end
    return t;
  endfunction

  // 32 random FP32 values over a few binades, quantized through DPI-C (OCP policy) into a scale and byte lanes.
  function automatic void quantize_operand(logic [2:0] fmt, logic [2:0] mode, output logic [7:0] scale, output logic [8*K-1:0] lanes);
    bit [32*K-1:0] values;
    byte unsigned s;
    bit [8*K-1:0] codes;
    int status;
    for (int i = 0; i < K; i++) begin
      logic [31:0] r = 32'(next_random());
      values[32*i +: 32] = {r[31], 8'(120 + pick(12)), r[22:0]};
    end
    status = mxref_dpi_quantize32(int'(fmt), int'(mode), values, s, codes);
    if (status != MXREF_OK) $fatal(1, "scoreboard: mxref_dpi_quantize32 returned %0d (%s)", status, mxref_error_string(status));
    scale = s;
    lanes = codes;
  endfunction

  // The golden model's answer, through DPI-C.
  function automatic txn_t predict(txn_t t);
    int unsigned dd;
    byte unsigned ff;
    bit [8*MXREF_DPI_MAX_K-1:0] wide_a = '0, wide_b = '0;
    int status;
    if (profile == "") status = mxref_dpi_dot32(int'(t.fmt_a), int'(t.fmt_b), int'(t.rm), t.scale_a, t.a, t.scale_b, t.b, t.c, dd, ff);
    else begin
      wide_a[8*K-1:0] = t.a;
      wide_b[8*K-1:0] = t.b;
      status = mxref_dpi_dot_profiled(int'(t.fmt_a), int'(t.fmt_b), int'(t.rm), K, t.scale_a, wide_a, t.scale_b, wide_b, t.c,
                                      MXREF_OUT_FP32, MXREF_ACC_FUSED, 0, profile, dd, ff);
    end
    if (status != MXREF_OK)
      $fatal(1, "scoreboard: the golden model returned %0d (%s) for transaction %0d", status, mxref_error_string(status), t.id);
    t.d = dd;
    t.flags = ff;
    return t;
  endfunction

  // ---------------------------------------------------------------- run
  initial begin
    string dump;
    void'($value$plusargs("n=%d", n_txn));
    void'($value$plusargs("seed=%d", seed));
    rng ^= seed * 64'hBF58_476D_1CE4_E5B9;
    if (rng == 0) rng = 1;
    if ($value$plusargs("dump=%s", dump)) begin
      dump_fd = $fopen(dump, "w");
      if (dump_fd == 0) $fatal(1, "scoreboard: cannot write %s", dump);
    end
    if (mxref_version() / 10000 != MXREF_VERSION / 10000)
      $fatal(1, "scoreboard: %s does not match mxref_dpi.sv (MXREF_VERSION %0d)", mxref_version_string(), MXREF_VERSION);
    void'($value$plusargs("profile=%s", profile));
    if (profile != "" && mxref_profile_check(profile) != MXREF_OK)
      $fatal(1, "scoreboard: +profile=%s: %s", profile, mxref_profile_message(profile));
    $display("scoreboard: %s; rtl/mx_dot K=%0d; %0d random transactions, seed %0d%s", mxref_version_string(), K, n_txn, seed,
             profile == "" ? "" : $sformatf("; profile %s", mxref_profile_message(profile)));
  end

  always @(posedge clk) begin
    txn_t t;         // declared without initializers: a procedural block's variables are static, initialized once
    string note, verdict;
    cycle++;
    rst_n <= cycle > longint'(RESET_CYCLES);

    // Driver: a new transaction on 3 cycles in 4 (bubbles check that out_valid follows in_valid).
    in_valid <= 1'b0;
    if (rst_n && sent < n_txn && pick(4) != 0) begin
      t = predict(random_txn(sent));
      predicted.push_back(t);
      if (dump_fd != 0) $fdisplay(dump_fd, "%s %h %h", inputs_line(t), t.d, t.flags);
      in_valid <= 1'b1;
      fmt_a <= t.fmt_a; fmt_b <= t.fmt_b; rm <= t.rm;
      scale_a <= t.scale_a; scale_b <= t.scale_b; a <= t.a; b <= t.b; c <= t.c;
      sent++;
      last_sent_cycle = cycle;
    end

    // Monitor: every output is compared with the oldest prediction.
    if (rst_n && out_valid) begin
      if (predicted.size() == 0) begin
        mismatches++;
        $display("MISMATCH %0d: output D 0x%h flags 0x%h with no transaction outstanding (cycle %0d)", mismatches, d, flags, cycle);
      end else begin
        t = predicted.pop_front();
        checked++;
        if (d !== t.d || 8'(flags) !== t.flags) begin
          mismatches++;
          if (mismatches <= SHOWN)
            $display("%s", mismatch_text(mismatches, t, d, 8'(flags),
                     $sformatf("make cosim-scoreboard COSIM_N=%0d COSIM_SEED=%0d", n_txn, seed)));
        end
      end
    end

    // End: everything checked, or the DUT stopped answering.
    if (!done && sent == n_txn && (checked == n_txn || cycle > last_sent_cycle + longint'(DRAIN_CYCLES))) begin
      done = 1'b1;
      if (dump_fd != 0) $fclose(dump_fd);
      $display("scoreboard summary: rtl/mx_dot K=%0d checked live against %s, seed %0d", K, mxref_version_string(), seed);
      note = checked != n_txn ? " (outputs missing: the DUT stopped answering)" : "";
      $display("  transactions %0d sent, %0d outputs checked%s", n_txn, checked, note);
      note = mismatches > SHOWN ? $sformatf(" (the first %0d reported)", SHOWN) : "";
      $display("  mismatches   %0d%s", mismatches, note);
      // Not `failed`: its continuous assignment has not seen this cycle's counts yet.
      verdict = mismatches == 0 && checked == n_txn ? "PASS" : "FAIL";
      $display("%s", verdict);
      $finish;
    end
  end
  /* verilator lint_on BLKSEQ */
endmodule
