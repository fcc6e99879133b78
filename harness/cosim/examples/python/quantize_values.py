#!/usr/bin/env python3
"""`mxref quantize` for the OCP and MX9/MX6/MX4 formats, rebuilt on libmxref through ctypes: the shape of a quantizing stage in a
cocotb bench (FP32 activations in, E8M0 scales and element codes out, or the dequantized values).

Reads whitespace-separated FP32 bit patterns (0x3fc00000) from standard input and prints one line per block as
`mxref quantize` does: the scale code (2 hex digits) and the k element codes (ceil(bits/4) hex digits each) — for
MX9/MX6/MX4 the scale, the 8 microexponents and the 16 codes — or with --values the dequantized FP32 values. The tests give both the same input and require the same output.

Usage: quantize_values.py --elem e4m3|e5m2|e3m2|e2m3|e2m1|int8|mx9|mx6|mx4 [-k 32] [-r rne|rtz|rdn|rup|rna|rto|sr]
                          [--scale-rule floor|ceil] [--specials nan-scale|preserve|saturate] [--int8 symmetric|full]
                          [--flush-subnormal-inputs] [--sr-seed N] [--sr-width N] [--values] [--lib PATH]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxref  # noqa: E402  (the binding sits next to this file)

FORMATS = {"e4m3": mxref.E4M3, "e5m2": mxref.E5M2, "e3m2": mxref.E3M2, "e2m3": mxref.E2M3, "e2m1": mxref.E2M1,
           "int8": mxref.INT8}
SHARED_MICROEXPONENT = {"mx9": mxref.MX9, "mx6": mxref.MX6, "mx4": mxref.MX4}
ROUNDING = {"rne": mxref.RNE, "rtz": mxref.RTZ, "rdn": mxref.RDN, "rup": mxref.RUP, "rna": mxref.RNA, "rto": mxref.RTO,
            "sr": mxref.SR}
SPECIALS = {"nan-scale": mxref.SPECIALS_NAN_SCALE, "preserve": mxref.SPECIALS_PRESERVE,
            "saturate": mxref.SPECIALS_SATURATE}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elem", choices=sorted(FORMATS) + sorted(SHARED_MICROEXPONENT), required=True)
    parser.add_argument("-k", "--block", type=int, default=32)
    parser.add_argument("-r", "--rounding", choices=sorted(ROUNDING), default="rne")
    parser.add_argument("--scale-rule", choices=["floor", "ceil"], default="floor")
    parser.add_argument("--specials", choices=sorted(SPECIALS), default="nan-scale")
    parser.add_argument("--int8", choices=["symmetric", "full"], default="symmetric")
    parser.add_argument("--flush-subnormal-inputs", action="store_true")
    parser.add_argument("--sr-seed", type=int, default=0)
    parser.add_argument("--sr-width", type=int, default=8)
    parser.add_argument("--values", action="store_true", help="print the dequantized values instead of the codes")
    parser.add_argument("--lib", default=None, help="path of libmxref.so (default $MXREF_LIB or out/cosim/libmxref.so)")
    args = parser.parse_args()

    lib = mxref.MxRef(args.lib)
    fmt, k = FORMATS.get(args.elem), args.block
    policy = mxref.QuantPolicy(ROUNDING[args.rounding], mxref.SCALE_CEIL if args.scale_rule == "ceil" else mxref.SCALE_FLOOR,
                               SPECIALS[args.specials], args.int8 == "full", args.flush_subnormal_inputs,
                               args.sr_width, args.sr_seed)
    values = [int(token, 16) for token in sys.stdin.read().split()]
    if args.elem in SHARED_MICROEXPONENT:
        print_shared_microexponent(lib, SHARED_MICROEXPONENT[args.elem], values, policy, args.values)
        return
    scales, codes = lib.quantize(fmt, values, k, policy)
    out = []
    if args.values:
        fp32 = lib.dequantize(fmt, scales, codes, k)
        for j in range(len(scales)):
            out.append(" ".join(f"{v:08x}" for v in fp32[j * k:(j + 1) * k]))
    else:
        digits = (mxref.ELEMENT_BITS[fmt] + 3) // 4
        for j, scale in enumerate(scales):
            out.append(f"{scale:02x} " + " ".join(f"{c:0{digits}x}" for c in codes[j * k:(j + 1) * k]))
    sys.stdout.write("\n".join(out) + "\n")


def print_shared_microexponent(lib, fmt, values, policy, dequantized):
    """MX9/MX6/MX4 lines: scale, 8 microexponents (1 digit), 16 codes (2 digits), or the 16 values."""
    scales, micro, codes = lib.quantize_bdr(fmt, values, policy)
    block, sub = mxref.BDR_BLOCK, mxref.BDR_SUBBLOCKS
    out = []
    if dequantized:
        fp32 = lib.dequantize_bdr(fmt, scales, micro, codes)
        for j in range(len(scales)):
            out.append(" ".join(f"{v:08x}" for v in fp32[j * block:(j + 1) * block]))
    else:
        digits = (mxref.BDR_ELEMENT_BITS[fmt] + 3) // 4
        for j, scale in enumerate(scales):
            out.append(f"{scale:02x} " + " ".join(f"{m:x}" for m in micro[j * sub:(j + 1) * sub]) + " " +
                       " ".join(f"{c:0{digits}x}" for c in codes[j * block:(j + 1) * block]))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
