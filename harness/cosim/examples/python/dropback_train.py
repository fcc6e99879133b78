#!/usr/bin/env python3
"""DropBack training of a small linear layer on libmxref through ctypes, with only the tracked weights stored.

The trainer (plain Python lists: NumPy is not needed) trains y = W x + b (W 16 x 64, Kaiming-uniform; b 16, uniform)
on a synthetic regression task for a few SGD steps with DropBack (docs/dropback.md): after each step only the k
weights with the largest accumulated update |W - W0| are kept, every other weight is forgotten and regenerated as
W0. The script checks, bit for bit:

  1. W0 from libmxref (mxref_regen) equals W0 from the pure-Python Philox4x32-10 + initializer below, written from
     docs/dropback.md: the definition is enough to rebuild the generator;
  2. the trainer's own DropBack step (FP32 arithmetic emulated with struct) equals mxref_dropback_step;
  3. after training, every weight the hardware unit produces (mxref_regen with the tracked store, and its MX blocks,
     mxref_regen_block) equals the weight the trainer used (and mxref_quantize of it).

Usage: dropback_train.py [--lib PATH] [--steps 8] [--k 128] [--freeze-after 5] [--store FILE] [--weights FILE]
  --store FILE    write the final tracked store in the `mxref dropback regen --tracked` format
  --weights FILE  write the trainer's final weights of layer 0 (FP32 bits, one per line)
Prints one line per step and `OK ...` at the end; exits 1 on any mismatch.
"""

import argparse
import ctypes
import math
import os
import random
import struct
import sys

SEED = 0x5EED_D80B
IN, OUT, BATCH = 64, 16, 32
WEIGHT_LAYER, BIAS_LAYER = 0, 1
INIT_UNIFORM, INIT_KAIMING_UNIFORM, INIT_GLOROT_UNIFORM, INIT_IRWIN_HALL = 0, 1, 2, 3
FMT_E4M3 = 0


# ---- FP32 in plain Python --------------------------------------------------------------------------------------------
# One binary64 operation on two FP32 values followed by a rounding to FP32 gives the correctly rounded FP32 result for
# + - * (binary64 has 53 >= 2*24 + 2 bits: double rounding is innocuous), so this is the trainer's FP32 arithmetic.
def f32(x):
    return struct.unpack("<f", struct.pack("<f", x))[0]


def bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def value(b):
    return struct.unpack("<f", struct.pack("<I", b))[0]


# ---- The generator, from docs/dropback.md ----------------------------------------------------------------------------
M0, M1, W0, W1 = 0xD2511F53, 0xCD9E8D57, 0x9E3779B9, 0xBB67AE85
MASK = 0xFFFFFFFF


def philox4x32_10(c, k):
    c0, c1, c2, c3 = c
    k0, k1 = k
    for r in range(10):
        if r:
            k0, k1 = (k0 + W0) & MASK, (k1 + W1) & MASK
        p0, p1 = M0 * c0, M1 * c2
        c0, c1, c2, c3 = ((p1 >> 32) ^ c1 ^ k0, p1 & MASK, (p0 >> 32) ^ c3 ^ k1, p0 & MASK)
    return c0, c1, c2, c3


def initial_weight(seed, layer, index, terms, a_bits):
    """W0 = RN_fp32(S * 2^-24 * a), S = sum of 2r+1-2^24 over the draws (exact in binary64: |S| a < 2^52)."""
    s = 0
    for t in range(terms):
        word = philox4x32_10((index >> 2, layer, t, 0), (seed & MASK, seed >> 32))[index & 3]
        s += 2 * (word >> 8) + 1 - (1 << 24)
    return bits(s * 2.0 ** -24 * value(a_bits))


# ---- libmxref ----------------------------------------------------------------------------------------------------------
class Tracked(ctypes.Structure):
    _fields_ = [("layer", ctypes.c_uint32), ("index", ctypes.c_uint32), ("value", ctypes.c_uint32)]


