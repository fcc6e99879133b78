/*
 * bench_dot: the cost of one call to the golden model's 32-element fused dot product, as a co-simulation bench pays
 * it (docs/PERFORMANCE.md, "Co-simulation"). Calls mxref_dpi_dot32 — the DPI-C entry point a SystemVerilog
 * scoreboard uses — and mxref_dot on a pool of random blocks (random formats, modes, codes and scales, so every
 * table and path the RTL stimulus reaches is exercised), and prints calls per second for each.
 *
 * Usage: bench_dot [seconds per measurement, default 2]
 */
#define _POSIX_C_SOURCE 199309L /* clock_gettime under -std=c11 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "mxref.h"

#define POOL 4096 /* distinct transactions, cycled: large enough to defeat branch prediction, small enough for L2 */

typedef struct {
    int fmt_a, fmt_b, rm;
    uint8_t scale_a, scale_b;
    uint32_t a[8], b[8]; /* 32 byte lanes, as DPI-C passes bit [255:0] */
    uint32_t c;
} transaction;

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t next_random(void) /* xorshift64*: deterministic, no libc state */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static double seconds_on(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void fill(transaction *pool)
{
    for (int i = 0; i < POOL; i++) {
        transaction *t = &pool[i];
        t->fmt_a = (int)(next_random() % 6);
        t->fmt_b = (int)(next_random() % 6);
        t->rm = (int)(next_random() % 6);
        t->scale_a = (uint8_t)(112 + next_random() % 32);
        t->scale_b = (uint8_t)(112 + next_random() % 32);
        for (int w = 0; w < 8; w++) {
            t->a[w] = (uint32_t)next_random();
            t->b[w] = (uint32_t)next_random();
        }
        /* A finite FP32 accumulator of moderate magnitude. */
        t->c = ((uint32_t)next_random() & 0x807FFFFFu) | ((uint32_t)(100 + next_random() % 50) << 23);
    }
}

typedef int (*call_fn)(const transaction *t, uint32_t *d, uint8_t *flags);

static int call_dpi(const transaction *t, uint32_t *d, uint8_t *flags)
{
    return mxref_dpi_dot32(t->fmt_a, t->fmt_b, t->rm, t->scale_a, t->a, t->scale_b, t->b, t->c, d, flags);
}

static int call_plain(const transaction *t, uint32_t *d, uint8_t *flags)
{
    return mxref_dot(t->fmt_a, t->fmt_b, t->rm, 32, t->scale_a, (const uint8_t *)t->a, t->scale_b,
                     (const uint8_t *)t->b, t->c, MXREF_OUT_FP32, MXREF_ACC_FUSED, 0, d, flags);
}

/*
 * Calls per second over about `seconds` of wall time, and per second of this thread's CPU time: on a shared machine
 * the CPU-time figure is the cost of a call, the wall-time one what this run happened to get. The checksum of the
 * results keeps the calls from being optimised away.
 */
static double measure(const char *name, call_fn fn, const transaction *pool, double seconds)
{
    uint32_t d, sink = 0;
    uint8_t flags;
    long calls = 0;
    double start = seconds_on(CLOCK_MONOTONIC), cpu_start = seconds_on(CLOCK_THREAD_CPUTIME_ID), elapsed;
    do {
        for (int i = 0; i < POOL; i++) {
            if (fn(&pool[i], &d, &flags) != MXREF_OK) {
                fprintf(stderr, "bench_dot: %s failed on transaction %d\n", name, i);
                exit(1);
            }
            sink = (sink << 5 | sink >> 27) + (d ^ flags);
        }
        calls += POOL;
        elapsed = seconds_on(CLOCK_MONOTONIC) - start;
    } while (elapsed < seconds);
    double cpu = seconds_on(CLOCK_THREAD_CPUTIME_ID) - cpu_start;
    double rate = (double)calls / cpu;
    printf("%-18s %6.2f M calls/s per CPU second (%6.1f ns/call); %6.2f M calls/s wall; %ld calls, checksum %08x\n",
           name, rate / 1e6, 1e9 / rate, (double)calls / elapsed / 1e6, calls, sink);
    return rate;
}

/* Where the time of a call goes: fixed operands, so only the work that depends on k and the entry point differs. */
static const uint8_t fixed_a[32] = {0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x38,
                                    0x39, 0x3a, 0x3b, 0x3c, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x38, 0x39, 0x3a, 0x3b, 0x3c, 0x38, 0x39};
static int fixed_k;

static int call_fixed(const transaction *t, uint32_t *d, uint8_t *flags)
{
    return mxref_dot(MXREF_FMT_E4M3, MXREF_FMT_E4M3, MXREF_RNE, fixed_k, 0x7f, fixed_a, 0x7f, fixed_a, t->c,
                     MXREF_OUT_FP32, MXREF_ACC_FUSED, 0, d, flags);
}

static int call_rejected(const transaction *t, uint32_t *d, uint8_t *flags)
{
    (void)t;
    return mxref_dot(MXREF_FMT_E4M3, MXREF_FMT_E4M3, MXREF_RNE, 0, 0x7f, fixed_a, 0x7f, fixed_a, 0, 0, 0, 0, d, flags)
        == MXREF_E_BLOCK_SIZE ? MXREF_OK : -1;
}

static int call_encode(const transaction *t, uint32_t *d, uint8_t *flags)
{
    return mxref_encode(t->fmt_a, t->c, t->rm, 1, d, flags);
}

static int call_decode(const transaction *t, uint32_t *d, uint8_t *flags)
{
    *flags = 0;
    return mxref_decode(t->fmt_a, t->a[0] & 0xf, d);
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 2.0;
    if (mxref_version() / 10000 != MXREF_VERSION / 10000) {
        fprintf(stderr, "bench_dot: libmxref %s does not match mxref.h %d\n", mxref_version_string(), MXREF_VERSION);
        return 2;
    }
    static transaction pool[POOL];
    fill(pool);
    printf("%s, k = 32, fused, fp32 out, %d distinct random blocks\n", mxref_version_string(), POOL);
    measure("warm-up", call_dpi, pool, 0.2);
    measure("mxref_dpi_dot32", call_dpi, pool, seconds);
    measure("mxref_dot", call_plain, pool, seconds);
    printf("where the time goes (one fixed block of finite e4m3 values, C varying):\n");
    measure("rejected (k = 0)", call_rejected, pool, seconds / 4);
    const int ks[] = {1, 8, 32};
    for (int i = 0; i < 3; i++) {
        char name[32];
        fixed_k = ks[i];
        snprintf(name, sizeof name, "mxref_dot k = %d", ks[i]);
        measure(name, call_fixed, pool, seconds / 4);
    }
    measure("mxref_encode", call_encode, pool, seconds / 4);
    measure("mxref_decode", call_decode, pool, seconds / 4);
    return 0;
}
