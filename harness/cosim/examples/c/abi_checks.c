/*
 * abi_checks: the promises of mxref.h, checked from C — every bad argument gives its MXREF_E_* code (no crash, no
 * exception, outputs untouched), and a few known results come back right. Run by tests/Cosim; prints one line per
 * check and exits 1 if any failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "mxref.h"

static int checks, failures;

static void expect(const char *what, long got, long want)
{
    checks++;
    if (got == want) {
        printf("ok   %s\n", what);
    } else {
        failures++;
        printf("FAIL %s: got %ld (0x%lx), expected %ld (0x%lx)\n", what, got, (unsigned long)got, want, (unsigned long)want);
    }
}

/* One block of k = 32 e4m3 elements: a = 1.0 everywhere, b = 2.0 everywhere, scales 2^0. */
static uint8_t ones[32], twos[32];
static const uint8_t unit_scale = 0x7f;

static int dot(int fa, int fb, int rm, int k, const uint8_t *a, const uint8_t *b, int out, int acc, int chunk, uint32_t *d, uint8_t *f)
{
    return mxref_dot(fa, fb, rm, k, unit_scale, a, unit_scale, b, 0x3f800000u, out, acc, chunk, d, f);
}

static void bad_arguments(void)
{
    uint32_t d = 0xdeadbeefu, code = 0xdeadbeefu, fp32 = 0xdeadbeefu;
    uint8_t f = 0xee;
    expect("dot: a NULL", dot(0, 0, 0, 32, NULL, twos, 0, 0, 0, &d, &f), MXREF_E_NULL);
    expect("dot: b NULL", dot(0, 0, 0, 32, ones, NULL, 0, 0, 0, &d, &f), MXREF_E_NULL);
    expect("dot: d NULL", dot(0, 0, 0, 32, ones, twos, 0, 0, 0, NULL, &f), MXREF_E_NULL);
    expect("dot: flags NULL", dot(0, 0, 0, 32, ones, twos, 0, 0, 0, &d, NULL), MXREF_E_NULL);
    expect("dot: fmt_a 6 (e8m0 is no element format)", dot(6, 0, 0, 32, ones, twos, 0, 0, 0, &d, &f), MXREF_E_FORMAT);
    expect("dot: fmt_a -1", dot(-1, 0, 0, 32, ones, twos, 0, 0, 0, &d, &f), MXREF_E_FORMAT);
    expect("dot: fmt_b 7", dot(0, 7, 0, 32, ones, twos, 0, 0, 0, &d, &f), MXREF_E_FORMAT);
    expect("dot: rm 6", dot(0, 0, 6, 32, ones, twos, 0, 0, 0, &d, &f), MXREF_E_ROUNDING);
    expect("dot: rm 8 (stochastic has no dot)", dot(0, 0, 8, 32, ones, twos, 0, 0, 0, &d, &f), MXREF_E_ROUNDING);
    expect("dot: k 0", dot(0, 0, 0, 0, ones, twos, 0, 0, 0, &d, &f), MXREF_E_BLOCK_SIZE);
    expect("dot: k -1", dot(0, 0, 0, -1, ones, twos, 0, 0, 0, &d, &f), MXREF_E_BLOCK_SIZE);
    expect("dot: k 4097", dot(0, 0, 0, 4097, ones, twos, 0, 0, 0, &d, &f), MXREF_E_BLOCK_SIZE);
    expect("dot: out_fmt 3", dot(0, 0, 0, 32, ones, twos, 3, 0, 0, &d, &f), MXREF_E_OUTPUT_FORMAT);
    expect("dot: acc_model 3", dot(0, 0, 0, 32, ones, twos, 0, 3, 0, &d, &f), MXREF_E_ACCUMULATION);
    expect("dot: chunked with chunk 0", dot(0, 0, 0, 32, ones, twos, 0, MXREF_ACC_CHUNKED, 0, &d, &f), MXREF_E_ACCUMULATION);
    expect("dot: d untouched by the errors", (long)d, 0xdeadbeefL);
    expect("dot: flags untouched by the errors", f, 0xee);

    expect("dot_general: n 0", mxref_dot_general(0, 0, 0, 32, 0, &unit_scale, ones, &unit_scale, twos, 0, 0, 0, 0, 0, &d, &f), MXREF_E_BLOCK_SIZE);
    expect("dot_general: scales_a NULL", mxref_dot_general(0, 0, 0, 32, 1, NULL, ones, &unit_scale, twos, 0, 0, 0, 0, 0, &d, &f), MXREF_E_NULL);
    expect("dot_general: chained 2", mxref_dot_general(0, 0, 0, 32, 1, &unit_scale, ones, &unit_scale, twos, 0, 0, 0, 0, 2, &d, &f), MXREF_E_ARGUMENT);

    uint32_t lanes[64] = {0};
    expect("dpi_dot: k 257", mxref_dpi_dot(0, 0, 0, 257, 0x7f, lanes, 0x7f, lanes, 0, 0, 0, 0, &d, &f), MXREF_E_BLOCK_SIZE);
    expect("dpi_dot32: a NULL", mxref_dpi_dot32(0, 0, 0, 0x7f, NULL, 0x7f, lanes, 0, &d, &f), MXREF_E_NULL);
    expect("dpi_dot32: fmt_b 9", mxref_dpi_dot32(0, 9, 0, 0x7f, lanes, 0x7f, lanes, 0, &d, &f), MXREF_E_FORMAT);

    expect("encode: fmt 7", mxref_encode(7, 0x3f800000u, 0, 1, &code, &f), MXREF_E_FORMAT);
    expect("encode: rm 6", mxref_encode(0, 0x3f800000u, 6, 1, &code, &f), MXREF_E_ROUNDING);
    expect("encode: saturate 2", mxref_encode(0, 0x3f800000u, 0, 2, &code, &f), MXREF_E_ARGUMENT);
    expect("encode: code NULL", mxref_encode(0, 0x3f800000u, 0, 1, NULL, &f), MXREF_E_NULL);
    expect("encode_sr: width 0", mxref_encode_sr(0, 0x3f800000u, 0, 0, 1, &code, &f), MXREF_E_ARGUMENT);
    expect("encode_sr: random 256 with width 8", mxref_encode_sr(0, 0x3f800000u, 256, 8, 1, &code, &f), MXREF_E_ARGUMENT);
    expect("decode: e2m1 code 0x10 is 5 bits", mxref_decode(MXREF_FMT_E2M1, 0x10, &fp32), MXREF_E_CODE);
    expect("decode: fp32 NULL", mxref_decode(0, 0x38, NULL), MXREF_E_NULL);
    expect("decode: fmt -3", mxref_decode(-3, 0, &fp32), MXREF_E_FORMAT);
    expect("encode/decode: outputs untouched by the errors", (long)(code ^ fp32), 0L);
}

