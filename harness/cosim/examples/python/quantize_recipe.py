#!/usr/bin/env python3
"""`mxref quantize --format F --recipe R` rebuilt on libmxref through ctypes (mxref.MxRef.quantize_recipe).

Reads whitespace-separated FP32 bit patterns (0x3fc00000) from standard input and prints what `mxref quantize
--format F --recipe R` prints for them: for a format with a per-tensor scale first `# tensor-scale XXXXXXXX`, then one
line per block — the scale code, the microexponents (if any), the element codes, in hex — or with --values the k
dequantized FP32 values of each block. With --numpy the values travel as a NumPy float32 array (skipped, exit 3, when
NumPy is not installed). The tests give both the same input and require the same output.

Usage: quantize_recipe.py --format BLOCKFORMAT [--recipe R] [--tensor-scale X] [--values] [--numpy] [--lib PATH]
"""

import argparse
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mxref  # noqa: E402  (the binding sits next to this file)

DEFAULT_RECIPE = {"nvfp4": "nvfp4-torchao"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-f", "--format", required=True)
    parser.add_argument("--recipe", default=None)
    parser.add_argument("--tensor-scale", default=None, help="FP32 bit pattern 0x... of the per-tensor scale")
    parser.add_argument("--values", action="store_true")
    parser.add_argument("--numpy", action="store_true")
    parser.add_argument("--lib", default=None)
    args = parser.parse_args()
    lib = mxref.MxRef(args.lib)
    recipe = args.recipe or DEFAULT_RECIPE.get(args.format, "ocp")
    bits = [int(token, 16) for token in sys.stdin.read().split()]
    k, sub, element_bits = lib.block_format_shape(args.format)
    ts_bits = int(args.tensor_scale, 16) if args.tensor_scale else None
    n = len(bits)
    if args.numpy:
        if mxref._np is None:
            sys.exit(3)
        np = mxref._np
        x = np.array(bits, dtype=np.uint32).view(np.float32)
        ts = None if ts_bits is None else struct.unpack("<f", struct.pack("<I", ts_bits))[0]
        q = lib.quantize_recipe(args.format, recipe, x, tensor_scale=ts)
        scales, micro, codes = (a.reshape(-1).tolist() for a in (q.scales, q.microexponents, q.elements))
        tensor_scale = struct.unpack("<I", struct.pack("<f", q.tensor_scale))[0]
        fp32 = lib.dequantize_recipe(args.format, recipe, q, n).view(np.uint32).tolist() if args.values else None
    else:
        q = lib.quantize_recipe(args.format, recipe, bits, tensor_scale=ts_bits)
        scales, micro, codes, tensor_scale = q
        fp32 = lib.dequantize_recipe(args.format, recipe, q, n) if args.values else None
    out = []
    if fp32 is not None:
        padded = fp32 + [0] * (len(scales) * k - n)
        out = [" ".join(f"{v:08x}" for v in padded[j * k:(j + 1) * k]) for j in range(len(scales))]
    else:
        if args.format.lower() == "nvfp4":
            out.append(f"# tensor-scale {tensor_scale:08x}")
        digits = (element_bits + 3) // 4
        for j, scale in enumerate(scales):
            line = [f"{scale:02x}"] + [f"{m:x}" for m in micro[j * sub:(j + 1) * sub]]
            line += [f"{c:0{digits}x}" for c in codes[j * k:(j + 1) * k]]
            out.append(" ".join(line))
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