class Layer(ctypes.Structure):
    _fields_ = [("layer", ctypes.c_uint32), ("count", ctypes.c_uint32), ("init", ctypes.c_int), ("terms", ctypes.c_int),
                ("a", ctypes.c_uint32), ("is_bias", ctypes.c_int)]


def load(path):
    path = path or os.environ.get("MXREF_LIB") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..", "out", "cosim", "libmxref.so")
    lib = ctypes.CDLL(path)
    u32, u64, i32 = ctypes.c_uint32, ctypes.c_uint64, ctypes.c_int
    pu32, pu8, pt = ctypes.POINTER(u32), ctypes.POINTER(ctypes.c_uint8), ctypes.POINTER(Tracked)
    lib.mxref_regen.argtypes = [u64, u32, i32, i32, u32, u32, i32, pt, i32, pu32]
    lib.mxref_regen_block.argtypes = [u64, u32, i32, i32, u32, u32, i32, pt, i32, i32, pu8, pu8]
    lib.mxref_dropback_step.argtypes = [u64, ctypes.POINTER(Layer), i32, pu32, u32, i32, i32, pt, i32, pt, i32,
                                        ctypes.POINTER(i32)]
    lib.mxref_quantize.argtypes = [i32, i32, i32, pu32, ctypes.c_void_p, pu32, pu8, pu8]
    lib.mxref_error_string.restype = ctypes.c_char_p
    lib.mxref_error_string.argtypes = [i32]
    return lib


def check(lib, name, status):
    if status != 0:
        sys.exit(f"{name} failed: {status} ({lib.mxref_error_string(status).decode()})")


def as_store(entries):
    arr = (Tracked * max(1, len(entries)))()
    for i, (layer, index, v) in enumerate(entries):
        arr[i] = Tracked(layer, index, v)
    return arr


def regen(lib, layer, init, a, count, store):
    out = (ctypes.c_uint32 * count)()
    check(lib, "mxref_regen", lib.mxref_regen(SEED, layer, init, 1, a, 0, count, as_store(store), len(store), out))
    return list(out)


def check_errors(lib):
    """Bad arguments come back as status codes (mxref.h), never as a crash."""
    out = (ctypes.c_uint32 * 8)()
    unsorted = as_store([(0, 5, 0x3F800000), (0, 4, 0x3F800000)])
    duplicate = as_store([(0, 5, 0x3F800000), (0, 5, 0x3F000000)])
    cases = [
        ("unsorted store", lib.mxref_regen(1, 0, INIT_UNIFORM, 1, 0x3D800000, 0, 8, unsorted, 2, out), -8),
        ("duplicate store", lib.mxref_regen(1, 0, INIT_UNIFORM, 1, 0x3D800000, 0, 8, duplicate, 2, out), -8),
        ("a = 0", lib.mxref_regen(1, 0, INIT_UNIFORM, 1, 0, 0, 8, None, 0, out), -8),
        ("negative a", lib.mxref_regen(1, 0, INIT_UNIFORM, 1, 0xBD800000, 0, 8, None, 0, out), -8),
        ("unknown initializer", lib.mxref_regen(1, 0, 9, 1, 0x3D800000, 0, 8, None, 0, out), -8),
        ("irwin-hall n = 17", lib.mxref_regen(1, 0, INIT_IRWIN_HALL, 17, 0x3D800000, 0, 8, None, 0, out), -8),
        ("indices beyond 2^32", lib.mxref_regen(1, 0, INIT_UNIFORM, 1, 0x3D800000, 0xFFFFFFFC, 8, None, 0, out), -4),
        ("NULL output", lib.mxref_regen(1, 0, INIT_UNIFORM, 1, 0x3D800000, 0, 8, None, 0, None), -1),
    ]
    for name, got, want in cases:
        if got != want:
            sys.exit(f"{name}: status {got}, expected {want}")