static void known_results(void)
{
    uint32_t d, code, fp32;
    uint8_t f;
    expect("version major matches mxref.h", mxref_version() / 10000, MXREF_VERSION / 10000);
    expect("version string is not empty", mxref_version_string() != NULL && strlen(mxref_version_string()) > 0, 1);
    expect("error string of MXREF_E_NULL", strstr(mxref_error_string(MXREF_E_NULL), "NULL") != NULL, 1);
    expect("error string of an unknown code", strstr(mxref_error_string(12345), "unknown") != NULL, 1);
    /* 32 x (1.0 x 2.0) + 1.0 = 65.0 */
    expect("dot: 32 x 1.0 x 2.0 + 1.0 status", dot(0, 0, 0, 32, ones, twos, 0, 0, 0, &d, &f), MXREF_OK);
    expect("dot: 32 x 1.0 x 2.0 + 1.0 = 65.0", (long)d, 0x42820000L);
    expect("dot: exact, no flags", f, 0);
    expect("dot: bf16 result 65.0", (dot(0, 0, 0, 32, ones, twos, MXREF_OUT_BF16, 0, 0, &d, &f), (long)d), 0x4282L);
    uint32_t lanes_a[8], lanes_b[8];
    memcpy(lanes_a, ones, 32);
    memcpy(lanes_b, twos, 32);
    expect("dpi_dot32 agrees with dot", (mxref_dpi_dot32(0, 0, 0, 0x7f, lanes_a, 0x7f, lanes_b, 0x3f800000u, &d, &f), (long)d), 0x42820000L);
    expect("encode 1.0 to e4m3", (mxref_encode(MXREF_FMT_E4M3, 0x3f800000u, MXREF_RNE, 1, &code, &f), (long)code), 0x38L);
    expect("encode 500 to e4m3, saturating: 448", (mxref_encode(MXREF_FMT_E4M3, 0x43fa0000u, MXREF_RNE, 1, &code, &f), (long)code), 0x7eL);
    expect("encode 500 to e4m3, saturating: OF|NX", f, MXREF_FLAG_OF | MXREF_FLAG_NX);
    expect("encode 500 to e4m3, IEEE overflow: NaN", (mxref_encode(MXREF_FMT_E4M3, 0x43fa0000u, MXREF_RNE, 0, &code, &f), (long)code), 0x7fL);
    expect("encode_sr 1.25 to e2m1 with random 0x80/8: 1.5", (mxref_encode_sr(MXREF_FMT_E2M1, 0x3fa00000u, 0x80, 8, 1, &code, &f), (long)code), 0x3L);
    expect("decode e2m1 0x7 = 6.0", (mxref_decode(MXREF_FMT_E2M1, 0x7, &fp32), (long)fp32), 0x40c00000L);
    expect("decode int8 0x80 = -2.0", (mxref_decode(MXREF_FMT_INT8, 0x80, &fp32), (long)fp32), 0xc0000000L);
    expect("decode e8m0 0x7f = 1.0", (mxref_decode(MXREF_FMT_E8M0, 0x7f, &fp32), (long)fp32), 0x3f800000L);
    expect("decode e8m0 0xff = NaN", (mxref_decode(MXREF_FMT_E8M0, 0xff, &fp32), (long)fp32), 0x7fc00000L);
}

