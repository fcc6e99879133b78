// mx_regen: DropBack weight regeneration, one MX block per clock (docs/dropback.md, docs/RTL.md).
//
// The weights of block `blk` of layer `layer` (indices blk*K .. blk*K + K - 1) under a 64-bit
// `seed`, as the golden model's access path (refmodel/DropBack, WeightRegenerator) reads them:
//   W0_i = RN_fp32(a * sum_{t<n} (2 r_t + 1 - 2^24) / 2^24)        the initializer
//   r_t  = word (i mod 4) of Philox4x32-10(counter = (i div 4, layer, t, 0), key = seed), >> 8
//   w_i  = tmask[i] ? tval_i : W0_i                                  the tracked override
// then quantized to an MX block by mx_quant (scale + K element codes, the operand port of mx_dot).
//
// Stages: PHILOX_ROUNDS (10) Philox rounds, one per stage, K/4 calls per draw side by side, the
// key schedule (k += W each round) carried down the pipe | initializer: centred sum times a
// (mx_regen_init) | FP32 rounding and merge with the tracked lanes (mx_regen_pack) | mx_quant's
// three stages. Latency mx_pkg::REGEN_LATENCY (15), no back-pressure; only the valid pipe is
// reset, data registers load when their stage holds a valid block.
//
// NT (1..REGEN_MAX_TERMS) is the number of draws built in: NT Philox banks per block. n = 1 is
// the uniform family (uniform, kaiming-uniform, glorot-uniform: the caller passes a), n > 1
// Irwin-Hall. K must be a multiple of 4 (a Philox call serves four consecutive weights).
// rsv is raised for inputs outside the definition (n = 0 or n > NT; a not a finite FP32 of at
// least 2^-125) and for mx_quant's reserved codes; such a block is still processed.
module mx_regen #(
  parameter int unsigned K      = 32,
  parameter int unsigned NT     = 1,
  parameter logic [5:0]  FMT_EN = mx_pkg::FMT_EN_ALL
) (
  input  logic            clk,
  input  logic            rst_n,
  input  logic            in_valid,
  input  logic [63:0]     seed,        // key = {seed[63:32], seed[31:0]}
  input  logic [31:0]     layer,
  input  logic [31:0]     blk,         // block index: weights blk*K .. blk*K + K - 1 (mod 2^32)
  input  logic [4:0]      init_n,      // draws per weight (1: uniform family)
  input  logic [31:0]     init_a,      // the bound a, FP32 bits
  input  logic [K-1:0]    tmask,       // lane i tracked
  input  logic [32*K-1:0] tval,        // tracked value of lane i in tval[32*i +: 32]
  input  logic [2:0]      fmt,         // mx_quant's configuration (per block)
  input  logic [2:0]      rm,
  input  logic [2:0]      scale_rule,
  input  logic [1:0]      specials,
  input  logic            int8_full,
  input  logic            flush,
  output logic            out_valid,
  output logic [7:0]      scale,
  output logic [8*K-1:0]  p,
  output logic            rsv
);
  localparam int unsigned R      = mx_pkg::PHILOX_ROUNDS;
  localparam int unsigned NC     = K / 4;              // Philox calls per draw
  localparam int unsigned NS     = NC * NT;            // Philox states per block
  localparam int unsigned CFG_W  = 13;                 // fmt, rm, scale_rule, specials, int8_full, flush
  // sideband carried beside the Philox state: tmask, tval, n, |a| (its sign only feeds rsv), configuration, rsv
  localparam int unsigned SB_W   = K + 32 * K + 5 + 31 + CFG_W + 1;
  localparam int unsigned LATENCY = mx_pkg::REGEN_LATENCY;

  if (K % 4 != 0 || K == 0) begin : g_bad_k
    $error("mx_regen: K must be a positive multiple of 4");
  end
  if (NT < 1 || NT > mx_pkg::REGEN_MAX_TERMS) begin : g_bad_nt
    $error("mx_regen: NT must be 1..REGEN_MAX_TERMS");
  end

  // ------------------------------------------------------------------ valid pipe (Philox + init)
  logic [R+1:0] vld_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) vld_q <= '0;
    else        vld_q <= {vld_q[R:0], in_valid};
  end

  // ------------------------------------------------------------------ input side: counters, sideband
  logic rsv_in;
  assign rsv_in = init_n == 5'd0 || 32'(init_n) > NT || init_a[31] || init_a < mx_pkg::REGEN_MIN_A
                  || init_a[30:23] == 8'hFF;

  logic [SB_W-1:0] sb_in;
  assign sb_in = {tmask, tval, init_n, init_a[30:0], fmt, rm, scale_rule, specials, int8_full, flush, rsv_in};

  // state s = t * NC + c: counter (group = blk * NC + c, layer, t, 0)
  logic [128*NS-1:0] ctr;
  for (genvar t = 0; t < NT; t++) begin : g_draw
    for (genvar c = 0; c < NC; c++) begin : g_call
      logic [31:0] grp;
      assign grp = blk * NC + c;
      assign ctr[128*(t*NC+c) +: 128] = {32'd0, 32'(t), layer, grp};
    end
  end

  // ================================================================== stages 1..R: Philox rounds
  // st_q: the state after rounds 0 .. R-2; the last round keeps only what the initializer uses,
  // the top 24 bits of each output word (rnd_q)
  logic [128*NS*(R-1)-1:0] st_q;
  logic [64*(R-1)-1:0]     key_q;     // key of round r, r < R-1
  logic [SB_W*R-1:0]       sb_q;
  logic [96*NS-1:0]        rnd_q;

  for (genvar r = 0; r < R; r++) begin : g_round
    logic [63:0]       key_d;
    logic [128*NS-1:0] x, y;
    logic [SB_W-1:0]   sb_d;
    logic              ld;
    if (r == 0) begin : g_first
      assign key_d = seed;
      assign x     = ctr;
      assign sb_d  = sb_in;
      assign ld    = in_valid;
    end else begin : g_next
      // Weyl key schedule, mod 2^32 per word (Random123 philox4x32bumpkey)
      assign key_d = {key_q[64*(r-1)+32 +: 32] + mx_pkg::PHILOX_W1, key_q[64*(r-1) +: 32] + mx_pkg::PHILOX_W0};
      assign x     = st_q[128*NS*(r-1) +: 128*NS];
      assign sb_d  = sb_q[SB_W*(r-1) +: SB_W];
      assign ld    = vld_q[r-1];
    end
    for (genvar s = 0; s < NS; s++) begin : g_state
      mx_regen_round u_round (.x (x[128*s +: 128]), .key (key_d), .y (y[128*s +: 128]));
    end
    always_ff @(posedge clk) begin
      if (ld) sb_q[SB_W*r +: SB_W] <= sb_d;
    end
    if (r < R - 1) begin : g_keep
      always_ff @(posedge clk) begin
        if (ld) begin
          st_q[128*NS*r +: 128*NS] <= y;
          key_q[64*r +: 64]        <= key_d;
        end
      end
    end else begin : g_last
      // the draws r = word >> 8 (docs/dropback.md, "Counter layout"): the low 8 bits are dropped
      logic [96*NS-1:0] top;
      logic [8*4*NS-1:0] unused_low;   // dropped by definition (lowRISC "unused_" idiom)
      for (genvar w = 0; w < 4 * NS; w++) begin : g_word
        assign top[24*w +: 24]      = y[32*w + 8 +: 24];
        assign unused_low[8*w +: 8] = y[32*w +: 8];
      end
      always_ff @(posedge clk) begin
        if (ld) rnd_q <= top;
      end
    end
  end

  // ================================================================== stage R+1: centred sum x a
  logic [SB_W-1:0] sb_p;         // sideband after the rounds
  assign sb_p = sb_q[SB_W*(R-1) +: SB_W];

  logic [4:0]  n_p;
  logic [22:0] frac_p;
  assign n_p    = sb_p[1 + CFG_W + 31 +: 5];
  assign frac_p = sb_p[1 + CFG_W +: 23];

  logic [K-1:0]    neg_d;
  logic [52*K-1:0] prod_d;
  for (genvar i = 0; i < K; i++) begin : g_init
    logic [24*NT-1:0] rr;
    for (genvar t = 0; t < NT; t++) begin : g_t
      // lane i: word (i mod 4) of call (i div 4) of draw t
      assign rr[24*t +: 24] = rnd_q[96*(t*NC + i/4) + 24*(i%4) +: 24];
    end
    mx_regen_init #(.NT(NT)) u_init (
      .r (rr), .n (n_p), .sig_a ({1'b1, frac_p}), .neg (neg_d[i]), .prod (prod_d[52*i +: 52])
    );
  end

  logic [K-1:0]     neg_i_q, tmask_i_q;
  logic [52*K-1:0]  prod_i_q;
  logic [32*K-1:0]  tval_i_q;
  logic [7:0]       ea_i_q;
  logic [CFG_W-1:0] cfg_i_q;
  logic             rsv_i_q;
  always_ff @(posedge clk) begin
    if (vld_q[R-1]) begin
      neg_i_q   <= neg_d;
      prod_i_q  <= prod_d;
      tmask_i_q <= sb_p[SB_W-1 -: K];
      tval_i_q  <= sb_p[SB_W-1-K -: 32*K];
      ea_i_q    <= sb_p[1 + CFG_W + 23 +: 8];
      cfg_i_q   <= sb_p[1 +: CFG_W];
      rsv_i_q   <= sb_p[0];
    end
  end

  // ================================================================== stage R+2: FP32 rounding, merge
  logic [32*K-1:0] w_d;
  for (genvar i = 0; i < K; i++) begin : g_pack
    logic [31:0] w0;
    mx_regen_pack u_pack (.neg (neg_i_q[i]), .prod (prod_i_q[52*i +: 52]), .ea (ea_i_q), .w (w0));
    assign w_d[32*i +: 32] = tmask_i_q[i] ? tval_i_q[32*i +: 32] : w0;
  end

  logic [32*K-1:0]  w_q;
  logic [CFG_W-1:0] cfg_q;
  logic             rsv_w_q;
  always_ff @(posedge clk) begin
    if (vld_q[R]) begin
      w_q     <= w_d;
      cfg_q   <= cfg_i_q;
      rsv_w_q <= rsv_i_q;
    end
  end

  // ================================================================== mx_quant (3 stages)
  logic rsv_q;
  // the regenerated weights are FP32: a build without the BF16 input lanes
  mx_quant #(.K(K), .FMT_EN(FMT_EN), .IN_FMT_EN(2'b01)) u_quant (   // IN_FMT_EN bit 0: FP32 only
    .clk, .rst_n,
    .in_valid   (vld_q[R+1]),
    .v          (w_q),
    .in_fmt     (mx_pkg::IN_FP32),
    .fmt        (cfg_q[12:10]),
    .rm         (cfg_q[9:7]),
    .scale_rule (cfg_q[6:4]),
    .specials   (cfg_q[3:2]),
    .int8_full  (cfg_q[1]),
    .flush      (cfg_q[0]),
    .out_valid  (out_valid),
    .scale      (scale),
    .p          (p),
    .rsv        (rsv_q)
  );

  // the initializer's reserved-input flag, delayed beside mx_quant's stages
  logic [mx_pkg::QUANT_LATENCY-1:0] rsv_dq;
  logic [mx_pkg::QUANT_LATENCY-1:0] vq_q;
  always_ff @(posedge clk or negedge rst_n) begin
    if (!rst_n) vq_q <= '0;
    else        vq_q <= {vq_q[mx_pkg::QUANT_LATENCY-2:0], vld_q[R+1]};
  end
  always_ff @(posedge clk) begin
    if (vld_q[R+1]) rsv_dq[0] <= rsv_w_q;
    for (int j = 1; j < mx_pkg::QUANT_LATENCY; j++)
      if (vq_q[j-1]) rsv_dq[j] <= rsv_dq[j-1];
  end
  assign rsv = rsv_q | rsv_dq[mx_pkg::QUANT_LATENCY-1];

  // LATENCY documents the whole pipe: R rounds + 2 initializer stages + mx_quant
  if (LATENCY != R + 2 + mx_pkg::QUANT_LATENCY) begin : g_bad_latency
    $error("mx_regen: REGEN_LATENCY does not match the stages");
  end
endmodule
