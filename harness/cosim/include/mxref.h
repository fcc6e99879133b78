/*
 * mxref.h — C ABI of libmxref, the MxRef golden model for OCP Microscaling (MX v1.0) arithmetic.
 *
 * libmxref.so is the C# golden model compiled ahead of time (NativeAOT): a plain shared library that needs no .NET
 * runtime. It is bit-exact with `mxref dot` / `mxref convert` because it is the same code. Build it with
 * `make cosim-lib` (output: out/cosim/libmxref.so, this header in out/cosim/include). See docs/cosim.md.
 *
 * Conventions (every function):
 *   - Returns MXREF_OK (0) or a negative MXREF_E_* code. Nothing is written to the output pointers on error.
 *     No crash on bad arguments: NULL pointers, unknown codes and empty blocks are reported, never dereferenced.
 *   - Codes are the hardware codes of rtl/mx_dot's ports and of `mxref dot` lines (see the enums below).
 *   - Element codes are passed one per byte, the code in the low bits (FP6 in bits [5:0], FP4 in bits [3:0]); the
 *     bits above the format's width are ignored, as the RTL's byte lanes do.
 *   - FP32 values (the accumulator C, the FP32 result, encode inputs) are passed as their IEEE 754 bit patterns.
 *   - Exception flags: bit 0 NX (inexact), 1 UF (underflow, tininess after rounding), 2 OF (overflow), 4 NV (invalid).
 *   - Thread safety: every function is reentrant and keeps no state between calls that changes a result (the
 *     profile functions remember the last profile text parsed on each thread, and mxref_profile_message's text).
 *   - The library starts its runtime on the first call (a few milliseconds, once per process).
 */
#ifndef MXREF_H
#define MXREF_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MAJOR*10000 + MINOR*100 + PATCH. MAJOR changes when a signature or a code changes meaning, MINOR when functions are
 * added. Check at start-up: mxref_version() / 10000 == MXREF_VERSION / 10000. */
#define MXREF_VERSION 10400

/* ---- Return codes ------------------------------------------------------------------------------------------------ */
#define MXREF_OK                0
#define MXREF_E_NULL           -1   /* a required pointer argument is NULL                                          */
#define MXREF_E_FORMAT         -2   /* unknown element format code (or MXREF_BDR_* code)                            */
#define MXREF_E_ROUNDING       -3   /* unknown rounding mode code                                                   */
#define MXREF_E_BLOCK_SIZE     -4   /* k outside 1..4096 (1..256 for mxref_dpi_dot), or a count n/blocks < 1      */
#define MXREF_E_OUTPUT_FORMAT  -5   /* unknown output format code                                                   */
#define MXREF_E_ACCUMULATION   -6   /* unknown accumulation model, or chunk < 1 for MXREF_ACC_CHUNKED               */
#define MXREF_E_CODE           -7   /* a code does not fit the format (decode)                                      */
#define MXREF_E_ARGUMENT       -8   /* another argument out of range (a 0/1 switch, stochastic width, policy field) */
#define MXREF_E_NAME           -9   /* unknown block format or recipe name, or a recipe not for that block format   */
#define MXREF_E_LENGTH        -10   /* a length the recipe rejects (torchao: a row not a whole number of blocks)    */
#define MXREF_E_PROFILE       -11   /* a bad implementation profile for the dot product (mxref_profile_message says why) */
#define MXREF_E_INTERNAL     -100   /* unexpected failure inside the model: a bug, please report it with the inputs  */

/* ---- Codes ------------------------------------------------------------------------------------------------------- */
/* Element formats (rtl/mx_dot fmt_a / fmt_b, OCP MX v1.0 Table 1). MXREF_FMT_E8M0 is accepted by encode/decode only. */
enum mxref_format {
    MXREF_FMT_E4M3 = 0, /* MXFP8 E4M3: no Inf, NaN S.1111.111 */
    MXREF_FMT_E5M2 = 1, /* MXFP8 E5M2: IEEE Inf/NaN           */
    MXREF_FMT_E3M2 = 2, /* MXFP6 E3M2: all codes finite       */
    MXREF_FMT_E2M3 = 3, /* MXFP6 E2M3: all codes finite       */
    MXREF_FMT_E2M1 = 4, /* MXFP4 E2M1: all codes finite       */
    MXREF_FMT_INT8 = 5, /* MXINT8: two's complement x 2^-6    */
    MXREF_FMT_E8M0 = 6  /* the shared scale: 2^(code-127), 0xFF NaN */
};