# ---- The trainer --------------------------------------------------------------------------------------------------------
def dropback_step(w0, current, grads, lr, k, frozen, is_bias):
    """The DropBack step as a NumPy trainer writes it: W' = W - lr*g in FP32, keep the top k of |W' - W0|."""
    kept, candidates = [], []
    for layer in sorted(w0):
        for i, (w_init, w, g) in enumerate(zip(w0[layer], current[layer], grads[layer])):
            tracked = (layer, i) in frozen if frozen is not None else True
            if not is_bias[layer] and not tracked:
                continue
            nxt = bits(value(w) - f32(value(lr) * value(g)))
            if is_bias[layer] or frozen is not None:
                kept.append((layer, i, nxt))
            else:
                score = abs(f32(value(nxt) - value(w_init)))
                if score != 0:
                    candidates.append((-score, layer, i, nxt))
    candidates.sort()
    kept += [(layer, i, v) for _, layer, i, v in candidates[:k]]
    return sorted(kept)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lib", default=None)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--k", type=int, default=128)
    parser.add_argument("--freeze-after", type=int, default=5)
    parser.add_argument("--store", default=None)
    parser.add_argument("--weights", default=None)
    args = parser.parse_args()
    lib = load(args.lib)
    check_errors(lib)

    # Kaiming-uniform bound a = gain * sqrt(3 / fan_in), computed once in binary64 and rounded to FP32: the only
    # place a square root appears, outside the bit-exact unit (docs/dropback.md, "Initializers").
    a_weight = bits(1.0 * math.sqrt(3.0 / IN))
    a_bias = bits(1.0 / math.sqrt(IN))  # PyTorch's Linear bias bound 1/sqrt(fan_in): 0.125, exact
    layers = {WEIGHT_LAYER: (OUT * IN, INIT_KAIMING_UNIFORM, a_weight, False), BIAS_LAYER: (OUT, INIT_UNIFORM, a_bias, True)}
    is_bias = {l: spec[3] for l, spec in layers.items()}

    # 1. W0: libmxref against the pure-Python generator.
    w0 = {l: regen(lib, l, init, a, count, []) for l, (count, init, a, _) in layers.items()}
    for l, (count, init, a, _) in layers.items():
        for i in range(count):
            mine = initial_weight(SEED, l, i, 1, a)
            if mine != w0[l][i]:
                sys.exit(f"W0 mismatch: layer {l} index {i}: Python {mine:08x}, libmxref {w0[l][i]:08x}")

    # Synthetic data: a teacher that differs from W0 in a few weights only (the situation DropBack is built for), its
    # own bias, inputs uniform in [-1, 1).
    rng = random.Random(7)
    teacher = [[value(w0[WEIGHT_LAYER][o * IN + i]) for i in range(IN)] for o in range(OUT)]
    for _ in range(64):
        teacher[rng.randrange(OUT)][rng.randrange(IN)] += rng.choice((-1.0, 1.0))
    teacher_bias = [rng.uniform(-0.1, 0.1) for _ in range(OUT)]
    abi_layers = (Layer * 2)(*[Layer(l, count, init, 1, a, int(bias)) for l, (count, init, a, bias) in layers.items()])
    lr = bits(0.25)
    store, frozen = [], None
    for step in range(args.steps):
        # The weights the trainer uses this step: W0, overridden by the tracked store.
        current = {l: list(w0[l]) for l in layers}
        for layer, i, v in store:
            current[layer][i] = v
        xs = [[rng.uniform(-1, 1) for _ in range(IN)] for _ in range(BATCH)]
        W = [[value(current[WEIGHT_LAYER][o * IN + i]) for i in range(IN)] for o in range(OUT)]
        b = [value(v) for v in current[BIAS_LAYER]]
        gw, gb, loss = [0.0] * (OUT * IN), [0.0] * OUT, 0.0
        for x in xs:
            for o in range(OUT):
                err = sum((W[o][i] - teacher[o][i]) * x[i] for i in range(IN)) + b[o] - teacher_bias[o]
                loss += 0.5 * err * err / BATCH
                gb[o] += err / BATCH
                for i in range(IN):
                    gw[o * IN + i] += err * x[i] / BATCH
        grads = {WEIGHT_LAYER: [bits(g) for g in gw], BIAS_LAYER: [bits(g) for g in gb]}

        # 2. The trainer's step against mxref_dropback_step.
        is_frozen = step >= args.freeze_after
        if is_frozen and frozen is None:
            frozen = {(layer, i) for layer, i, _ in store if not is_bias[layer]}
        mine = dropback_step(w0, current, grads, lr, args.k, frozen if is_frozen else None, is_bias)
        flat = (ctypes.c_uint32 * (OUT * IN + OUT))(*(grads[WEIGHT_LAYER] + grads[BIAS_LAYER]))
        capacity = OUT + args.k
        out, n_out = (Tracked * capacity)(), ctypes.c_int()
        check(lib, "mxref_dropback_step", lib.mxref_dropback_step(
            SEED, abi_layers, 2, flat, lr, args.k, int(is_frozen), as_store(store), len(store), out, capacity, ctypes.byref(n_out)))
        theirs = [(out[i].layer, out[i].index, out[i].value) for i in range(n_out.value)]
        if mine != theirs:
            diff = next(i for i, (p, q) in enumerate(zip(mine + [None] * len(theirs), theirs + [None] * len(mine))) if p != q)
            sys.exit(f"step {step}: the trainer's store differs from mxref_dropback_step at entry {diff}: "
                     f"{(mine + [None])[diff]} vs {(theirs + [None])[diff]}")
        store = mine  # all the trainer keeps: the tracked weights (and the biases)
        weights = sum(1 for layer, _, _ in store if not is_bias[layer])
        print(f"step {step}: loss {loss:.6f}, tracked weights {weights}/{OUT * IN}{' (frozen)' if is_frozen else ''}")

    # 3. The hardware's view after training against the trainer's.
    final = {l: list(w0[l]) for l in layers}
    for layer, i, v in store:
        final[layer][i] = v
    for l, (count, init, a, _) in layers.items():
        hw = regen(lib, l, init, a, count, store)
        for i in range(count):
            if hw[i] != final[l][i]:
                sys.exit(f"layer {l} index {i}: hardware {hw[i]:08x}, trainer {final[l][i]:08x}")
    count, init, a, _ = layers[WEIGHT_LAYER]
    blocks = count // 32
    hw_scales, hw_codes = (ctypes.c_uint8 * blocks)(), (ctypes.c_uint8 * count)()
    check(lib, "mxref_regen_block", lib.mxref_regen_block(SEED, WEIGHT_LAYER, init, 1, a, 0, count, as_store(store), len(store),
                                                          FMT_E4M3, hw_scales, hw_codes))
    scales, codes = (ctypes.c_uint8 * blocks)(), (ctypes.c_uint8 * count)()
    check(lib, "mxref_quantize", lib.mxref_quantize(FMT_E4M3, 32, count, (ctypes.c_uint32 * count)(*final[WEIGHT_LAYER]),
                                                    None, None, scales, codes))
    if list(hw_scales) != list(scales) or list(hw_codes) != list(codes):
        sys.exit("the hardware's e4m3 blocks differ from the trainer's weights quantized")

    if args.store:
        with open(args.store, "w") as f:
            f.write("# layer index value (mxref dropback regen --tracked)\n")
            f.writelines(f"{layer} {i} {v:08x}\n" for layer, i, v in store)
    if args.weights:
        with open(args.weights, "w") as f:
            f.writelines(f"{v:08x}\n" for v in final[WEIGHT_LAYER])
    stored = len(store) * 12
    print(f"OK: {OUT * IN + OUT} parameters, {len(store)} stored ({stored} bytes as (layer, index, value) entries vs "
          f"{(OUT * IN + OUT) * 4} dense FP32); every regenerated weight and e4m3 block equals the trainer's "
          f"(seed 0x{SEED:x}, weight init kaiming-uniform:a=0x{a_weight:08x})")


if __name__ == "__main__":
    main()
