#!/usr/bin/env python3
"""`mxref dot` through libmxref (ctypes), under an implementation profile: reads `mxref dot` lines from standard input,

    FA FB RM SA A SB B C        (hex fields; A and B the k element codes packed, element 0 in the low bits)

and answers each with `D FLAGS` exactly as `mxref dot --profile PROFILE` does. A Python bench of an MX unit that has,
say, on-result tininess and a positive zero calls lib.dot(..., profile="tininess=on-result,zero-sign=positive") the
same way per transaction. A bad profile stops the script with the library's message (status E_PROFILE) and exit 2.

Usage: dot_lines.py [--lib out/cosim/libmxref.so] [-k K] [--out fp32|bf16|fp16] [--acc fused|chunked:N|fp32-sum]
                    [--profile name=value,...]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxref  # noqa: E402  (the binding sits next to this file)
from random_dot import OUTPUTS, accumulation  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", default=None)
    ap.add_argument("-k", "--block", type=int, default=32)
    ap.add_argument("--out", default="fp32", choices=sorted(OUTPUTS))
    ap.add_argument("--acc", type=accumulation, default=(mxref.ACC_FUSED, 0))
    ap.add_argument("--profile", default=None)
    args = ap.parse_args()
    lib = mxref.MxRef(args.lib)
    if args.profile is not None:
        try:
            lib.check_profile(args.profile)
        except mxref.MxRefError as e:
            print(f"dot_lines.py: {e}", file=sys.stderr)
            sys.exit(2)
    out_fmt = OUTPUTS[args.out]
    acc_model, chunk = args.acc
    digits = 8 if out_fmt == mxref.OUT_FP32 else 4
    answers = []
    for line in sys.stdin:
        line = line.strip()
        if not line or line.startswith("//"):
            continue
        fa, fb, rm, sa, a, sb, b, c = line.split()
        fa, fb = int(fa, 16), int(fb, 16)
        d, flags = lib.dot(fa, fb, int(rm, 16), int(sa, 16), mxref.unpack_lanes(a, fa, args.block), int(sb, 16), mxref.unpack_lanes(b, fb, args.block),
                           int(c, 16), out_fmt, acc_model, chunk, profile=args.profile)
        answers.append(f"{d:0{digits}x} {flags:02x}")
    sys.stdout.write("".join(a + "\n" for a in answers))


if __name__ == "__main__":
    main()