/* Rounding modes (rtl/mx_dot rm; RISC-V frm order for 0..4). */
enum mxref_rounding {
    MXREF_RNE = 0, /* nearest, ties to even (OCP default) */
    MXREF_RTZ = 1, /* toward zero                        */
    MXREF_RDN = 2, /* toward -infinity                   */
    MXREF_RUP = 3, /* toward +infinity                   */
    MXREF_RNA = 4, /* nearest, ties away from zero       */
    MXREF_RTO = 5, /* round to odd                       */
    MXREF_SR  = 8  /* stochastic: encode_sr and quantize only, random bits given explicitly or drawn from a seed */
};

/* Output formats of the dot product. */
enum mxref_output {
    MXREF_OUT_FP32 = 0, /* result in bits [31:0]  */
    MXREF_OUT_BF16 = 1, /* result in bits [15:0]  */
    MXREF_OUT_FP16 = 2  /* result in bits [15:0]  */
};

/* Accumulation models (docs/semantics.md). */
enum mxref_accumulation {
    MXREF_ACC_FUSED    = 0, /* the reference: C + scale * sum(a_i*b_i) exact, rounded once (chunk ignored)         */
    MXREF_ACC_CHUNKED  = 1, /* `chunked:chunk`: chunk elements at a time, FP32 rounding between chunks                */
    MXREF_ACC_FP32_SUM = 2  /* FP32 emulation (TOSA style): products summed in FP32 in index order (chunk ignored)  */
};

/* Block scale formats (mxref_dot_scaled). */
enum mxref_scale {
    MXREF_SCALE_E8M0  = 0, /* OCP MX: 2^(code - 127), 0xFF = NaN                                                     */
    MXREF_SCALE_UE4M3 = 1  /* NVFP4: unsigned E4M3, 7-bit code 0x00..0x7F: 0x00 = 0, 0x38 = 1.0, 0x7E = 448, 0x7F = NaN */
};

/* Exception flag bits. */
#define MXREF_FLAG_NX 0x01u
#define MXREF_FLAG_UF 0x02u
#define MXREF_FLAG_OF 0x04u
#define MXREF_FLAG_NV 0x10u

/* ---- Version ----------------------------------------------------------------------------------------------------- */
/* The library's MXREF_VERSION. */
int mxref_version(void);
/* A static, NUL-terminated description, e.g. "libmxref 1.0.0 (MxRef golden model, OCP MX v1.0)". Never free it. */
const char *mxref_version_string(void);
/* A static, NUL-terminated English text for a return code (unknown codes get "unknown status code"). Never free it. */
const char *mxref_error_string(int status);

/* ---- Block dot product (OCP MX v1.0 §6.1) ------------------------------------------------------------------------ */
/* One block: *d = C + 2^(scale_a + scale_b - 254) * sum_{i<k} a_i * b_i, rounded as acc_model says to out_fmt.
 *   fmt_a, fmt_b  element formats (MXREF_FMT_E4M3..MXREF_FMT_INT8)
 *   rm            rounding mode (MXREF_RNE..MXREF_RTO)
 *   k             block size, 1..4096
 *   scale_a/b     E8M0 scale codes (0xFF = NaN)
 *   a, b          k element codes each, one per byte
 *   c             the FP32 accumulator input, as bits
 *   out_fmt       MXREF_OUT_FP32 / BF16 / FP16
 *   acc_model     MXREF_ACC_*; chunk = elements per chunk for MXREF_ACC_CHUNKED (>= 1), ignored otherwise
 *   d             receives the result bits (bf16/fp16 in the low 16 bits)
 *   flags         receives the exception flags
 * Same result as `mxref dot -k K --out OUT --acc ACC` on the line "FA FB RM SA A SB B C". */
int mxref_dot(int fmt_a, int fmt_b, int rm, int k,
              uint8_t scale_a, const uint8_t *a, uint8_t scale_b, const uint8_t *b,
              uint32_t c, int out_fmt, int acc_model, int chunk,
              uint32_t *d, uint8_t *flags);