/* DotGeneral (§6.2) against mxref_dot: chained, each block's FP32 result is the next block's C; one block unchained is
 * one fused block. */
static void dot_general_agrees_with_dot(void)
{
    uint64_t state = 777;
    int disagreements = 0;
    for (int n = 0; n < 500; n++) {
        uint8_t a[3 * 16], b[3 * 16], sa[3], sb[3];
        for (int i = 0; i < 3 * 16; i++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            a[i] = (uint8_t)(state >> 40);
            b[i] = (uint8_t)(state >> 48);
        }
        for (int j = 0; j < 3; j++) {
            sa[j] = (uint8_t)(120 + (state >> (8 * j)) % 16);
            sb[j] = (uint8_t)(120 + (state >> (8 * j + 4)) % 16);
        }
        int fa = n % 6, fb = (n / 6) % 6, rm = (n / 36) % 6, out = n % 3;
        uint32_t c = 0x3f800000u, d, want;
        uint8_t f, flags_acc = 0, fw;
        /* chained by hand */
        uint32_t acc = c;
        for (int j = 0; j < 3; j++) {
            mxref_dot(fa, fb, rm, 16, sa[j], a + 16 * j, sb[j], b + 16 * j, acc, j == 2 ? out : MXREF_OUT_FP32, MXREF_ACC_FUSED, 0, &acc, &fw);
            flags_acc |= fw;
        }
        if (mxref_dot_general(fa, fb, rm, 16, 3, sa, a, sb, b, c, out, MXREF_ACC_FUSED, 0, 1, &d, &f) != MXREF_OK || d != acc || f != flags_acc)
            disagreements++;
        /* one block, unchained */
        mxref_dot(fa, fb, rm, 16, sa[0], a, sb[0], b, c, out, MXREF_ACC_FUSED, 0, &want, &fw);
        if (mxref_dot_general(fa, fb, rm, 16, 1, sa, a, sb, b, c, out, MXREF_ACC_FUSED, 0, 0, &d, &f) != MXREF_OK || d != want || f != fw)
            disagreements++;
    }
    expect("dot_general agrees with chained and single mxref_dot calls on 500 random cases", disagreements, 0);
}

