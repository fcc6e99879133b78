"""ctypes binding of libmxref, the MxRef golden model (the C ABI is documented in harness/cosim/include/mxref.h).

This is the piece a cocotb testbench imports: no .NET, no subprocess, one C call per transaction.

    import mxref
    lib = mxref.MxRef("out/cosim/libmxref.so")
    d, flags = lib.dot(fmt_a=0, fmt_b=0, rm=0, scale_a=0x7F, a=[0x38] * 32, scale_b=0x7F, b=[0x40] * 32, c=0x3F800000)

Codes are rtl/mx_dot's: formats 0 e4m3, 1 e5m2, 2 e3m2, 3 e2m3, 4 e2m1, 5 int8 (6 e8m0 for encode/decode);
rounding 0 rne, 1 rtz, 2 rdn, 3 rup, 4 rna, 5 rto; outputs 0 fp32, 1 bf16, 2 fp16; accumulation 0 fused,
1 chunked (chunk = n), 2 fp32-sum; flags bit 0 NX, 1 UF, 2 OF, 4 NV. FP32 values travel as bit patterns (ints).
A non-zero status from the library raises MxRefError with the library's message.
"""

import ctypes
import os

VERSION = 10100  # MXREF_VERSION of the mxref.h this binding follows

E4M3, E5M2, E3M2, E2M3, E2M1, INT8, E8M0 = range(7)
RNE, RTZ, RDN, RUP, RNA, RTO = range(6)
SR = 8  # stochastic (encode_sr, quantize)
SCALE_FLOOR, SCALE_CEIL = range(2)
SPECIALS_NAN_SCALE, SPECIALS_PRESERVE, SPECIALS_SATURATE = range(3)
OUT_FP32, OUT_BF16, OUT_FP16 = range(3)
ACC_FUSED, ACC_CHUNKED, ACC_FP32_SUM = range(3)
FLAG_NX, FLAG_UF, FLAG_OF, FLAG_NV = 0x01, 0x02, 0x04, 0x10

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
        if lib.mxref_version() // 10000 != VERSION // 10000:
            raise MxRefError("mxref_version", 0, f"library {self.version_string()} does not match this binding")
        self._d, self._flags = _u32(), _u8()

    def version_string(self):
        return self._lib.mxref_version_string().decode()

    def _check(self, function, status):
        if status != 0:
            raise MxRefError(function, status, self._lib.mxref_error_string(status).decode())

    def dot(self, fmt_a, fmt_b, rm, scale_a, a, scale_b, b, c, out_fmt=OUT_FP32, acc_model=ACC_FUSED, chunk=0):
        """One block: a, b are sequences of k element codes (or bytes). Returns (d, flags)."""
        k = len(a)
        if len(b) != k:
            raise ValueError(f"a has {k} elements, b has {len(b)}")
        buf_a, buf_b = (_u8 * k).from_buffer_copy(bytes(a)), (_u8 * k).from_buffer_copy(bytes(b))
        self._check("mxref_dot", self._lib.mxref_dot(fmt_a, fmt_b, rm, k, scale_a, buf_a, scale_b, buf_b, c,
                                                     out_fmt, acc_model, chunk, self._d, self._flags))
        return self._d.value, self._flags.value

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


def pack_lanes(codes, fmt):
    """Element codes as `mxref dot` writes them: element i in bits [i*w, i*w+w), ceil(k*w/4) hex digits."""
    w = ELEMENT_BITS[fmt]
    value = 0
    for i, code in enumerate(codes):
        value |= (code & ((1 << w) - 1)) << (i * w)
    return format(value, "0{}x".format((len(codes) * w + 3) // 4))