/* OCP MX v1.0 §6.2 DotGeneral: C + sum_{j<n} Dot(A_j, B_j) over n blocks of k elements (a, b: n*k codes, block j at
 * offset j*k; scales_a/b: n scale codes). chained = 0 with MXREF_ACC_FUSED: every block summed exactly, one rounding.
 * chained = 1, or any other model: each block's FP32 result is the next block's C; only the last rounds to out_fmt. */
int mxref_dot_general(int fmt_a, int fmt_b, int rm, int k, int n,
                      const uint8_t *scales_a, const uint8_t *a, const uint8_t *scales_b, const uint8_t *b,
                      uint32_t c, int out_fmt, int acc_model, int chunk, int chained,
                      uint32_t *d, uint8_t *flags);

/* mxref_dot with the block scales in another scale format: *d = C + sa * sb * sum_{i<k} a_i * b_i, sa*sb exact, one
 * rounding for MXREF_ACC_FUSED (docs/semantics.md). scale_fmt MXREF_SCALE_*; a scale code above the format's largest
 * (UE4M3: 0x7F) is MXREF_E_CODE. MXREF_SCALE_E8M0 gives exactly mxref_dot. */
int mxref_dot_scaled(int scale_fmt, int fmt_a, int fmt_b, int rm, int k,
                     uint8_t scale_a, const uint8_t *a, uint8_t scale_b, const uint8_t *b,
                     uint32_t c, int out_fmt, int acc_model, int chunk,
                     uint32_t *d, uint8_t *flags);

/* ---- Implementation profiles (docs/semantics.md, "Implementation profiles") ------------------------------------- */
/* A profile names the behaviours a real MX unit has where the reference differs: "name=value,..." exactly as
 * `mxref dot --profile` takes it, e.g. "tininess=on-result,zero-sign=positive,shortcut=threshold:27". Knobs:
 * tininess (after-rounding, before-rounding, on-result), zero-sign (ieee, positive, c-passthrough,
 * positive+c-passthrough), shortcut (none, threshold:N), snan-elements (quiet, signal), flush-inputs, flush-c,
 * flush-result (off, on), overflow (ieee, saturate), nan-scale (nan, as-number), special-c (ieee,
 * passthrough-when-dominant), nan-result (canonical, propagate). NULL, "" and "default" are the reference.
 * A bench passes the same string with every call: the last profile parsed on each thread is remembered, so a repeated
 * string is not parsed again. */

/* mxref_dot_scaled under a profile: the same result as `mxref dot -k K --out OUT --acc ACC --profile PROFILE`.
 * A malformed profile, or a non-default one with MXREF_ACC_FP32_SUM, is MXREF_E_PROFILE (the other arguments are
 * checked first, in mxref_dot's order). profile NULL gives exactly mxref_dot_scaled. */
int mxref_dot_profiled(int scale_fmt, int fmt_a, int fmt_b, int rm, int k,
                       uint8_t scale_a, const uint8_t *a, uint8_t scale_b, const uint8_t *b,
                       uint32_t c, int out_fmt, int acc_model, int chunk, const char *profile,
                       uint32_t *d, uint8_t *flags);

/* MXREF_OK when the profile text is valid, else MXREF_E_PROFILE. */
int mxref_profile_check(const char *profile);

/* The canonical text of a valid profile ("default", "tininess=on-result,zero-sign=positive"), or the parser's message
 * for a bad one, e.g. "unknown profile knob 'tininess2'; valid knobs: tininess = after-rounding, ...". The string
 * lives in a per-thread buffer, valid until this thread's next mxref_profile_message call; never free it. */
const char *mxref_profile_message(const char *profile);

/* One NVFP4 block pair (NVIDIA: 16 E2M1 elements, a UE4M3 scale each): mxref_dot_scaled(MXREF_SCALE_UE4M3,
 * MXREF_FMT_E2M1, MXREF_FMT_E2M1, rm, 16, ..., MXREF_OUT_FP32, MXREF_ACC_FUSED, 0, d, flags). a, b: 16 codes each. */
int mxref_dot_nvfp4(int rm, uint8_t scale_a, const uint8_t *a, uint8_t scale_b, const uint8_t *b, uint32_t c,
                    uint32_t *d, uint8_t *flags);

