#!/usr/bin/env python3
"""The shape of a cocotb scoreboard, without a simulator: make random MX transactions on the fly, ask the golden
model (libmxref through ctypes) for each expected result, and — here — print them, one line per transaction, in the
`mxref dot` layout with the answer appended:

    FA FB RM SA A SB B C D FLAGS

In a cocotb bench the same two calls sit in the driver and the monitor:

    expected = lib.dot(fmt_a, fmt_b, rm, scale_a, a_codes, scale_b, b_codes, c)   # when the transaction is driven
    assert (dut.d.value, dut.flags.value) == expected                             # when the result comes out

The tests feed the first eight fields to `mxref dot` and require the same D and FLAGS.

Usage: random_dot.py [--lib out/cosim/libmxref.so] [--count N] [--seed S] [-k K] [--out fp32|bf16|fp16]
                     [--acc fused|chunked:N|fp32-sum]
"""

import argparse
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxref  # noqa: E402  (the binding sits next to this file)

OUTPUTS = {"fp32": mxref.OUT_FP32, "bf16": mxref.OUT_BF16, "fp16": mxref.OUT_FP16}


def accumulation(text):
    if text == "fused":
        return mxref.ACC_FUSED, 0
    if text == "fp32-sum":
        return mxref.ACC_FP32_SUM, 0
    if text.startswith("chunked:"):
        return mxref.ACC_CHUNKED, int(text[8:])
    raise argparse.ArgumentTypeError(f"unknown accumulation model {text!r}")


def random_fp32(rng):
    """An FP32 accumulator: mostly near 1.0, sometimes zero, Inf, NaN or a subnormal."""
    sign = rng.getrandbits(1) << 31
    kind = rng.randrange(16)
    if kind == 0:
        return sign
    if kind == 1:
        return sign | 0x7F800000
    if kind == 2:
        return sign | 0x7FC00000 | rng.getrandbits(22)
    if kind == 3:
        return sign | rng.getrandbits(23)
    return sign | (rng.randrange(112, 142) << 23) | rng.getrandbits(23)


def random_transaction(rng, k):
    fmt_a, fmt_b = rng.randrange(6), rng.randrange(6)
    scale = lambda: 0xFF if rng.randrange(32) == 0 else rng.randrange(107, 148)  # noqa: E731
    a = [rng.getrandbits(mxref.ELEMENT_BITS[fmt_a]) for _ in range(k)]
    b = [rng.getrandbits(mxref.ELEMENT_BITS[fmt_b]) for _ in range(k)]
    return fmt_a, fmt_b, rng.randrange(6), scale(), a, scale(), b, random_fp32(rng)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", default=None, help="path of libmxref.so (default $MXREF_LIB or out/cosim/libmxref.so)")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("-k", "--block", type=int, default=32)
    parser.add_argument("--out", choices=sorted(OUTPUTS), default="fp32")
    parser.add_argument("--acc", type=accumulation, default=(mxref.ACC_FUSED, 0))
    args = parser.parse_args()

    lib = mxref.MxRef(args.lib)
    rng = random.Random(args.seed)
    out_fmt = OUTPUTS[args.out]
    acc_model, chunk = args.acc
    digits = 8 if out_fmt == mxref.OUT_FP32 else 4
    lines = []
    for _ in range(args.count):
        fa, fb, rm, sa, a, sb, b, c = random_transaction(rng, args.block)
        d, flags = lib.dot(fa, fb, rm, sa, a, sb, b, c, out_fmt, acc_model, chunk)
        lines.append(f"{fa:x} {fb:x} {rm:x} {sa:02x} {mxref.pack_lanes(a, fa)} {sb:02x} {mxref.pack_lanes(b, fb)} "
                     f"{c:08x} {d:0{digits}x} {flags:02x}")

    # The element codec, the other half of a quantizing bench: every e2m1 code decodes and re-encodes to itself
    # (the NaN-free formats round-trip exactly); a bad argument is an exception, not a crash.
    for code in range(16):
        assert lib.encode(mxref.E2M1, lib.decode(mxref.E2M1, code))[0] == code, code
    try:
        lib.dot(9, 0, 0, 0x7F, [0] * 4, 0x7F, [0] * 4, 0)
        raise AssertionError("format code 9 was accepted")
    except mxref.MxRefError as e:
        assert e.status == -2, e

    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