static void quantization(void)
{
    uint32_t values[32], fp32[32], lanes[8] = {0};
    uint8_t scales[2] = {0xee, 0xee}, codes[64], scale = 0xee;
    for (int i = 0; i < 32; i++) values[i] = 0x3f800000u; /* 1.0 */
    mxref_quant_policy policy = {MXREF_RNE, MXREF_SCALE_FLOOR, MXREF_SPECIALS_NAN_SCALE, 0, 0, 8, 0};

    expect("quantize: 32 x 1.0 to e4m3 status", mxref_quantize(MXREF_FMT_E4M3, 32, 32, values, NULL, NULL, scales, codes), MXREF_OK);
    expect("quantize: scale 2^(0 - emax 8) = 0x77", scales[0], 0x77);
    expect("quantize: element 256 = e4m3 0x78", codes[31], 0x78);
    expect("dequantize: back to 1.0", (mxref_dequantize(MXREF_FMT_E4M3, 32, 1, scales, codes, fp32), (long)fp32[7]), 0x3f800000L);
    expect("dpi_quantize32 agrees", (mxref_dpi_quantize32(MXREF_FMT_E4M3, MXREF_RNE, values, &scale, lanes), (long)(scale | (lanes[7] >> 24) << 8)), 0x7877L);
    expect("quantize: 33 values make 2 blocks, the second padded", (mxref_quantize(MXREF_FMT_E2M1, 32, 33, values, &policy, NULL, scales, codes), codes[63]), 0);

    scales[0] = 0xee;
    expect("quantize: fp32 NULL", mxref_quantize(0, 32, 32, NULL, NULL, NULL, scales, codes), MXREF_E_NULL);
    expect("quantize: scales NULL", mxref_quantize(0, 32, 32, values, NULL, NULL, NULL, codes), MXREF_E_NULL);
    expect("quantize: elements NULL", mxref_quantize(0, 32, 32, values, NULL, NULL, scales, NULL), MXREF_E_NULL);
    expect("quantize: fmt 6", mxref_quantize(6, 32, 32, values, NULL, NULL, scales, codes), MXREF_E_FORMAT);
    expect("quantize: k 0", mxref_quantize(0, 0, 32, values, NULL, NULL, scales, codes), MXREF_E_BLOCK_SIZE);
    expect("quantize: n 0", mxref_quantize(0, 32, 0, values, NULL, NULL, scales, codes), MXREF_E_BLOCK_SIZE);
    policy.rounding = 7;
    expect("quantize: policy rounding 7", mxref_quantize(0, 32, 32, values, &policy, NULL, scales, codes), MXREF_E_ROUNDING);
    policy.rounding = MXREF_RNE;
    policy.specials = 3;
    expect("quantize: policy specials 3", mxref_quantize(0, 32, 32, values, &policy, NULL, scales, codes), MXREF_E_ARGUMENT);
    policy.specials = 0;
    policy.rounding = MXREF_SR;
    policy.sr_width = 0;
    expect("quantize: sr width 0", mxref_quantize(0, 32, 32, values, &policy, NULL, scales, codes), MXREF_E_ARGUMENT);
    policy.sr_width = 4;
    uint32_t random[32] = {0};
    random[5] = 16;
    expect("quantize: sr random 16 with width 4", mxref_quantize(0, 32, 32, values, &policy, random, scales, codes), MXREF_E_ARGUMENT);
    expect("quantize: scales untouched by the errors", scales[0], 0xee);
    codes[3] = 0x40;
    expect("dequantize: e2m3 code 0x40 is 7 bits", mxref_dequantize(MXREF_FMT_E2M3, 32, 1, scales, codes, fp32), MXREF_E_CODE);
    expect("dequantize: blocks 0", mxref_dequantize(0, 32, 0, scales, codes, fp32), MXREF_E_BLOCK_SIZE);
    expect("dequantize: fp32 NULL", mxref_dequantize(0, 32, 1, scales, codes, NULL), MXREF_E_NULL);
    expect("dpi_quantize32: rm 8 (sr needs the full call)", mxref_dpi_quantize32(0, MXREF_SR, values, &scale, lanes), MXREF_E_ROUNDING);

    uint8_t micro[16] = {0};
    expect("quantize_bdr: 32 x 1.0 to mx9 status", mxref_quantize_bdr(MXREF_BDR_MX9, 32, values, NULL, NULL, scales, micro, codes), MXREF_OK);
    expect("quantize_bdr: mx9 shared exponent of 1.0 is 0x7f", scales[1], 0x7f);
    expect("quantize_bdr: mx9 1.0 is magnitude 64 (1.000000 in 1.6 fixed point)", codes[17], 0x40);
    expect("dequantize_bdr: back to 1.0", (mxref_dequantize_bdr(MXREF_BDR_MX9, 2, scales, micro, codes, fp32), (long)fp32[20]), 0x3f800000L);
    expect("quantize_bdr: format 3", mxref_quantize_bdr(3, 32, values, NULL, NULL, scales, micro, codes), MXREF_E_FORMAT);
    expect("quantize_bdr: n 0", mxref_quantize_bdr(0, 0, values, NULL, NULL, scales, micro, codes), MXREF_E_BLOCK_SIZE);
    expect("quantize_bdr: microexponents NULL", mxref_quantize_bdr(0, 32, values, NULL, NULL, scales, NULL, codes), MXREF_E_NULL);
    mxref_quant_policy ceil = {MXREF_RNE, MXREF_SCALE_CEIL, MXREF_SPECIALS_NAN_SCALE, 0, 0, 8, 0};
    expect("quantize_bdr: ceil rule", mxref_quantize_bdr(0, 32, values, &ceil, NULL, scales, micro, codes), MXREF_E_ARGUMENT);
    micro[0] = 2;
    expect("dequantize_bdr: microexponent 2 is 2 bits", mxref_dequantize_bdr(0, 1, scales, micro, codes, fp32), MXREF_E_CODE);
}