/* The per-tensor scales of a two-level format (NVFP4's FP32 tensor scales), applied after the block accumulation as a
 * GEMM epilogue: alpha = fp32(ta * tb), then *out = fp32(d * alpha), each an IEEE 754 multiply rounded with rm (flags
 * of both steps ORed). d, ta, tb, out: FP32 bits. */
int mxref_tensor_scale_epilogue(uint32_t d, uint32_t ta, uint32_t tb, int rm, uint32_t *out, uint8_t *flags);

/* ---- Elements ---------------------------------------------------------------------------------------------------- */
/* FP32 -> element (or E8M0) code, rounded once with rm (what `mxref convert` does). saturate = 1: overflow clamps to
 * +-max finite (OCP MX's conversion); saturate = 0: IEEE overflow (Inf for e5m2, NaN for e4m3, +-max for formats with
 * neither; rtz/rto and the directed mode toward zero keep +-max). NaN into a format without NaN gives +max with NV. */
int mxref_encode(int fmt, uint32_t fp32, int rm, int saturate, uint32_t *code, uint8_t *flags);

/* As mxref_encode with stochastic rounding: the value rounds away from zero iff floor(delta * 2^width) + random >=
 * 2^width, delta the discarded fraction of one ulp. width 1..31; random < 2^width. */
int mxref_encode_sr(int fmt, uint32_t fp32, uint32_t random, int width, int saturate, uint32_t *code, uint8_t *flags);

/* Element (or E8M0) code -> FP32 bits, exact. NaN codes give the canonical quiet NaN 0x7FC00000. A code wider than
 * the format (e.g. 0x40 for e2m1) is MXREF_E_CODE. */
int mxref_decode(int fmt, uint32_t code, uint32_t *fp32);

/* ---- Block quantization (OCP MX v1.0 §6.3; docs/quantization.md) ------------------------------------------------- */
/* Everything a quantizer chooses besides the element format and k. Pass NULL for the OCP default: rne, floor rule,
 * NaN scale for blocks with NaN/Inf, symmetric INT8, FP32 subnormal inputs kept. Same meaning as `mxref quantize`'s
 * options of the same names. */
typedef struct mxref_quant_policy {
    int rounding;               /* element rounding: MXREF_RNE..MXREF_RTO, or MXREF_SR                             */
    int scale_rule;             /* MXREF_SCALE_FLOOR (OCP) or MXREF_SCALE_CEIL (smallest scale with no saturation) */
    int specials;               /* MXREF_SPECIALS_NAN_SCALE, _PRESERVE or _SATURATE                                */
    int int8_full_range;        /* 0: MXINT8 symmetric +-127/64 (OCP); 1: -2 (0x80) may be produced                */
    int flush_subnormal_inputs; /* 1: FP32 subnormal inputs become zeros of the same sign first                   */
    int sr_width;               /* MXREF_SR: random bits per element, 1..31 (`mxref quantize` default 8)          */
    uint64_t sr_seed;           /* MXREF_SR without explicit random bits: seed of the generator (input i takes the  *
                                 * top sr_width bits of its i-th 64-bit output, as `mxref quantize --sr-seed`)      */
} mxref_quant_policy;

enum mxref_scale_rule { MXREF_SCALE_FLOOR = 0, MXREF_SCALE_CEIL = 1 };
enum mxref_specials { MXREF_SPECIALS_NAN_SCALE = 0, MXREF_SPECIALS_PRESERVE = 1, MXREF_SPECIALS_SATURATE = 2 };

/* n FP32 values -> ceil(n/k) blocks: scales[j] the E8M0 scale code of block j, elements[j*k + i] the code of its
 * element i (one per byte; the last block is padded with +0 codes). Buffers: scales ceil(n/k) bytes, elements
 * ceil(n/k)*k bytes. policy may be NULL (OCP default). random: NULL, or for MXREF_SR the n random values, each below
 * 2^sr_width (value i rounds with random[i]); with NULL, MXREF_SR draws them from sr_seed. k 1..4096, n >= 1. */
int mxref_quantize(int fmt, int k, int n, const uint32_t *fp32, const mxref_quant_policy *policy,
                   const uint32_t *random, uint8_t *scales, uint8_t *elements);

