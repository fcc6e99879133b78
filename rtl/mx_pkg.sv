// mx_pkg: shared codes, widths, pipeline depths and functions of the MX units (mx_dot, mx_dot_bdr,
// mx_quant, mx_regen).
//
// Plain SystemVerilog accepted by Verilator 5.006 and Yosys 0.23 (read_verilog -sv):
// no `return` in functions, no struct ports, items referenced as mx_pkg::NAME (Yosys 0.23
// does not parse `import mx_pkg::*;` inside a module).
package mx_pkg;

  // The complete code tables below document the interface; not every code is referenced
  // by name in the design (e.g. e4m3 and rne are the `default` arms), and the package serves
  // two units (mx_dot, mx_quant) that each use a part of it, hence the waiver.
  /* verilator lint_off UNUSEDPARAM */
  // ---------------------------------------------------------------- element formats (fmt_a/fmt_b)
  localparam logic [2:0] FMT_E4M3 = 3'd0;
  localparam logic [2:0] FMT_E5M2 = 3'd1;
  localparam logic [2:0] FMT_E3M2 = 3'd2;
  localparam logic [2:0] FMT_E2M3 = 3'd3;
  localparam logic [2:0] FMT_E2M1 = 3'd4;
  localparam logic [2:0] FMT_INT8 = 3'd5;
  // codes 6 and 7 are reserved and decoded exactly like FMT_E4M3
  localparam int unsigned FMT_COUNT = 6;   // the defined codes are 0 .. FMT_COUNT-1
  // a and b: one element code per LANE_W-bit lane, in its low bits (the upper bits are ignored)
  localparam int unsigned LANE_W = 8;

  // ---------------------------------------------------------------- rounding modes (rm)
  localparam logic [2:0] RM_RNE = 3'd0;
  localparam logic [2:0] RM_RTZ = 3'd1;
  localparam logic [2:0] RM_RDN = 3'd2;
  localparam logic [2:0] RM_RUP = 3'd3;
  localparam logic [2:0] RM_RNA = 3'd4;
  localparam logic [2:0] RM_RTO = 3'd5;
  // codes 6 and 7 are reserved and behave exactly like RM_RNE
  localparam int unsigned RM_COUNT = 6;    // the defined codes are 0 .. RM_COUNT-1

  // ---------------------------------------------------------------- mx_quant: scale rules (scale_rule)
  // How the shared exponent is chosen from the block maximum (docs/quantization.md, docs/RTL.md).
  localparam logic [2:0] SR_FLOOR = 3'd0;   // OCP MX v1.0 sec. 6.3: floor(log2 amax) - emax_elem
  localparam logic [2:0] SR_CEIL  = 3'd1;   // smallest exponent with amax / 2^s <= max normal
  localparam logic [2:0] SR_RCEIL = 3'd2;   // torchao RCEIL: ceil(log2(fp32(amax / max_pos)))
  localparam logic [2:0] SR_TE    = 3'd3;   // TE float_to_e8m0(fp32(amax * fp32(1 / max_pos)))
  localparam logic [2:0] SR_EVEN  = 3'd4;   // torchao EVEN: floor rule on amax rounded to m+1 bits
  // codes 5, 6, 7 are reserved: they behave like SR_FLOOR and raise the rsv flag

  // ---------------------------------------------------------------- mx_quant: specials policy (specials)
  localparam logic [1:0] SP_NAN_SCALE = 2'd0;  // any NaN/Inf: scale 0xFF, element codes 0 (microxcaling)
  localparam logic [1:0] SP_PRESERVE  = 2'd1;  // NaN/Inf kept as element codes where the format has them
  localparam logic [1:0] SP_SATURATE  = 2'd2;  // gfloat sat=True: Inf -> shared_exp 127, +-max finite
  localparam logic [1:0] SP_FINITE    = 2'd3;  // TransformerEngine MXFP8: never a NaN scale; NaN lanes
                                               // -> NaN code, Inf -> +-max finite and shared_exp 127

  // ---------------------------------------------------------------- mx_dot, mx_dot_bdr: pipeline
  // in_valid -> out_valid of the fused dot units, cycles: products | adder tree | fuse C |
  // normalise | round (one register bank per stage, the last one drives d and flags)
  localparam int unsigned DOT_LATENCY = 5;
  // sideband carried down their pipe beside the data: {rm[2:0], res_nan, nv, res_inf, inf_sign, zero_sign}
  localparam int unsigned DOT_SB_W = 8;

  // ---------------------------------------------------------------- mx_tree operators (OP)
  localparam logic TREE_ADD = 1'b0;   // two's-complement sum (the exact product sums)
  localparam logic TREE_MAX = 1'b1;   // unsigned maximum (mx_quant's largest exponent field)

  // ---------------------------------------------------------------- mx_quant: pipeline
  // in_valid -> out_valid of mx_quant, cycles: scan | shared exponent | element rounding
  localparam int unsigned QUANT_LATENCY = 3;
  // input lane formats (in_fmt): FP32 lanes, or BF16 in the low 16 bits of each 32-bit lane
  localparam logic IN_FP32 = 1'b0;
  localparam logic IN_BF16 = 1'b1;
  // IN_FMT_EN bit i enables input format i (area builds, like FMT_EN)
  localparam logic [1:0] IN_FMT_EN_ALL = 2'b11;
  // every format enabled (FMT_EN bit f enables format code f)
  localparam logic [5:0] FMT_EN_ALL = 6'b11_1111;

  // The lowest enabled format of a FMT_EN mask: where a build for a subset of the formats sends
  // its disabled and reserved format codes.
  function automatic logic [2:0] fmt_first_enabled(input logic [5:0] en);
    fmt_first_enabled = 3'd0;
    for (int f = 5; f >= 0; f--) if (en[f]) fmt_first_enabled = 3'(f);
  endfunction

  // fmt when FMT_EN enables it, else the lowest enabled format. Written as a selection among the
  // enabled codes only (not as "enabled ? fmt : default"), so that with a constant mask synthesis
  // sees every disabled code as impossible and removes its decode and datapath.
  function automatic logic [2:0] fmt_restrict(input logic [2:0] fmt, input logic [5:0] en);
    fmt_restrict = fmt_first_enabled(en);
    for (int f = 0; f < 6; f++) if (en[f] && fmt == 3'(f)) fmt_restrict = 3'(f);
  endfunction

  // ---------------------------------------------------------------- mx_regen: DropBack weight regeneration
  // Philox4x32-10 (Salmon et al., SC'11, sec. 4.2; Random123 PHILOX_M4x32_*, PHILOX_W32_*): round
  // multipliers and the key schedule's Weyl increments (docs/dropback.md, "The generator").
  localparam logic [31:0] PHILOX_M0 = 32'hD251_1F53;
  localparam logic [31:0] PHILOX_M1 = 32'hCD9E_8D57;
  localparam logic [31:0] PHILOX_W0 = 32'h9E37_79B9;
  localparam logic [31:0] PHILOX_W1 = 32'hBB67_AE85;
  localparam int unsigned PHILOX_ROUNDS = 10;       // one pipeline stage per round
  localparam int unsigned REGEN_INIT_STAGES = 2;    // centred sum x a | round to FP32 and merge
  // in_valid -> out_valid of mx_regen: the Philox rounds, the initializer, then mx_quant
  localparam int unsigned REGEN_LATENCY = PHILOX_ROUNDS + REGEN_INIT_STAGES + QUANT_LATENCY;
  localparam int unsigned REGEN_MAX_TERMS = 16;     // Irwin-Hall draws per weight, at most
  localparam logic [31:0] REGEN_MIN_A = 32'h0100_0000;  // 2^-125: the smallest bound a
  // ---------------------------------------------------------------- block scale formats (scale_fmt)
  // The codes are the golden model's scale-format order (StandardFormats.Scales: e8m0, ue4m3).
  localparam logic SCALE_E8M0  = 1'b0;  // OCP MX v1.0 sec. 5.4: 2^(code - 127), 0xFF = NaN
  localparam logic SCALE_UE4M3 = 1'b1;  // NVFP4: unsigned E4M3 in bits [6:0] (bit 7 ignored), bias 7,
                                        // subnormals, 0x00 = zero, 0x7F = NaN, max 448; e2m1 elements only
  // SCALE_EN bit s enables scale format s (area builds, like FMT_EN)
  localparam logic [1:0] SCALE_EN_ALL = 2'b11;
  localparam int unsigned SC_SIG_W = 4;   // scale significand: 1 for E8M0, {E != 0, m[2:0]} for UE4M3

  // ---------------------------------------------------------------- flags
  localparam int unsigned FLAG_NX = 0;
  localparam int unsigned FLAG_UF = 1;
  localparam int unsigned FLAG_OF = 2;
  localparam int unsigned FLAG_NV = 4;
  localparam int unsigned FLAGS_W = FLAG_NV + 1;   // width of the flags port (bit 3 is always 0)

  // ---------------------------------------------------------------- element decode
  // Every finite element is  (-1)^sign * mag * 2^(sh - 16)  with
  //   mag: unsigned integer significand (<= 15 for the FP formats, <= 128 for int8)
  //   sh : 0..29 (0 = e5m2 subnormal, 2^-16 is the smallest element quantum)
  localparam int unsigned EL_MAG_W = 8;
  localparam int unsigned EL_SH_W  = 5;
  localparam int EL_LSB_EXP = -16;
  // decoded element, packed: {nan, inf, zero, sign, mag[7:0], sh[4:0]}
  localparam int unsigned DEC_W = 4 + EL_MAG_W + EL_SH_W;

  // ---------------------------------------------------------------- mx_decode: MX block -> FP32/BF16/FP16
  // output formats (out_fmt); the golden model's order (StandardFormats.Outputs: fp32, bf16, fp16)
  localparam logic [1:0] OUT_FP32 = 2'd0;
  localparam logic [1:0] OUT_BF16 = 2'd1;   // in the low 16 bits of a 32-bit result lane
  localparam logic [1:0] OUT_FP16 = 2'd2;   // in the low 16 bits of a 32-bit result lane
  // code 3 is reserved and behaves exactly like OUT_FP32
  // in_valid -> out_valid of mx_decode, cycles: element and scale decode | normalise, round, pack
  localparam int unsigned DECODE_LATENCY = 2;
  // decoded lane as stage 1 registers it: {nan, inf, zero, sign, mag[7:0], esum[8:0]}, where the
  // finite value is (-1)^sign * mag * 2^(esum - DEC_ESUM_BIAS), esum = sh + scale code
  localparam int unsigned DEC_ESUM_W = 9;          // sh <= 29, scale code <= 254: esum <= 283
  localparam int DEC_ESUM_BIAS = 127 - EL_LSB_EXP;  // 143: E8M0 bias and the element quantum 2^-16
  localparam int unsigned DEC_LANE_W = 4 + EL_MAG_W + DEC_ESUM_W;

  // ---------------------------------------------------------------- products
  // product = (-1)^sign * pmag * 2^(psh - 32), pmag < 2^16, psh <= 58.
  // Fixed-point product magnitude pmag << psh has LSB 2^-32 and is < 2^64
  // (largest: e5m2 57344^2 = 49 * 2^58 < 2^64).
  localparam int unsigned PMAG_W = 2 * EL_MAG_W;   // 16
  localparam int unsigned PSH_W  = EL_SH_W + 1;    // 6
  localparam int unsigned PFX_W  = 64;             // fixed-point product magnitude width
  localparam int PFX_LSB_EXP = 2 * EL_LSB_EXP;     // -32

  // ---------------------------------------------------------------- datapath widths
  localparam int unsigned EXP_W = 12;   // signed exponent arithmetic (all exponents are within +-600)
  localparam int unsigned GUARD = 28;   // window bits below the product-sum LSB (see docs/RTL.md)
  localparam int unsigned CM_W  = 24;   // FP32 significand incl. hidden bit
  /* verilator lint_on UNUSEDPARAM */

  // Bits of an element code of format fmt: its width when packed in an .mxv line (docs/vector-format.md)
  // and the low bits of its lane that the unit reads. The reserved codes 6, 7 read like FMT_E4M3.
  function automatic logic [3:0] elem_bits(input logic [2:0] fmt);
    case (fmt)
      FMT_E3M2, FMT_E2M3: elem_bits = 4'd6;
      FMT_E2M1:           elem_bits = 4'd4;
      default:            elem_bits = 4'd8;
    endcase
  endfunction

  // Decode one element code (its code in the low bits of the byte lane).
  function automatic logic [DEC_W-1:0] decode_elem(input logic [7:0] code, input logic [2:0] fmt);
    logic                  s, nan, inf, zero;
    logic [EL_MAG_W-1:0]   mag;
    logic [EL_SH_W-1:0]    sh;
    logic [4:0]            e;
    logic [2:0]            m;
    s = 1'b0; nan = 1'b0; inf = 1'b0; zero = 1'b0;
    mag = '0; sh = '0; e = '0; m = '0;
    case (fmt)
      FMT_E5M2: begin
        s = code[7]; e = code[6:2]; m = {1'b0, code[1:0]};
        inf  = (e == 5'd31) && (m == 3'd0);
        nan  = (e == 5'd31) && (m != 3'd0);
        zero = (e == 5'd0) && (m == 3'd0);
        mag  = {5'd0, (e != 5'd0), m[1:0]};
        sh   = (e == 5'd0) ? 5'd0 : e - 5'd1;
      end
      FMT_E3M2: begin
        s = code[5]; e = {2'd0, code[4:2]}; m = {1'b0, code[1:0]};
        zero = (e == 5'd0) && (m == 3'd0);
        mag  = {5'd0, (e != 5'd0), m[1:0]};
        sh   = (e == 5'd0) ? 5'd12 : e + 5'd11;
      end
      FMT_E2M3: begin
        s = code[5]; e = {3'd0, code[4:3]}; m = code[2:0];
        zero = (e == 5'd0) && (m == 3'd0);
        mag  = {4'd0, (e != 5'd0), m};
        sh   = (e == 5'd0) ? 5'd13 : e + 5'd12;
      end
      FMT_E2M1: begin
        s = code[3]; e = {3'd0, code[2:1]}; m = {2'd0, code[0]};
        zero = (e == 5'd0) && (m == 3'd0);
        mag  = {6'd0, (e != 5'd0), m[0]};
        sh   = (e == 5'd0) ? 5'd15 : e + 5'd14;
      end
      FMT_INT8: begin
        s    = code[7];
        zero = (code == 8'd0);
        mag  = code[7] ? (~code + 8'd1) : code;   // -128 -> 8'h80 = 128
        sh   = 5'd10;                              // code * 2^-6
      end
      default: begin  // FMT_E4M3 and the reserved codes 6, 7
        s = code[7]; e = {1'b0, code[6:3]}; m = code[2:0];
        nan  = (e == 5'd15) && (m == 3'd7);
        zero = (e == 5'd0) && (m == 3'd0);
        mag  = {4'd0, (e != 5'd0), m};
        sh   = (e == 5'd0) ? 5'd7 : e + 5'd6;
      end
    endcase
    if (nan || inf) mag = '0;  // keep special lanes out of the finite sum
    decode_elem = {nan, inf, zero, s, mag, sh};
  endfunction

  // Decode one block scale: value = sig * 2^(xe - bias), bias = 127 (E8M0) or 10 (UE4M3: the
  // three fraction bits are in sig); packed {nan, zero, sig[3:0], xe[7:0]}.
  //   E8M0 : sig = 1, xe = code, NaN = 0xFF, never zero
  //   UE4M3: sig = {E != 0, m}, xe = max(E, 1), NaN = 0x7F, zero = 0x00 (bit 7 of the byte ignored)
  localparam int unsigned SCDEC_W = 2 + SC_SIG_W + 8;
  function automatic logic [SCDEC_W-1:0] decode_scale(input logic [7:0] code, input logic fmt);
    logic                nan, zero;
    logic [SC_SIG_W-1:0] sig;
    logic [7:0]          xe;
    if (fmt == SCALE_UE4M3) begin
      nan  = (code[6:0] == 7'h7F);
      zero = (code[6:0] == 7'h00);
      sig  = {(code[6:3] != 4'd0), code[2:0]};
      xe   = {4'd0, (code[6:3] == 4'd0) ? 4'd1 : code[6:3]};
    end else begin
      nan  = (code == 8'hFF);
      zero = 1'b0;
      sig  = SC_SIG_W'(1);
      xe   = code;
    end
    decode_scale = {nan, zero, sig, xe};
  endfunction

endpackage
