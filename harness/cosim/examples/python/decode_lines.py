#!/usr/bin/env python3
"""The decode unit through libmxref (ctypes): reads `mxref decode` lines from standard input,

    F RM S A        (hex: element format code, rounding-mode code, scale code, the k codes packed, element 0 last)

and answers each with `D FLAGS` exactly as `mxref decode` does (D: the k output codes packed the same way). A Python
bench of a decoder RTL calls lib.decode_block(fmt, scale, codes, out_fmt, rm) the same way per transaction.

Usage: decode_lines.py [--lib out/cosim/libmxref.so] [-k K] [--out fp32|bf16|fp16] [--profile name=value,...]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxref  # noqa: E402  (the binding sits next to this file)

OUTPUTS = {"fp32": (mxref.OUT_FP32, 8), "bf16": (mxref.OUT_BF16, 4), "fp16": (mxref.OUT_FP16, 4)}
WIDTHS = [8, 8, 6, 6, 4, 8]  # bits per element code: e4m3 e5m2 e3m2 e2m3 e2m1 int8


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", default=None)
    ap.add_argument("-k", type=int, default=32)
    ap.add_argument("--out", default="fp32", choices=OUTPUTS)
    ap.add_argument("--profile", default=None)
    args = ap.parse_args()
    lib = mxref.MxRef(args.lib)
    out_fmt, digits = OUTPUTS[args.out]
    for line in sys.stdin:
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        f, rm, s, packed = line.split()
        fmt, w = int(f, 16), WIDTHS[int(f, 16)]
        bits = int(packed, 16)
        codes = [(bits >> (i * w)) & ((1 << w) - 1) for i in range(args.k)]
        results, flags = lib.decode_block(fmt, int(s, 16), codes, out_fmt, int(rm, 16), profile=args.profile)
        print("".join(f"{r:0{digits}x}" for r in reversed(results)) + f" {flags:02x}")


if __name__ == "__main__":
    main()