/* blocks*k codes with their scales -> FP32 values X * P_i (exact for blocks quantized from FP32; a NaN scale gives
 * NaN for the whole block). fp32 receives blocks*k values. An element code wider than the format is MXREF_E_CODE. */
int mxref_dequantize(int fmt, int k, int blocks, const uint8_t *scales, const uint8_t *elements, uint32_t *fp32);

/* Shared-microexponent formats (Rouhani et al., ISCA 2023; `mxref quantize --elem mx9|mx6|mx4`): blocks of 16 values
 * with an 8-bit shared exponent (bias 127, 0xFF = NaN), one 1-bit microexponent per pair, and sign-magnitude element
 * codes (sign = bit m; m = 7 magnitude bits for MX9, 4 for MX6, 2 for MX4). */
enum mxref_bdr_format { MXREF_BDR_MX9 = 0, MXREF_BDR_MX6 = 1, MXREF_BDR_MX4 = 2 };

/* n FP32 values -> ceil(n/16) blocks: scales (1 byte per block), microexponents (8 bytes per block, one per pair),
 * elements (16 bytes per block; the last block padded with +0). policy as for mxref_quantize, except that only
 * MXREF_SCALE_FLOOR is valid (else MXREF_E_ARGUMENT) and int8_full_range does not apply. */
int mxref_quantize_bdr(int bdr_fmt, int n, const uint32_t *fp32, const mxref_quant_policy *policy,
                       const uint32_t *random, uint8_t *scales, uint8_t *microexponents, uint8_t *elements);

/* blocks of MX9/MX6/MX4 -> blocks*16 FP32 values. A code or microexponent wider than the format is MXREF_E_CODE. */
int mxref_dequantize_bdr(int bdr_fmt, int blocks, const uint8_t *scales, const uint8_t *microexponents,
                         const uint8_t *elements, uint32_t *fp32);

/* ---- SystemVerilog DPI-C (sv/mxref_dpi.sv) ------------------------------------------------------------------------ */
/* A packed SV argument `bit [8*K-1:0]` is passed by DPI-C as const svBitVecVal* (uint32_t words, word j = bits
 * [32j+31:32j]); element i is bits [8i+7:8i], the byte lanes of rtl/mx_dot. These functions take exactly that, so the
 * SV package can declare them directly. */

/* The rtl/mx_dot transaction: k = 32, fused, FP32 result. a, b: bit [255:0]. */
int mxref_dpi_dot32(int fmt_a, int fmt_b, int rm,
                    uint8_t scale_a, const uint32_t *a, uint8_t scale_b, const uint32_t *b,
                    uint32_t c, uint32_t *d, uint8_t *flags);

/* Any k in 1..256, output format and accumulation model. a, b: bit [2047:0]; lanes k..255 are ignored. */
int mxref_dpi_dot(int fmt_a, int fmt_b, int rm, int k,
                  uint8_t scale_a, const uint32_t *a, uint8_t scale_b, const uint32_t *b,
                  uint32_t c, int out_fmt, int acc_model, int chunk,
                  uint32_t *d, uint8_t *flags);

/* mxref_dpi_dot under an implementation profile (SV `input string`; "" is the reference); as mxref_dot_profiled. */
int mxref_dpi_dot_profiled(int fmt_a, int fmt_b, int rm, int k,
                           uint8_t scale_a, const uint32_t *a, uint8_t scale_b, const uint32_t *b,
                           uint32_t c, int out_fmt, int acc_model, int chunk, const char *profile,
                           uint32_t *d, uint8_t *flags);

/* One block of 32 FP32 values (bit [1023:0], value i in bits [32i+31:32i]) -> scale and 32 element codes written as
 * byte lanes into elements (output bit [255:0], 8 words), under the OCP default policy with rounding rm (0..5). */
int mxref_dpi_quantize32(int fmt, int rm, const uint32_t *fp32, uint8_t *scale, uint32_t *elements);

/* ---- DropBack: regenerated weights (docs/dropback.md) -------------------------------------------------------------- */
/* DropBack (Golub, Lemieux, Lis) keeps only the k weights with the largest accumulated update; every other weight is
 * its initial value W0, regenerated at each access from (seed, layer, index) by Philox4x32-10 and a bit-exact
 * initializer. These functions give a trainer (NumPy, C) the bits the hardware unit produces. The conventions at the top of
 * this file apply. */