/* The DPI-C entry points read packed words as byte lanes: they must agree with mxref_dot on the same bytes, for every
 * k, output format and accumulation model. */
static void dpi_agrees_with_dot(void)
{
    uint64_t state = 12345;
    int disagreements = 0;
    for (int n = 0; n < 2000; n++) {
        uint32_t lanes_a[64], lanes_b[64];
        for (int w = 0; w < 64; w++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            lanes_a[w] = (uint32_t)(state >> 32);
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            lanes_b[w] = (uint32_t)(state >> 32);
        }
        int fa = n % 6, fb = (n / 6) % 6, rm = (n / 36) % 6, k = 1 + (int)(state % 256), out = n % 3, acc = (n / 3) % 3;
        int chunk = 1 + n % 9;
        uint32_t c = 0x3f800000u ^ (lanes_a[0] & 0x807fffffu);
        uint32_t d1 = 0, d2 = 1;
        uint8_t f1 = 0, f2 = 1;
        int s1 = mxref_dpi_dot(fa, fb, rm, k, 0x7f, lanes_a, 0x80, lanes_b, c, out, acc, chunk, &d1, &f1);
        int s2 = mxref_dot(fa, fb, rm, k, 0x7f, (const uint8_t *)lanes_a, 0x80, (const uint8_t *)lanes_b, c, out, acc, chunk, &d2, &f2);
        if (s1 != MXREF_OK || s2 != MXREF_OK || d1 != d2 || f1 != f2) disagreements++;
        if (k == 32 && out == MXREF_OUT_FP32 && acc == MXREF_ACC_FUSED) {
            s1 = mxref_dpi_dot32(fa, fb, rm, 0x7f, lanes_a, 0x80, lanes_b, c, &d1, &f1);
            if (s1 != MXREF_OK || d1 != d2 || f1 != f2) disagreements++;
        }
    }
    expect("dpi_dot / dpi_dot32 agree with dot on 2000 random blocks", disagreements, 0);
}

/* NVFP4 (NVIDIA: E2M1 elements, UE4M3 block scales, k = 16): E2M1 0x7 = 6, 0x1 = 0.5; UE4M3 0x38 = 1.0, 0x7E = 448,
 * 0x7F = NaN. */
