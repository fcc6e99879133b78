using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// Blocks of a float element format of at most 8 bits (FP8 E4M3/E5M2, FP6, FP4: OCP MX v1.0 §5.3) quantized without
/// the rounding table, 16 values per AVX-512 vector, in one pass per block while it is in L1, as
/// <see cref="IntegerBlocks"/> does for MXINT8.
/// <para>
/// Why this is the rounding core's result: the scaled value s = |v| / 2^shared is exact (a power-of-two divisor only
/// moves the exponent field: an integer subtract on the bits of |v|). If s is at least the element's smallest normal
/// 2^emin, its FP32 bits hold the element's exponent and a 23-bit fraction, so rounding to m mantissa bits is an integer
/// add on the bits and a shift: + 2^(22 − m) rounds half away from zero, + 2^(22 − m) − 1 + the kept bits' last bit
/// rounds half to even; a carry out of the fraction moves into the exponent, as the rounding does. The element code is
/// the rounded bits shifted down with the FP32 bias traded for the element's. Below 2^emin the element's quantum is
/// fixed at 2^(emin − m), so the code is the integer round(s / 2^(emin − m)) ≤ 2^m (2^m is the smallest normal's code):
/// the quotient is again an exponent move, and exact in FP32 (under 2^m), so the one rounding is the vector convert
/// (ties to even) or the truncation of q + pred(½) (ties away). Saturation (the policies' overflow rule) is a clamp of
/// the magnitude to the largest finite code, and the sign is v's.
/// </para>
/// Zeros and FP32 subnormals go through the same subnormal step and give ±0 when <see cref="Covers"/> holds: their
/// quotient stays below ½. Blocks with NaN or ±Inf, tiny blocks and blocks whose shared exponent leaves a value above
/// 2^(emax + 2) are left to the caller (<see cref="MxPlan.QuantizeBlock"/>).
/// </summary>
internal sealed class FloatBlocks
{
    private readonly int _shift;         // 23 − m: the FP32 fraction bits below the element's mantissa
    private readonly int _rebias;        // (127 − bias) << m: the FP32 exponent field traded for the element's, in code units
    private readonly int _normalField;   // emin + 127: the FP32 exponent field of the element's smallest normal (before the scale)
    private readonly int _quantumMove;   // m − emin: s / 2^(emin − m) on the exponent field
    private readonly int _maxMagnitude;  // the largest finite code without its sign
    private readonly int _signShift;     // bits − 1
    private readonly int _minShared, _maxTop;
    private readonly bool _away;

    private FloatBlocks(NumberFormat f, RoundingContext ctx)
    {
        int m = f.MantissaBits;
        _shift = 23 - m;
        _rebias = (BlockScan.Fp32Bias - f.Bias) << m;
        _normalField = f.Emin + BlockScan.Fp32Bias;
        _quantumMove = m - f.Emin;
        _maxMagnitude = (int)f.MaxFiniteCode;
        _signShift = f.Bits - 1;
        _away = ctx.Mode == RoundingMode.NearestAway;
        // The subnormal step's quotient of a zero or FP32 subnormal (exponent field m − emin − shared) stays below ½, and
        // the normal step's threshold (exponent field emin + 127 + shared) stays above every FP32 subnormal.
        _minShared = Math.Max(_quantumMove - 125, 1 - _normalField);
        _maxTop = f.Emax + 1;
    }

    /// <summary>The kernel for a format and context, or null where it does not apply (not a signed float format of at most
    /// 8 bits with subnormals below 2^emin, a rounding other than to nearest, no saturation, or no AVX-512).</summary>
    public static FloatBlocks? For(NumberFormat f, in RoundingContext ctx) =>
        Avx512F.IsSupported && f.Kind == FormatKind.Float && f.Bits <= 8 && f.IsSigned && f.MantissaBits >= 1
        && f.Emin == 1 - f.Bias && f.Bits == 1 + f.ExponentBits + f.MantissaBits
        && ctx.Mode is RoundingMode.NearestEven or RoundingMode.NearestAway && ctx.Overflow == OverflowPolicy.Saturate
            ? new FloatBlocks(f, ctx) : null;

    /// <summary>
    /// Whether this kernel quantizes a block of largest magnitude <paramref name="max"/> (finite, an FP32 normal, as
    /// <see cref="IntegerBlocks.CoveredMax"/> returns) under shared exponent <paramref name="shared"/>: not so small that
    /// a zero's quotient could reach ½, and the scaled amax below 2^(emax + 2).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Covers(uint max, int shared) => shared >= _minShared && (int)(max >> 23) - BlockScan.Fp32Bias - shared <= _maxTop;

    /// <summary>The codes of a covered block (<see cref="Covers"/>) of whole 16-value vectors with shared exponent <paramref name="shared"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Round(ReadOnlySpan<uint> x, int shared, Span<byte> codes)
    {
        ref uint src = ref MemoryMarshal.GetReference(x);
        ref byte dst = ref MemoryMarshal.GetReference(codes);
        var abs = Vector512.Create((int)BlockScan.AbsMask);
        var scale = Vector512.Create(shared << 23);
        var normal = Vector512.Create(((_normalField + shared) << 23) - 1); // s ≥ 2^emin ⇔ |v| bits > this
        int shift = _shift;
        var half = Vector512.Create(_away ? 1 << (shift - 1) : (1 << (shift - 1)) - 1);
        var rebias = Vector512.Create(_rebias);
        var quantum = Vector512.Create((_quantumMove - shared) << 23);
        var belowHalf = Vector512.Create(BitConverter.UInt32BitsToSingle(0x3EFFFFFF)); // pred(½), as in IntegerBlocks
        var limit = Vector512.Create(_maxMagnitude);
        bool away = _away;
        int signShift = _signShift;
        for (int i = 0; i < x.Length; i += Vector512<uint>.Count)
        {
            var b = Vector512.LoadUnsafe(ref src, (nuint)i).AsInt32();
            var a = b & abs;
            // s ≥ 2^emin: round the fraction on the bits of s, then trade the FP32 bias for the element's.
            var s = a - scale;
            var rounded = s + half;
            if (!away) rounded += Vector512.ShiftRightLogical(s, shift) & Vector512<int>.One;
            var normalCode = Vector512.ShiftRightLogical(rounded, shift) - rebias;
            // s < 2^emin: the integer round(s / 2^(emin − m)), as IntegerBlocks rounds (clamped at +0: a quotient that
            // leaves FP32's exponent range is far below ½).
            var q = Vector512.Max(a + quantum, Vector512<int>.Zero).AsSingle();
            var subnormalCode = away ? Avx512F.ConvertToVector512Int32WithTruncation(q + belowHalf) : Avx512F.ConvertToVector512Int32(q);
            var magnitude = Vector512.Min(Vector512.ConditionalSelect(Vector512.GreaterThan(a, normal), normalCode, subnormalCode), limit);
            var code = magnitude | Vector512.ShiftLeft(Vector512.ShiftRightLogical(b, 31), signShift);
            Avx512F.ConvertToVector128Byte(code).StoreUnsafe(ref dst, (nuint)i);
        }
    }
}