/* Initializers: w = RN_fp32(S * 2^-24 * a), S the exact sum of `terms` centred 24-bit draws 2r+1-2^24 (docs/dropback.md).
 * a: an FP32 bit pattern, positive, finite, >= 2^-125 (0x01000000). terms: 1 for the uniform kinds, 1..16 for
 * Irwin-Hall. Kaiming/Glorot differ from uniform only in how the caller computed a. */
enum mxref_init {
    MXREF_INIT_UNIFORM         = 0, /* U(-a, a)                                        */
    MXREF_INIT_KAIMING_UNIFORM = 1, /* U(-a, a), a = gain * sqrt(3 / fan_in)           */
    MXREF_INIT_GLOROT_UNIFORM  = 2, /* U(-a, a), a = gain * sqrt(6 / (fan_in + fan_out)) */
    MXREF_INIT_IRWIN_HALL      = 3  /* a * (sum of `terms` uniforms on (-1, 1))        */
};

/* One tracked weight. A store is an array of these strictly increasing by (layer, index): not sorted or a duplicate
 * position is MXREF_E_ARGUMENT. */
typedef struct mxref_tracked_entry {
    uint32_t layer;
    uint32_t index;
    uint32_t value; /* FP32 bits */
} mxref_tracked_entry;

/* Weights start..start+n-1 of `layer`: W0, overridden by the entries of `tracked` (n_tracked entries, any layers;
 * NULL when n_tracked = 0) that fall in the range. fp32 receives n values. n >= 1 and start + n <= 2^32
 * (else MXREF_E_BLOCK_SIZE); a bad init, terms or a is MXREF_E_ARGUMENT. */
int mxref_regen(uint64_t seed, uint32_t layer, int init, int terms, uint32_t a, uint32_t start, int n,
                const mxref_tracked_entry *tracked, int n_tracked, uint32_t *fp32);

/* The same weights quantized to OCP MX blocks of 32 (fmt MXREF_FMT_E4M3..MXREF_FMT_INT8, the OCP default policy,
 * as `mxref quantize`): scales ceil(n/32) bytes, elements ceil(n/32)*32 bytes (last block padded with +0). start must
 * be a multiple of 32 (MXREF_E_ARGUMENT). Same output as `mxref dropback regen --format FMT`. */
int mxref_regen_block(uint64_t seed, uint32_t layer, int init, int terms, uint32_t a, uint32_t start, int n,
                      const mxref_tracked_entry *tracked, int n_tracked, int fmt, uint8_t *scales, uint8_t *elements);

/* As mxref_regen_block for MX9/MX6/MX4 (bdr_fmt MXREF_BDR_*, blocks of 16; start a multiple of 16): scales
 * ceil(n/16) bytes, microexponents 8 per block, elements 16 per block. */
int mxref_regen_block_bdr(uint64_t seed, uint32_t layer, int init, int terms, uint32_t a, uint32_t start, int n,
                          const mxref_tracked_entry *tracked, int n_tracked, int bdr_fmt,
                          uint8_t *scales, uint8_t *microexponents, uint8_t *elements);

/* One parameter tensor of a DropBack run. Bias tensors are always tracked, outside the k budget. */
typedef struct mxref_dropback_layer {
    uint32_t layer;   /* layer number (the Philox counter word, and the tie-break order) */
    uint32_t count;   /* number of parameters, >= 1                                      */
    int init;         /* MXREF_INIT_*                                                     */
    int terms;        /* 1, or 1..16 for MXREF_INIT_IRWIN_HALL                            */
    uint32_t a;       /* the initializer's a, FP32 bits                                   */
    int is_bias;      /* 0 / 1                                                            */
} mxref_dropback_layer;

