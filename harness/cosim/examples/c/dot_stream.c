/*
 * dot_stream: `mxref dot` rebuilt on libmxref — a C program that links the golden model and answers dot-product
 * lines. It shows the whole C ABI path a C/C++ testbench takes (unpack lanes, call mxref_dot, check the status),
 * and the tests run it on the same input as `mxref dot` and require identical output.
 *
 * Usage: dot_stream [-k K] [--out fp32|bf16|fp16] [--acc fused|chunked:N|fp32-sum] [--profile name=value,...] < lines
 * With --profile every line goes through mxref_dot_profiled (the same profile text as `mxref dot --profile`).
 * Input lines (as `mxref dot`): FA FB RM SA A SB B C — hex fields; A and B are the k element codes packed into one
 * hex number, element i in bits [i*w, i*w+w) for a w-bit format, exactly ceil(k*w/4) digits. Blank lines and lines
 * starting with // are skipped. Output: "D FLAGS" per line (D 8 hex digits for fp32, 4 for bf16/fp16).
 * A malformed line stops the program with exit status 2, as `mxref dot` does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mxref.h"

#define MAX_K 4096
#define MAX_LINE (2 * (MAX_K * 2) + 64)

static const int element_bits[] = {8, 8, 6, 6, 4, 8}; /* e4m3 e5m2 e3m2 e2m3 e2m1 int8 */

static void fail(long line, const char *what)
{
    fprintf(stderr, "dot_stream: line %ld: %s\n", line, what);
    exit(2);
}

static int hex_digit(char ch)
{
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* A hex field of exactly `digits` digits (at most 8). */
static uint32_t hex_field(const char *tok, int digits, long line, const char *name)
{
    if (tok == NULL || (int)strlen(tok) != digits) fail(line, name);
    uint32_t v = 0;
    for (int i = 0; i < digits; i++) {
        int d = hex_digit(tok[i]);
        if (d < 0) fail(line, name);
        v = v << 4 | (uint32_t)d;
    }
    return v;
}

/* Packed w-bit elements (least significant digit last) into one code per byte. */
static void unpack(const char *tok, int fmt, int k, uint8_t *codes, long line, const char *name)
{
    int w = element_bits[fmt], digits = (k * w + 3) / 4;
    if (tok == NULL || (int)strlen(tok) != digits) fail(line, name);
    uint32_t buffer = 0, mask = (1u << w) - 1;
    int bits = 0, element = 0;
    for (int i = digits - 1; i >= 0; i--) {
        int d = hex_digit(tok[i]);
        if (d < 0) fail(line, name);
        buffer |= (uint32_t)d << bits;
        bits += 4;
        while (bits >= w && element < k) {
            codes[element++] = (uint8_t)(buffer & mask);
            buffer >>= w;
            bits -= w;
        }
    }
    if (buffer != 0) fail(line, name); /* bits above element k-1 */
}

static int parse_options(int argc, char **argv, int *k, int *out_fmt, int *acc, int *chunk, const char **profile)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
        if ((strcmp(arg, "-k") == 0 || strcmp(arg, "--block") == 0) && value) {
            *k = atoi(value);
        } else if (strcmp(arg, "--out") == 0 && value) {
            if (strcmp(value, "fp32") == 0) *out_fmt = MXREF_OUT_FP32;
            else if (strcmp(value, "bf16") == 0) *out_fmt = MXREF_OUT_BF16;
            else if (strcmp(value, "fp16") == 0) *out_fmt = MXREF_OUT_FP16;
            else return -1;
        } else if (strcmp(arg, "--acc") == 0 && value) {
            if (strcmp(value, "fused") == 0) *acc = MXREF_ACC_FUSED;
            else if (strcmp(value, "fp32-sum") == 0) *acc = MXREF_ACC_FP32_SUM;
            else if (strncmp(value, "chunked:", 8) == 0) { *acc = MXREF_ACC_CHUNKED; *chunk = atoi(value + 8); }
            else return -1;
        } else if (strcmp(arg, "--profile") == 0 && value) {
            *profile = value;
        } else {
            return -1;
        }
        i++;
    }
    return *k >= 1 && *k <= MAX_K ? 0 : -1;
}

int main(int argc, char **argv)
{
    int k = 32, out_fmt = MXREF_OUT_FP32, acc = MXREF_ACC_FUSED, chunk = 0;
    const char *profile = NULL;
    if (parse_options(argc, argv, &k, &out_fmt, &acc, &chunk, &profile) != 0) {
        fprintf(stderr, "usage: dot_stream [-k K] [--out fp32|bf16|fp16] [--acc fused|chunked:N|fp32-sum] [--profile name=value,...] < lines\n");
        return 2;
    }
    if (profile != NULL && mxref_profile_check(profile) != MXREF_OK) {
        fprintf(stderr, "dot_stream: --profile %s: %s\n", profile, mxref_profile_message(profile));
        return 2;
    }
    static char text[MAX_LINE];
    static uint8_t a[MAX_K], b[MAX_K];
    const int d_digits = out_fmt == MXREF_OUT_FP32 ? 8 : 4;
    long line = 0;
    while (fgets(text, sizeof text, stdin)) {
        line++;
        char *p = text;
        while (*p == ' ' || *p == '\t') p++;
        if (*p == '\n' || *p == '\r' || *p == '\0' || strncmp(p, "//", 2) == 0) continue;
        const char *field[8];
        int n = 0;
        for (char *tok = strtok(p, " \t\r\n"); tok != NULL; tok = strtok(NULL, " \t\r\n")) {
            if (n == 8) fail(line, "more than 8 fields");
            field[n++] = tok;
        }
        if (n != 8) fail(line, "expected 8 fields: FA FB RM SA A SB B C");
        int fa = (int)hex_field(field[0], 1, line, "FA"), fb = (int)hex_field(field[1], 1, line, "FB");
        if (fa > 5 || fb > 5) fail(line, "FA/FB must be a format code 0..5");
        int rm = (int)hex_field(field[2], 1, line, "RM");
        uint8_t sa = (uint8_t)hex_field(field[3], 2, line, "SA");
        unpack(field[4], fa, k, a, line, "A");
        uint8_t sb = (uint8_t)hex_field(field[5], 2, line, "SB");
        unpack(field[6], fb, k, b, line, "B");
        uint32_t c = hex_field(field[7], 8, line, "C"), d;
        uint8_t flags;
        int status = profile == NULL
            ? mxref_dot(fa, fb, rm, k, sa, a, sb, b, c, out_fmt, acc, chunk, &d, &flags)
            : mxref_dot_profiled(MXREF_SCALE_E8M0, fa, fb, rm, k, sa, a, sb, b, c, out_fmt, acc, chunk, profile, &d, &flags);
        if (status == MXREF_E_PROFILE) fail(line, mxref_profile_message(profile));
        if (status != MXREF_OK) fail(line, mxref_error_string(status));
        printf("%0*x %02x\n", d_digits, d, flags);
    }
    return 0;
}
