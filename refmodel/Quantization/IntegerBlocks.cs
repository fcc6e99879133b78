using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// Blocks of an integer element format (MXINT8, OCP MX v1.0 Table 1: value = code × 2^q, q = −6) quantized without the
/// rounding table, 16 values per AVX-512 vector, in one pass per block while it is in L1: the block's largest
/// magnitude, then for each value the code round(|v| / 2^(shared + q)), clamped to the format's range, with v's sign.
/// <para>
/// Why this is the rounding core's result: the divisor is a power of two, so the quotient is exact — it only moves the
/// exponent field, done here as an integer add on the bits of |v| — and under 2^(Bits − 1) (|v| ≤ amax &lt;
/// 2^(floor(log2 amax) + 1), shared ≥ floor(log2 amax) − emax, emax = Bits − 2 + q). An integer of that size is exact
/// in FP32, so the one rounding left is the vector convert to an integer: ties to even as <c>vcvtps2dq</c> rounds, ties
/// away as the truncation of q + pred(½). Saturation is a clamp of the magnitude
/// (2^(Bits − 1) − 1, or 2^(Bits − 1) for a negative value under the full range). Quotients below FP32's normal range
/// (the add would leave the exponent field) are below one half and round to 0, as zero and FP32-subnormal inputs do
/// (flushed or not): the add's result is clamped at the bits of +0.
/// </para>
/// Blocks with NaN or ±Inf, and blocks whose largest magnitude is below 2^<see cref="TinyExponent"/> (where a subnormal
/// quotient could reach one half), are left to the caller (<see cref="MxPlan.QuantizeBlock"/>).
/// </summary>
internal sealed class IntegerBlocks
{
    /// <summary>Smallest floor(log2 amax) handled here: the quotient of any zero or FP32 subnormal then stays far below ½.</summary>
    public const int TinyExponent = -100;
    private const uint TinyBits = (uint)(TinyExponent + BlockScan.Fp32Bias) << 23;

    private readonly int _negativeScale; // −q: the exponent added to shared's negation
    private readonly int _maxMagnitude;
    private readonly bool _away, _fullRange;

    private IntegerBlocks(NumberFormat f, RoundingContext ctx)
    {
        _negativeScale = -f.IntegerScaleExponent;
        _maxMagnitude = (1 << (f.Bits - 1)) - 1;
        _away = ctx.Mode == RoundingMode.NearestAway;
        _fullRange = ctx.IntegerFullRange;
    }

    /// <summary>The kernel for a format and context, or null where it does not apply (not an integer format of 8 bits, a
    /// rounding other than to nearest, no saturation, or no AVX-512).</summary>
    public static IntegerBlocks? For(NumberFormat f, in RoundingContext ctx) =>
        Avx512F.IsSupported && f.Kind == FormatKind.Integer && f.Bits == 8
        && ctx.Mode is RoundingMode.NearestEven or RoundingMode.NearestAway && ctx.Overflow == OverflowPolicy.Saturate
            ? new IntegerBlocks(f, ctx) : null;

    /// <summary>Whether a block of k values is whole 16-value vectors.</summary>
    public static bool Fits(int k) => k > 0 && k % Vector512<uint>.Count == 0;

    /// <summary>
    /// The largest |v| of a block of whole 16-value vectors (<see cref="Fits"/>) as bits if it is a block this kernel
    /// quantizes (finite, at least 2^<see cref="TinyExponent"/>), else 0: the shared block scan at 16 lanes, which only
    /// needs the max (the JIT drops the scan's unused min).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint CoveredMax(ReadOnlySpan<uint> x)
    {
        uint max = BlockScan.MinMaxMagnitude<BlockScan.Lanes512, Vector512<uint>>(x).Max;
        return max is >= TinyBits and < BlockScan.InfinityBits ? max : 0;
    }

    /// <summary>The codes of a covered block (<see cref="CoveredMax"/> non-zero) with shared exponent <paramref name="shared"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Round(ReadOnlySpan<uint> x, int shared, Span<byte> codes)
    {
        ref uint src = ref MemoryMarshal.GetReference(x);
        ref byte dst = ref MemoryMarshal.GetReference(codes);
        var abs = Vector512.Create((int)BlockScan.AbsMask);
        var move = Vector512.Create((_negativeScale - shared) << 23); // × 2^(−shared − q) on the exponent field
        // Ties away: trunc(q + pred(½)) (pred(½) = ½ − 2^−25, the float below ½) is round-half-away-from-zero for every
        // FP32 q in [0, 2^23): the one addition reaches the next integer exactly when q's fraction is at least ½ (q + ½
        // itself could round up from ½ − 2^−25, the error microxcaling's FP32 "+0.5" makes).
        var belowHalf = Vector512.Create(BitConverter.UInt32BitsToSingle(0x3EFFFFFF));
        var limit = Vector512.Create(_maxMagnitude);
        bool away = _away, fullRange = _fullRange;
        for (int i = 0; i < x.Length; i += Vector512<uint>.Count)
        {
            var b = Vector512.LoadUnsafe(ref src, (nuint)i).AsInt32();
            var q = Vector512.Max((b & abs) + move, Vector512<int>.Zero).AsSingle();
            // Ties to even: the vector convert rounds in the default MXCSR mode, round-to-nearest-even (.NET never changes it).
            var magnitude = away ? Avx512F.ConvertToVector512Int32WithTruncation(q + belowHalf) : Avx512F.ConvertToVector512Int32(q);
            var sign = Vector512.ShiftRightArithmetic(b, 31); // −1 for a negative value, else 0
            magnitude = Vector512.Min(magnitude, fullRange ? limit - sign : limit);
            // The two's complement code in the low 8 bits of each lane (the format's whole code: Bits = 8).
            Avx512F.ConvertToVector128Byte((magnitude ^ sign) - sign).StoreUnsafe(ref dst, (nuint)i);
        }
    }
}