/* One DropBack SGD step in FP32 (docs/dropback.md, "Training step"): every parameter W (tracked value, else W0)
 * becomes W' = RN(W - RN(lr * g)); then the k non-bias parameters with the largest |RN(W' - W0)| > 0 over all
 * layers are kept (ties to the lower (layer, index)), plus every bias. frozen = 1: only the tracked parameters (and
 * biases) are updated and the tracked set does not change. gradients: the n_layers gradient tensors concatenated in
 * the order of `layers` (finite FP32 bits). tracked: the current store (NULL when n_tracked = 0). out receives the
 * new store (sorted), *n_out its length; out_capacity must be at least (biases) + min(k, non-bias parameters).
 * MXREF_E_ARGUMENT: a bad store (unsorted, duplicate, entry outside its layer, more than k weights), a non-finite
 * gradient or learning rate, a diverged (non-finite) update, a bad layer description or too small a capacity. */
int mxref_dropback_step(uint64_t seed, const mxref_dropback_layer *layers, int n_layers, const uint32_t *gradients,
                        uint32_t learning_rate, int k, int frozen,
                        const mxref_tracked_entry *tracked, int n_tracked,
                        mxref_tracked_entry *out, int out_capacity, int *n_out);

/* ---- Quantization by block format and recipe name (docs/quantization.md) ----------------------------------------- */
/* block_format: a name of `mxref formats` (mxfp8-e4m3 … mxint8, mx9, mx6, mx4, nvfp4) or ELEM/kN/SCALE spelled out
 * (e2m1/k16/ue4m3); recipe: a name of `mxref recipes list` (ocp, exact-ceil, microxcaling, gfloat, torchao-floor,
 * torchao-ceil, torchao-even, torchao-rceil, te, amd-quark-even, nvfp4-torchao, nvfp4-te, nvfp4-cudnn). Unknown names,
 * or a recipe that does not apply to the format, give MXREF_E_NAME. */

/* The shape of a block format: k, microexponents per block (0 without that level), bits per element code. */
int mxref_block_format_shape(const char *block_format, int *block_size, int *sub_blocks, int *element_bits);

/* n FP32 values in rows of row_length (0: one row of n) -> blocks along each row, each row padded with +0 to whole
 * blocks, or MXREF_E_LENGTH where the recipe's source rejects a partial block (torchao). With B = (n / row) *
 * ceil(row / k) blocks: scales B bytes, microexponents B * sub_blocks bytes (NULL allowed when sub_blocks is 0),
 * elements B * k bytes (one code per byte). tensor_scale: the per-tensor FP32 scale (bits) of a format that has one
 * (NVFP4), or NULL to compute it from the global amax as the recipe does; tensor_scale_out (may be NULL) receives the
 * scale used (1.0 = 0x3F800000 for formats without one). */
int mxref_quantize_recipe(const char *block_format, const char *recipe, int n, int row_length, const uint32_t *fp32,
                          const uint32_t *tensor_scale, uint8_t *scales, uint8_t *microexponents, uint8_t *elements,
                          uint32_t *tensor_scale_out);

/* The inverse: the n FP32 values (input order, padding dropped) of blocks laid out as mxref_quantize_recipe writes
 * them, with the tensor scale it returned. A code wider than the format is MXREF_E_CODE. */
int mxref_dequantize_recipe(const char *block_format, const char *recipe, int n, int row_length, uint32_t tensor_scale,
                            const uint8_t *scales, const uint8_t *microexponents, const uint8_t *elements, uint32_t *fp32);

/* ---- The decode unit (docs/semantics.md, "The decode unit") ----------------------------------------------------- */
/* k element codes of format fmt sharing the block scale `scale` (scale_fmt MXREF_SCALE_*) -> k codes of out_fmt:
 * each X * P_i rounded once under rm (OCP MX v1.0 §5.2; a NaN scale makes the block NaN). results[i] holds the code
 * in its low 32/16 bits; *flags the OR of the elements' flags. profile: NULL or "" for the reference, else
 * "name=value,..." with the knobs a decoder has (tininess, flush-inputs, flush-result, overflow, nan-scale,
 * snan-elements); another knob or a malformed profile is MXREF_E_ARGUMENT. A code wider than its format is MXREF_E_CODE. */
int mxref_decode_block(int scale_fmt, int fmt, int rm, int k, uint8_t scale, const uint8_t *codes, int out_fmt,
                       const char *profile, uint32_t *results, uint8_t *flags);

#ifdef __cplusplus
}
#endif

#endif /* MXREF_H */
