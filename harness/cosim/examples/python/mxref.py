"""ctypes binding of libmxref, the MxRef golden model (the C ABI is documented in harness/cosim/include/mxref.h).

This is the piece a cocotb testbench imports: no .NET, no subprocess, one C call per transaction.

    import mxref
    lib = mxref.MxRef("out/cosim/libmxref.so")
    d, flags = lib.dot(fmt_a=0, fmt_b=0, rm=0, scale_a=0x7F, a=[0x38] * 32, scale_b=0x7F, b=[0x40] * 32, c=0x3F800000)

Codes are rtl/mx_dot's: formats 0 e4m3, 1 e5m2, 2 e3m2, 3 e2m3, 4 e2m1, 5 int8 (6 e8m0 for encode/decode);
rounding 0 rne, 1 rtz, 2 rdn, 3 rup, 4 rna, 5 rto; outputs 0 fp32, 1 bf16, 2 fp16; accumulation 0 fused,
1 chunked (chunk = n), 2 fp32-sum; flags bit 0 NX, 1 UF, 2 OF, 4 NV. FP32 values travel as bit patterns (ints).
A non-zero status from the library raises MxRefError with the library's message.

Implementation profiles (docs/semantics.md): dot(..., profile="tininess=on-result,zero-sign=positive") computes what a
unit with those behaviours gives, exactly as `mxref dot --profile` does; a bad profile raises MxRefError with status
E_PROFILE and a message naming the bad knob or value and the valid ones.
"""

import ctypes
import os

try:  # NumPy is optional: with it, the *_recipe methods take and return arrays; without, lists of bit patterns.
    import numpy as _np
except ImportError:  # pragma: no cover - depends on the environment
    _np = None

VERSION = 10400  # MXREF_VERSION of the mxref.h this binding follows

E4M3, E5M2, E3M2, E2M3, E2M1, INT8, E8M0 = range(7)
RNE, RTZ, RDN, RUP, RNA, RTO = range(6)
SR = 8  # stochastic (encode_sr, quantize)
SCALE_FLOOR, SCALE_CEIL = range(2)
SPECIALS_NAN_SCALE, SPECIALS_PRESERVE, SPECIALS_SATURATE = range(3)
OUT_FP32, OUT_BF16, OUT_FP16 = range(3)
ACC_FUSED, ACC_CHUNKED, ACC_FP32_SUM = range(3)
FLAG_NX, FLAG_UF, FLAG_OF, FLAG_NV = 0x01, 0x02, 0x04, 0x10
SCALE_E8M0, SCALE_UE4M3 = range(2)
E_PROFILE = -11  # MXREF_E_PROFILE: a bad implementation profile

ELEMENT_BITS = (8, 8, 6, 6, 4, 8)  # code width of each element format
MX9, MX6, MX4 = range(3)  # shared-microexponent formats: blocks of 16, one microexponent per pair
BDR_BLOCK, BDR_SUBBLOCKS = 16, 8
BDR_ELEMENT_BITS = (8, 5, 3)  # sign + 7, 4, 2 magnitude bits

_int, _u8, _u32 = ctypes.c_int, ctypes.c_uint8, ctypes.c_uint32
_pu8, _pu32 = ctypes.POINTER(_u8), ctypes.POINTER(_u32)


class QuantPolicy(ctypes.Structure):
    """mxref_quant_policy: the quantizer's choices (None in quantize() means the OCP default)."""

    _fields_ = [("rounding", _int), ("scale_rule", _int), ("specials", _int), ("int8_full_range", _int),
                ("flush_subnormal_inputs", _int), ("sr_width", _int), ("sr_seed", ctypes.c_uint64)]

    def __init__(self, rounding=RNE, scale_rule=SCALE_FLOOR, specials=SPECIALS_NAN_SCALE, int8_full_range=False,
                 flush_subnormal_inputs=False, sr_width=8, sr_seed=0):
        super().__init__(rounding, scale_rule, specials, int(int8_full_range), int(flush_subnormal_inputs), sr_width, sr_seed)