static void nvfp4(void)
{
    uint8_t six[16], half[16], zero[16] = {0};
    for (int i = 0; i < 16; i++) { six[i] = 0x7; half[i] = 0x1; }
    uint32_t d = 0;
    uint8_t f = 0xee;
    expect("dot_nvfp4: 16 * 6 * 0.5 = 48", mxref_dot_nvfp4(MXREF_RNE, 0x38, six, 0x38, half, 0, &d, &f), MXREF_OK);
    expect("dot_nvfp4: 48 = 0x42400000", (long)d, 0x42400000L);
    zero[0] = 0x7;
    mxref_dot_nvfp4(MXREF_RNE, 0x7e, zero, 0x7e, zero, 0, &d, &f);
    expect("dot_nvfp4: 6 * 6 * 448 * 448 = 7225344", (long)d, 0x4adc8000L);
    mxref_dot_nvfp4(MXREF_RNE, 0x7f, six, 0x38, six, 0, &d, &f);
    expect("dot_nvfp4: a NaN scale gives NaN", (long)d, 0x7fc00000L);
    mxref_dot_nvfp4(MXREF_RNE, 0x00, six, 0x38, six, 0x3f800000u, &d, &f);
    expect("dot_nvfp4: a zero scale leaves C", (long)d, 0x3f800000L);
    d = 0xdeadbeefu;
    expect("dot_nvfp4: scale 0x80 is no UE4M3 code", mxref_dot_nvfp4(MXREF_RNE, 0x80, six, 0x38, six, 0, &d, &f), MXREF_E_CODE);
    expect("dot_nvfp4: d untouched", (long)d, 0xdeadbeefL);
    expect("dot_scaled: scale_fmt 2", mxref_dot_scaled(2, 4, 4, 0, 16, 0x38, six, 0x38, six, 0, 0, 0, 0, &d, &f), MXREF_E_FORMAT);
    uint32_t d1 = 0, d2 = 1;
    uint8_t f1 = 0, f2 = 1;
    mxref_dot_scaled(MXREF_SCALE_E8M0, 0, 0, MXREF_RNE, 32, 0x80, ones, 0x7d, twos, 0x3f800000u, 0, 0, 0, &d1, &f1);
    mxref_dot(0, 0, MXREF_RNE, 32, 0x80, ones, 0x7d, twos, 0x3f800000u, 0, 0, 0, &d2, &f2);
    expect("dot_scaled with E8M0 is dot", (long)(d1 ^ d2) | (f1 ^ f2), 0);
    /* epilogue: 3 * (2 * 0.5) = 3 */
    expect("tensor_scale_epilogue", mxref_tensor_scale_epilogue(0x40400000u, 0x40000000u, 0x3f000000u, MXREF_RNE, &d, &f), MXREF_OK);
    expect("tensor_scale_epilogue: 3 * (2 * 0.5) = 3", (long)d, 0x40400000L);
    expect("tensor_scale_epilogue: rm 6", mxref_tensor_scale_epilogue(0, 0, 0, 6, &d, &f), MXREF_E_ROUNDING);
}

static void decode(void)
{
    uint8_t codes[2] = {0x38, 0x40}; /* e4m3 1.0, 2.0 (OCP MX v1.0 Table 1) */
    uint32_t out[2] = {0, 0};
    uint8_t f = 0xee;
    expect("decode_block: 2^1 * [1, 2]", mxref_decode_block(MXREF_SCALE_E8M0, 0, MXREF_RNE, 2, 0x80, codes, MXREF_OUT_FP16, NULL, out, &f), MXREF_OK);
    expect("decode_block: fp16 2.0", (long)out[0], 0x4000L);
    expect("decode_block: fp16 4.0", (long)out[1], 0x4400L);
    expect("decode_block: exact, no flags", (long)f, 0L);
    codes[0] = 0x7e; /* 448 * 2^127 overflows fp16 */
    mxref_decode_block(MXREF_SCALE_E8M0, 0, MXREF_RNE, 1, 0xfe, codes, MXREF_OUT_FP16, "overflow=saturate", out, &f);
    expect("decode_block: saturate to 65504", (long)out[0], 0x7bffL);
    expect("decode_block: OF|NX", (long)f, 0x05L);
    expect("decode_block: a dot-only knob", mxref_decode_block(MXREF_SCALE_E8M0, 0, MXREF_RNE, 1, 0x7f, codes, MXREF_OUT_FP16, "zero-sign=positive", out, &f), MXREF_E_ARGUMENT);
    expect("decode_block: UE4M3 0x80", mxref_decode_block(MXREF_SCALE_UE4M3, 4, MXREF_RNE, 1, 0x80, codes, MXREF_OUT_FP32, NULL, out, &f), MXREF_E_CODE);
}

