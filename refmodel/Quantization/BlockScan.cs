using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.CompilerServices;

namespace MxRef.Quantization;

/// <summary>
/// What a quantizer needs to know about a block of FP32 bit patterns, read from the bits directly: the largest
/// finite magnitude (as the bits of |v|, which order like the values) and whether NaN or ±Inf occurs.
/// </summary>
internal readonly record struct BlockScan(uint MaxFinite, bool HasNan, bool HasInfinity, bool AllNormal = false)
{
    public const uint AbsMask = 0x7FFFFFFF, InfinityBits = 0x7F800000, MinNormalBits = 0x00800000;
    /// <summary>The IEEE 754 binary32 exponent bias and all-ones exponent field (FP32 input fields, not scale codes).</summary>
    public const int Fp32Bias = 127, Fp32ExponentFieldMax = 255;

    public bool HasSpecials => HasNan || HasInfinity;

    /// <summary>
    /// Scans the block; with <paramref name="flushSubnormals"/> FP32 subnormals count as zero. <see cref="AllNormal"/>:
    /// every value is an FP32 normal (no zero, subnormal, Inf or NaN), so a quantizer may skip per-value checks.
    /// </summary>
    public static BlockScan Of(ReadOnlySpan<uint> x, bool flushSubnormals)
    {
        var (min, max) = MinMaxMagnitude(x);
        if (max >= InfinityBits) return WithSpecials(x, flushSubnormals);
        if (flushSubnormals && max < MinNormalBits) max = 0;
        return new BlockScan(max, false, false, min >= MinNormalBits && x.Length > 0);
    }

    /// <summary>The largest |v| of the block as bits (a result above <see cref="InfinityBits"/> means a NaN is present).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint MaxMagnitude(ReadOnlySpan<uint> x) => MinMaxMagnitude(x).Max;

    /// <summary>
    /// The smallest and largest |v| of the block as bits (NaN patterns included: they order above Inf). Eight lanes
    /// at a time where the hardware has 256-bit vectors, four with 128-bit ones; the unsigned min and max of the bits are the same on every path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint Min, uint Max) MinMaxMagnitude(ReadOnlySpan<uint> x)
    {
        uint max = 0, min = uint.MaxValue;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<uint>.Count)
        {
            ref uint start = ref MemoryMarshal.GetReference(x);
            var mask = Vector256.Create(AbsMask);
            var hi = Vector256<uint>.Zero;
            var lo = Vector256<uint>.AllBitsSet;
            for (; i <= x.Length - Vector256<uint>.Count; i += Vector256<uint>.Count)
            {
                var a = Vector256.LoadUnsafe(ref start, (nuint)i) & mask;
                hi = Vector256.Max(hi, a);
                lo = Vector256.Min(lo, a);
            }
            var h = Vector128.Max(hi.GetLower(), hi.GetUpper());
            var l = Vector128.Min(lo.GetLower(), lo.GetUpper());
            max = Math.Max(Math.Max(h.GetElement(0), h.GetElement(1)), Math.Max(h.GetElement(2), h.GetElement(3)));
            min = Math.Min(Math.Min(l.GetElement(0), l.GetElement(1)), Math.Min(l.GetElement(2), l.GetElement(3)));
        }
        else if (Vector128.IsHardwareAccelerated && x.Length >= Vector128<uint>.Count)
        {
            // The ahead-of-time CLI targets baseline x86-64 (SSE2, no 256-bit vectors): four lanes; .NET emulates the unsigned
            // min/max that SSE4.1 would give in one instruction.
            ref uint start = ref MemoryMarshal.GetReference(x);
            var mask = Vector128.Create(AbsMask);
            var hi = Vector128<uint>.Zero;
            var lo = Vector128<uint>.AllBitsSet;
            for (; i <= x.Length - Vector128<uint>.Count; i += Vector128<uint>.Count)
            {
                var a = Vector128.LoadUnsafe(ref start, (nuint)i) & mask;
                hi = Vector128.Max(hi, a);
                lo = Vector128.Min(lo, a);
            }
            max = Math.Max(Math.Max(hi.GetElement(0), hi.GetElement(1)), Math.Max(hi.GetElement(2), hi.GetElement(3)));
            min = Math.Min(Math.Min(lo.GetElement(0), lo.GetElement(1)), Math.Min(lo.GetElement(2), lo.GetElement(3)));
        }
        for (; i < x.Length; i++)
        {
            uint a = x[i] & AbsMask;
            max = Math.Max(max, a);
            min = Math.Min(min, a);
        }
        return (min, max);
    }

    /// <summary>
    /// Whether every value of the block is an FP32 normal (no zero, subnormal, Inf or NaN), and if so its largest |v| as
    /// bits: <see cref="Of"/>'s <see cref="AllNormal"/> and <see cref="MaxFinite"/> in one pass, for a block of a multiple
    /// of eight values on hardware with 256-bit vectors (false otherwise: the caller then scans with <see cref="Of"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllNormalMax(ReadOnlySpan<uint> x, out uint max)
    {
        max = 0;
        if (!Vector256.IsHardwareAccelerated || x.Length == 0 || x.Length % Vector256<uint>.Count != 0) return false;
        ref uint start = ref MemoryMarshal.GetReference(x);
        var mask = Vector256.Create(AbsMask);
        var minNormal = Vector256.Create(MinNormalBits);
        var normalRange = Vector256.Create(InfinityBits - MinNormalBits);
        var hi = Vector256<uint>.Zero;
        var outside = Vector256<uint>.Zero;
        for (int i = 0; i < x.Length; i += Vector256<uint>.Count)
        {
            var a = Vector256.LoadUnsafe(ref start, (nuint)i) & mask;
            hi = Vector256.Max(hi, a);
            // a − MinNormal wraps for zero and subnormals: one unsigned compare finds every value that is not normal.
            outside |= Vector256.GreaterThanOrEqual(a - minNormal, normalRange);
        }
        if (outside != Vector256<uint>.Zero) return false;
        max = MaxLane(hi);
        return true;
    }

    /// <summary>The largest of the eight lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static uint MaxLane(Vector256<uint> v)
    {
        var h = Vector128.Max(v.GetLower(), v.GetUpper());
        h = Vector128.Max(h, Vector128.Shuffle(h, Vector128.Create(2u, 3, 0, 1)));
        h = Vector128.Max(h, Vector128.Shuffle(h, Vector128.Create(1u, 0, 3, 2)));
        return h.ToScalar();
    }

    private static BlockScan WithSpecials(ReadOnlySpan<uint> x, bool flushSubnormals)
    {
        uint max = 0;
        bool nan = false, inf = false;
        foreach (uint b in x)
        {
            uint a = b & AbsMask;
            if (a == InfinityBits) inf = true;
            else if (a > InfinityBits) nan = true;
            else max = Math.Max(max, a);
        }
        if (flushSubnormals && max < MinNormalBits) max = 0;
        return new BlockScan(max, nan, inf);
    }

    /// <summary>floor(log2 |v|) of a non-zero finite magnitude given as FP32 bits (subnormals included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int FloorLog2(uint a) =>
        a >= MinNormalBits ? (int)(a >> 23) - Fp32Bias : 31 - BitOperations.LeadingZeroCount(a) - 149;

    /// <summary>The 24-bit significand of a non-zero finite magnitude, normalized so that bit 23 is its leading one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint NormalizedSignificand(uint a) =>
        a >= MinNormalBits ? (a & 0x7FFFFF) | 0x800000 : a << (BitOperations.LeadingZeroCount(a) - 8);

    /// <summary>
    /// |v| = significand × 2^exponent exactly, for a finite FP32 pattern; FP32 subnormals become 0 when flushed.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (ulong Significand, int Exponent) Split(uint b, bool flushSubnormals)
    {
        uint a = b & AbsMask;
        if (a >= MinNormalBits) return ((a & 0x7FFFFF) | 0x800000u, (int)(a >> 23) - 150);
        return (flushSubnormals ? 0u : a, -149);
    }

    /// <summary>
    /// The shared exponent for a block whose largest finite magnitude has the bits <paramref name="maxFinite"/>:
    /// floor(log2 max) − <paramref name="emax"/>, plus one under the ceil rule when max / 2^that exceeds max normal
    /// (i.e. when the normalized 24-bit significand of max exceeds <paramref name="ceilLimit"/>, the normalized
    /// significand of max normal), clamped to [−bias, bias]. An all-zero block gets −bias (OCP: scale code 0x00).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SharedExponent(uint maxFinite, int emax, ScaleRule rule, uint ceilLimit, int bias)
    {
        if (maxFinite == 0) return -bias;
        int s = FloorLog2(maxFinite) - emax;
        if (rule == ScaleRule.Ceil && NormalizedSignificand(maxFinite) > ceilLimit) s++;
        return Math.Clamp(s, -bias, bias);
    }

    /// <summary>A significand normalized to 24 bits (leading one at bit 23), as <see cref="SharedExponent"/> compares.</summary>
    public static uint Normalize24(ulong significand)
    {
        int msb = 63 - BitOperations.LeadingZeroCount(significand);
        return msb <= 23 ? (uint)(significand << (23 - msb)) : throw new ArgumentOutOfRangeException(nameof(significand), "more than 24 significant bits");
    }
}