class MxRefError(RuntimeError):
    """A call into libmxref returned an MXREF_E_* status."""

    def __init__(self, function, status, message):
        super().__init__(f"{function}: status {status}: {message}")
        self.status = status


class MxRef:
    """libmxref loaded with ctypes. Reusable buffers keep a call at a few microseconds of Python overhead."""

    def __init__(self, path=None):
        path = path or os.environ.get("MXREF_LIB", "out/cosim/libmxref.so")
        self._lib = lib = ctypes.CDLL(os.path.abspath(path))
        # Every signature is declared: ctypes would otherwise pass Python ints as C int and truncate uint32 values.
        lib.mxref_version.restype = _int
        lib.mxref_version.argtypes = []
        lib.mxref_version_string.restype = ctypes.c_char_p
        lib.mxref_version_string.argtypes = []
        lib.mxref_error_string.restype = ctypes.c_char_p
        lib.mxref_error_string.argtypes = [_int]
        lib.mxref_dot.restype = _int
        lib.mxref_dot.argtypes = [_int, _int, _int, _int, _u8, _pu8, _u8, _pu8, _u32, _int, _int, _int, _pu32, _pu8]
        lib.mxref_encode.restype = _int
        lib.mxref_encode.argtypes = [_int, _u32, _int, _int, _pu32, _pu8]
        lib.mxref_encode_sr.restype = _int
        lib.mxref_encode_sr.argtypes = [_int, _u32, _u32, _int, _int, _pu32, _pu8]
        lib.mxref_decode.restype = _int
        lib.mxref_decode.argtypes = [_int, _u32, _pu32]
        lib.mxref_quantize.restype = _int
        lib.mxref_quantize.argtypes = [_int, _int, _int, _pu32, ctypes.POINTER(QuantPolicy), _pu32, _pu8, _pu8]
        lib.mxref_dequantize.restype = _int
        lib.mxref_dequantize.argtypes = [_int, _int, _int, _pu8, _pu8, _pu32]
        lib.mxref_quantize_bdr.restype = _int
        lib.mxref_quantize_bdr.argtypes = [_int, _int, _pu32, ctypes.POINTER(QuantPolicy), _pu32, _pu8, _pu8, _pu8]
        lib.mxref_dequantize_bdr.restype = _int
        lib.mxref_dequantize_bdr.argtypes = [_int, _int, _pu8, _pu8, _pu8, _pu32]
        _str, _pint = ctypes.c_char_p, ctypes.POINTER(_int)
        lib.mxref_block_format_shape.restype = _int
        lib.mxref_block_format_shape.argtypes = [_str, _pint, _pint, _pint]
        lib.mxref_quantize_recipe.restype = _int
        lib.mxref_quantize_recipe.argtypes = [_str, _str, _int, _int, _pu32, _pu32, _pu8, _pu8, _pu8, _pu32]
        lib.mxref_dequantize_recipe.restype = _int
        lib.mxref_dequantize_recipe.argtypes = [_str, _str, _int, _int, _u32, _pu8, _pu8, _pu8, _pu32]
        lib.mxref_dot_profiled.restype = _int
        lib.mxref_dot_profiled.argtypes = [_int, _int, _int, _int, _int, _u8, _pu8, _u8, _pu8, _u32, _int, _int, _int, _str, _pu32, _pu8]
        lib.mxref_profile_check.restype = _int
        lib.mxref_profile_check.argtypes = [_str]
        lib.mxref_profile_message.restype = _str
        lib.mxref_profile_message.argtypes = [_str]
        lib.mxref_decode_block.restype = _int
        lib.mxref_decode_block.argtypes = [_int, _int, _int, _int, _u8, _pu8, _int, _str, _pu32, _pu8]
        if lib.mxref_version() // 10000 != VERSION // 10000:
            raise MxRefError("mxref_version", 0, f"library {self.version_string()} does not match this binding")
        self._d, self._flags = _u32(), _u8()

    def version_string(self):
        return self._lib.mxref_version_string().decode()

    def _check(self, function, status, profile=None):
        if status != 0:
            message = self._lib.mxref_error_string(status).decode()
            if status == E_PROFILE and profile is not None:
                message = f"profile {profile.decode()!r}: {self._lib.mxref_profile_message(profile).decode()}"
            raise MxRefError(function, status, message)

    def dot(self, fmt_a, fmt_b, rm, scale_a, a, scale_b, b, c, out_fmt=OUT_FP32, acc_model=ACC_FUSED, chunk=0,
            profile=None, scale_fmt=SCALE_E8M0):
        """One block: a, b are sequences of k element codes (or bytes). Returns (d, flags).

        profile: None for the reference, else "name=value,..." as `mxref dot --profile` takes it (mxref_dot_profiled).
        scale_fmt: SCALE_E8M0 (OCP MX) or SCALE_UE4M3 (NVFP4's block scale)."""
        k = len(a)
        if len(b) != k:
            raise ValueError(f"a has {k} elements, b has {len(b)}")
        buf_a, buf_b = (_u8 * k).from_buffer_copy(bytes(a)), (_u8 * k).from_buffer_copy(bytes(b))
        if profile is None and scale_fmt == SCALE_E8M0:
            self._check("mxref_dot", self._lib.mxref_dot(fmt_a, fmt_b, rm, k, scale_a, buf_a, scale_b, buf_b, c,
                                                         out_fmt, acc_model, chunk, self._d, self._flags))
        else:
            text = profile.encode() if profile is not None else None
            self._check("mxref_dot_profiled", self._lib.mxref_dot_profiled(
                scale_fmt, fmt_a, fmt_b, rm, k, scale_a, buf_a, scale_b, buf_b, c, out_fmt, acc_model, chunk, text,
                self._d, self._flags), profile=text)
        return self._d.value, self._flags.value

    def profile_message(self, profile):
        """The canonical text of a valid profile ("tininess=on-result,zero-sign=positive"), else what is wrong with it."""
        return self._lib.mxref_profile_message(profile.encode()).decode()

    def check_profile(self, profile):
        """Raises MxRefError (status E_PROFILE, the parser's message) unless the profile is valid; returns its canonical text."""
        text = profile.encode()
        self._check("mxref_profile_check", self._lib.mxref_profile_check(text), profile=text)
        return self.profile_message(profile)

    def encode(self, fmt, fp32, rm=RNE, saturate=True):
        """FP32 bits -> (element code, flags)."""
        code = _u32()
        self._check("mxref_encode", self._lib.mxref_encode(fmt, fp32, rm, int(saturate), code, self._flags))
        return code.value, self._flags.value

    def encode_sr(self, fmt, fp32, random, width=8, saturate=True):
        """FP32 bits -> (element code, flags) with stochastic rounding on the given random bits."""
        code = _u32()
        self._check("mxref_encode_sr", self._lib.mxref_encode_sr(fmt, fp32, random, width, int(saturate), code, self._flags))
        return code.value, self._flags.value

    def decode(self, fmt, code):
        """Element code -> FP32 bits (exact)."""
        fp32 = _u32()
        self._check("mxref_decode", self._lib.mxref_decode(fmt, code, fp32))
        return fp32.value

    def decode_block(self, fmt, scale, codes, out_fmt=OUT_FP32, rm=RNE, scale_fmt=0, profile=None):
        """The decode unit: k element codes sharing one scale -> ([k output codes], flags), each X*P_i rounded once."""
        k = len(codes)
        buf = (_u8 * k).from_buffer_copy(bytes(codes))
        out = (_u32 * k)()
        self._check("mxref_decode_block", self._lib.mxref_decode_block(
            scale_fmt, fmt, rm, k, scale, buf, out_fmt, profile.encode() if profile else None, out, self._flags))
        return list(out), self._flags.value

    def quantize(self, fmt, values, k=32, policy=None, random=None):
        """FP32 bit patterns -> (scales, element codes): one scale per block of k, k codes per block (padded)."""
        n = len(values)
        blocks = (n + k - 1) // k
        scales, elements = (_u8 * blocks)(), (_u8 * (blocks * k))()
        rnd = (_u32 * n)(*random) if random is not None else None
        self._check("mxref_quantize", self._lib.mxref_quantize(fmt, k, n, (_u32 * n)(*values), policy, rnd, scales, elements))
        return list(scales), list(elements)

    def dequantize(self, fmt, scales, elements, k=32):
        """Scales and codes (len(scales) * k of them) -> FP32 bit patterns."""
        blocks = len(scales)
        if len(elements) != blocks * k:
            raise ValueError(f"{blocks} blocks of {k} need {blocks * k} element codes, got {len(elements)}")
        out = (_u32 * (blocks * k))()
        self._check("mxref_dequantize", self._lib.mxref_dequantize(fmt, k, blocks, (_u8 * blocks)(*scales),
                                                                   (_u8 * (blocks * k))(*elements), out))
        return list(out)

    def quantize_bdr(self, fmt, values, policy=None, random=None):
        """FP32 bit patterns -> (scales, microexponents, element codes) of MX9/MX6/MX4 (blocks of 16)."""
        n = len(values)
        blocks = (n + BDR_BLOCK - 1) // BDR_BLOCK
        scales, micro = (_u8 * blocks)(), (_u8 * (blocks * BDR_SUBBLOCKS))()
        elements = (_u8 * (blocks * BDR_BLOCK))()
        rnd = (_u32 * n)(*random) if random is not None else None
        self._check("mxref_quantize_bdr", self._lib.mxref_quantize_bdr(fmt, n, (_u32 * n)(*values), policy, rnd,
                                                                       scales, micro, elements))
        return list(scales), list(micro), list(elements)

    def dequantize_bdr(self, fmt, scales, microexponents, elements):
        """MX9/MX6/MX4 blocks -> FP32 bit patterns (16 per block)."""
        blocks = len(scales)
        out = (_u32 * (blocks * BDR_BLOCK))()
        self._check("mxref_dequantize_bdr", self._lib.mxref_dequantize_bdr(
            fmt, blocks, (_u8 * blocks)(*scales), (_u8 * len(microexponents))(*microexponents),
            (_u8 * len(elements))(*elements), out))
        return list(out)

    def block_format_shape(self, block_format):
        """(k, microexponents per block, element code bits) of a block format name (nvfp4, mxfp8-e4m3, e2m1/k16/ue4m3)."""
        k, sub, bits = _int(), _int(), _int()
        self._check("mxref_block_format_shape", self._lib.mxref_block_format_shape(
            block_format.encode(), ctypes.byref(k), ctypes.byref(sub), ctypes.byref(bits)))
        return k.value, sub.value, bits.value

    def quantize_recipe(self, block_format, recipe, values, row_length=None, tensor_scale=None):
        """Quantize by block format and recipe name (docs/quantization.md).

        values: a NumPy float32 (or bfloat16-as-uint16 / float64, converted exactly or rounded as numpy does) array of
        any shape, whose blocks run along the last axis, or a list of FP32 bit patterns (one row unless row_length).
        tensor_scale: the NVFP4 per-tensor FP32 scale as a float (arrays) or bit pattern (lists); None: computed.
        Returns QuantizedRecipe(scales, microexponents, elements, tensor_scale): with an array input, uint8 arrays of
        shapes (..., B), (..., B, k2 count) and (..., B, k) and the tensor scale as a float; with a list, lists and bits.
        """
        as_array = _np is not None and isinstance(values, _np.ndarray)
        if as_array:
            shape = values.shape if values.ndim else (1,)
            bits = _np.ascontiguousarray(values, dtype=_np.float32).reshape(-1).view(_np.uint32)
            row = row_length if row_length is not None else shape[-1]
            n = int(bits.size)
            data = bits.ctypes.data_as(_pu32)
            ts = None if tensor_scale is None else _np.array([tensor_scale], dtype=_np.float32).view(_np.uint32)[0]
        else:
            n, row = len(values), row_length or 0
            data = (_u32 * n)(*values)
            ts = tensor_scale
        k, sub, _ = self.block_format_shape(block_format)
        rows = n // row if row else 1
        per_row = ((row or n) + k - 1) // k
        blocks = rows * per_row
        scales, micro, elements = (_u8 * blocks)(), (_u8 * max(1, blocks * sub))(), (_u8 * (blocks * k))()
        ts_in = ctypes.byref(_u32(int(ts))) if ts is not None else None
        ts_out = _u32()
        self._check("mxref_quantize_recipe", self._lib.mxref_quantize_recipe(
            block_format.encode(), recipe.encode(), n, row, data, ts_in, scales, micro, elements, ctypes.byref(ts_out)))
        if not as_array:
            return QuantizedRecipe(list(scales), list(micro)[:blocks * sub], list(elements), ts_out.value)
        lead = tuple(shape[:-1]) if len(shape) >= 2 and row == shape[-1] else ()
        lead = lead if lead else ((rows,) if rows > 1 else ())
        s = _np.frombuffer(scales, dtype=_np.uint8).reshape(lead + (per_row,)).copy()
        m = _np.frombuffer(micro, dtype=_np.uint8)[:blocks * sub].reshape(lead + (per_row, sub)).copy()
        e = _np.frombuffer(elements, dtype=_np.uint8).reshape(lead + (per_row, k)).copy()
        scale = float(_np.array([ts_out.value], dtype=_np.uint32).view(_np.float32)[0])
        return QuantizedRecipe(s, m, e, scale)

    def dequantize_recipe(self, block_format, recipe, q, n, row_length=0, shape=None):
        """The FP32 values of a QuantizedRecipe: n values (padding dropped), as a float32 array of `shape` when the
        codes are arrays, else a list of bit patterns."""
        as_array = _np is not None and isinstance(q.elements, _np.ndarray)
        out = (_u32 * n)()
        if as_array:
            ts = int(_np.array([q.tensor_scale], dtype=_np.float32).view(_np.uint32)[0])
            s = _np.ascontiguousarray(q.scales, dtype=_np.uint8).reshape(-1)
            m = _np.ascontiguousarray(q.microexponents, dtype=_np.uint8).reshape(-1)
            e = _np.ascontiguousarray(q.elements, dtype=_np.uint8).reshape(-1)
            args = [s.ctypes.data_as(_pu8), m.ctypes.data_as(_pu8) if m.size else None, e.ctypes.data_as(_pu8)]
        else:
            ts = q.tensor_scale
            args = [(_u8 * len(q.scales))(*q.scales), (_u8 * max(1, len(q.microexponents)))(*q.microexponents),
                    (_u8 * len(q.elements))(*q.elements)]
        self._check("mxref_dequantize_recipe", self._lib.mxref_dequantize_recipe(
            block_format.encode(), recipe.encode(), n, row_length, ts, *args, out))
        if not as_array:
            return list(out)
        values = _np.frombuffer(out, dtype=_np.uint32).view(_np.float32).copy()
        return values.reshape(shape) if shape is not None else values


class QuantizedRecipe:
    """What quantize_recipe returns: per-block scale codes, microexponents (empty without that level), element codes
    (one per byte) and the per-tensor scale (a float for array inputs, FP32 bits for lists)."""

    def __init__(self, scales, microexponents, elements, tensor_scale):
        self.scales, self.microexponents, self.elements, self.tensor_scale = scales, microexponents, elements, tensor_scale

    def __iter__(self):
        return iter((self.scales, self.microexponents, self.elements, self.tensor_scale))


def pack_lanes(codes, fmt):
    """Element codes as `mxref dot` writes them: element i in bits [i*w, i*w+w), ceil(k*w/4) hex digits."""
    w = ELEMENT_BITS[fmt]
    value = 0
    for i, code in enumerate(codes):
        value |= (code & ((1 << w) - 1)) << (i * w)
    return format(value, "0{}x".format((len(codes) * w + 3) // 4))


def unpack_lanes(text, fmt, k):
    """The inverse of pack_lanes: k element codes from `mxref dot`'s packed hex field."""
    w = ELEMENT_BITS[fmt]
    bits = int(text, 16)
    return [(bits >> (i * w)) & ((1 << w) - 1) for i in range(k)]