static void profiles(void)
{
    uint8_t negzero[1] = {0x80}, zero[1] = {0x00}; /* e4m3 -0 and +0 */
    uint32_t words[64] = {0}, d = 0xdeadbeefu, d2 = 0;
    uint8_t f = 0xee, f2 = 0;
    /* All products -0 and C = -0: IEEE 754 §6.3 gives -0; zero-sign=positive makes every exact zero +0. */
    expect("dot_profiled: NULL is the reference", mxref_dot_profiled(MXREF_SCALE_E8M0, 0, 0, MXREF_RNE, 1, 0x7f, negzero, 0x7f, zero, 0x80000000u, 0, 0, 0, NULL, &d, &f), MXREF_OK);
    expect("dot_profiled: -0 under IEEE", (long)d, 0x80000000L);
    expect("dot_profiled: zero-sign=positive", mxref_dot_profiled(MXREF_SCALE_E8M0, 0, 0, MXREF_RNE, 1, 0x7f, negzero, 0x7f, zero, 0x80000000u, 0, 0, 0, "zero-sign=positive", &d, &f), MXREF_OK);
    expect("dot_profiled: +0 under zero-sign=positive", (long)d, 0L);
    words[0] = 0x80;
    expect("dpi_dot_profiled agrees", mxref_dpi_dot_profiled(0, 0, MXREF_RNE, 1, 0x7f, words, 0x7f, words + 32, 0x80000000u, 0, 0, 0, "zero-sign=positive", &d2, &f2), MXREF_OK);
    expect("dpi_dot_profiled: +0", (long)(d2 ^ d) | (f2 ^ f), 0);
    d = 0xdeadbeefu;
    expect("dot_profiled: unknown knob", mxref_dot_profiled(MXREF_SCALE_E8M0, 0, 0, MXREF_RNE, 1, 0x7f, zero, 0x7f, zero, 0, 0, 0, 0, "tininess2=on-result", &d, &f), MXREF_E_PROFILE);
    expect("dot_profiled: d untouched", (long)d, 0xdeadbeefL);
    expect("dot_profiled: unknown value", mxref_dot_profiled(MXREF_SCALE_E8M0, 0, 0, MXREF_RNE, 1, 0x7f, zero, 0x7f, zero, 0, 0, 0, 0, "tininess=later", &d, &f), MXREF_E_PROFILE);
    expect("dot_profiled: a profile with fp32-sum", mxref_dot_profiled(MXREF_SCALE_E8M0, 0, 0, MXREF_RNE, 1, 0x7f, zero, 0x7f, zero, 0, 0, MXREF_ACC_FP32_SUM, 0, "overflow=saturate", &d, &f), MXREF_E_PROFILE);
    expect("dot_profiled: the default with fp32-sum", mxref_dot_profiled(MXREF_SCALE_E8M0, 0, 0, MXREF_RNE, 1, 0x7f, zero, 0x7f, zero, 0, 0, MXREF_ACC_FP32_SUM, 0, "default", &d, &f), MXREF_OK);
    expect("dot_profiled: the format is checked first", mxref_dot_profiled(MXREF_SCALE_E8M0, 7, 0, MXREF_RNE, 1, 0x7f, zero, 0x7f, zero, 0, 0, 0, 0, "bad", &d, &f), MXREF_E_FORMAT);
    expect("profile_check: valid", mxref_profile_check("zero-sign=positive, tininess=on-result"), MXREF_OK);
    expect("profile_check: NULL", mxref_profile_check(NULL), MXREF_OK);
    expect("profile_check: not name=value", mxref_profile_check("saturate"), MXREF_E_PROFILE);
    expect("profile_message: canonical order", strcmp(mxref_profile_message("zero-sign=positive, tininess=on-result"), "tininess=on-result,zero-sign=positive"), 0);
    expect("profile_message: names the knob", strstr(mxref_profile_message("tininess2=on-result"), "unknown profile knob 'tininess2'") != NULL, 1);
    expect("profile_message: lists the values", strstr(mxref_profile_message("overflow=clamp"), "valid: ieee, saturate") != NULL, 1);
    expect("error_string: MXREF_E_PROFILE", strstr(mxref_error_string(MXREF_E_PROFILE), "profile") != NULL, 1);
}

int main(void)
{
    for (int i = 0; i < 32; i++) {
        ones[i] = 0x38; /* e4m3 1.0 */
        twos[i] = 0x40; /* e4m3 2.0 */
    }
    known_results();
    bad_arguments();
    dpi_agrees_with_dot();
    dot_general_agrees_with_dot();
    quantization();
    nvfp4();
    decode();
    profiles();
    printf("abi_checks: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
