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
    /// at a time where the hardware has 256-bit vectors, four with 128-bit ones (the ahead-of-time CLI targets baseline
    /// x86-64: SSE2, where .NET emulates the unsigned min/max SSE4.1 has); the unsigned min and max of the bits are the
    /// same on every path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint Min, uint Max) MinMaxMagnitude(ReadOnlySpan<uint> x)
    {
        uint max = 0, min = uint.MaxValue;
        int i = 0;
        if (Vector256.IsHardwareAccelerated && x.Length >= Vector256<uint>.Count)
        {
            i = x.Length & -Vector256<uint>.Count;
            (min, max) = MinMaxMagnitude<Lanes256, Vector256<uint>>(x[..i]);
        }
        else if (Vector128.IsHardwareAccelerated && x.Length >= Vector128<uint>.Count)
        {
            i = x.Length & -Vector128<uint>.Count;
            (min, max) = MinMaxMagnitude<Lanes128, Vector128<uint>>(x[..i]);
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
    /// The one block scan, at the vector width <typeparamref name="TLanes"/>, of a block of whole vectors (x.Length a
    /// positive multiple of the lane count): the smallest and largest |v| as bits, which is every class a quantizer asks
    /// about — a NaN is present iff Max &gt; <see cref="InfinityBits"/>, NaN or Inf iff Max ≥ it, a zero or FP32 subnormal
    /// iff Min &lt; <see cref="MinNormalBits"/>. Each width is a struct, so the JIT and NativeAOT compile one loop per
    /// width with the lane operations inlined (and drop the reduction of a result the caller does not use).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (uint Min, uint Max) MinMaxMagnitude<TLanes, TVector>(ReadOnlySpan<uint> x)
        where TLanes : struct, IScanLanes<TVector> where TVector : struct
    {
        ref uint start = ref MemoryMarshal.GetReference(x);
        var lo = TLanes.Magnitudes(ref start, 0);
        var hi = lo;
        for (int i = TLanes.Count; i < x.Length; i += TLanes.Count)
        {
            var a = TLanes.Magnitudes(ref start, i);
            lo = TLanes.Min(lo, a);
            hi = TLanes.Max(hi, a);
        }
        return (TLanes.MinLane(lo), TLanes.MaxLane(hi));
    }

    /// <summary>
    /// Whether every value of the block is an FP32 normal (no zero, subnormal, Inf or NaN, and the block not empty), and
    /// if so its largest |v| as bits: <see cref="Of"/>'s <see cref="AllNormal"/> and <see cref="MaxFinite"/> from one scan,
    /// without the special-value pass (the caller scans with <see cref="Of"/> when this is false).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool AllNormalMax(ReadOnlySpan<uint> x, out uint max)
    {
        (uint min, max) = MinMaxMagnitude(x);
        return x.Length > 0 && min >= MinNormalBits && max < InfinityBits;
    }

    private const MethodImplOptions Inline = MethodImplOptions.AggressiveInlining;

    /// <summary>The lane operations <see cref="MinMaxMagnitude{TLanes, TVector}"/> needs at one vector width.</summary>
    internal interface IScanLanes<TVector> where TVector : struct
    {
        static abstract int Count { get; }
        /// <summary>|v| as bits, for the lanes from element <paramref name="i"/> on.</summary>
        static abstract TVector Magnitudes(ref uint start, int i);
        static abstract TVector Min(TVector a, TVector b);
        static abstract TVector Max(TVector a, TVector b);
        static abstract uint MinLane(TVector v);
        static abstract uint MaxLane(TVector v);
    }

    /// <summary>Sixteen lanes (AVX-512); the lanes fold to eight, then to four.</summary>
    internal readonly struct Lanes512 : IScanLanes<Vector512<uint>>
    {
        public static int Count => Vector512<uint>.Count;
        [MethodImpl(Inline)] public static Vector512<uint> Magnitudes(ref uint start, int i) =>
            Vector512.LoadUnsafe(ref start, (nuint)i) & Vector512.Create(AbsMask);
        [MethodImpl(Inline)] public static Vector512<uint> Min(Vector512<uint> a, Vector512<uint> b) => Vector512.Min(a, b);
        [MethodImpl(Inline)] public static Vector512<uint> Max(Vector512<uint> a, Vector512<uint> b) => Vector512.Max(a, b);
        [MethodImpl(Inline)] public static uint MinLane(Vector512<uint> v) => Lanes256.MinLane(Vector256.Min(v.GetLower(), v.GetUpper()));
        [MethodImpl(Inline)] public static uint MaxLane(Vector512<uint> v) => Lanes256.MaxLane(Vector256.Max(v.GetLower(), v.GetUpper()));
    }

    /// <summary>Eight lanes (AVX2).</summary>
    internal readonly struct Lanes256 : IScanLanes<Vector256<uint>>
    {
        public static int Count => Vector256<uint>.Count;
        [MethodImpl(Inline)] public static Vector256<uint> Magnitudes(ref uint start, int i) =>
            Vector256.LoadUnsafe(ref start, (nuint)i) & Vector256.Create(AbsMask);
        [MethodImpl(Inline)] public static Vector256<uint> Min(Vector256<uint> a, Vector256<uint> b) => Vector256.Min(a, b);
        [MethodImpl(Inline)] public static Vector256<uint> Max(Vector256<uint> a, Vector256<uint> b) => Vector256.Max(a, b);
        [MethodImpl(Inline)] public static uint MinLane(Vector256<uint> v) => Lanes128.MinLane(Vector128.Min(v.GetLower(), v.GetUpper()));
        [MethodImpl(Inline)] public static uint MaxLane(Vector256<uint> v) => Lanes128.MaxLane(Vector128.Max(v.GetLower(), v.GetUpper()));
    }

    /// <summary>Four lanes (SSE2 and up); the last two folds swap halves, then neighbours.</summary>
    internal readonly struct Lanes128 : IScanLanes<Vector128<uint>>
    {
        public static int Count => Vector128<uint>.Count;
        [MethodImpl(Inline)] public static Vector128<uint> Magnitudes(ref uint start, int i) =>
            Vector128.LoadUnsafe(ref start, (nuint)i) & Vector128.Create(AbsMask);
        [MethodImpl(Inline)] public static Vector128<uint> Min(Vector128<uint> a, Vector128<uint> b) => Vector128.Min(a, b);
        [MethodImpl(Inline)] public static Vector128<uint> Max(Vector128<uint> a, Vector128<uint> b) => Vector128.Max(a, b);
        [MethodImpl(Inline)] public static uint MinLane(Vector128<uint> v)
        {
            v = Vector128.Min(v, Vector128.Shuffle(v, Vector128.Create(2u, 3, 0, 1)));
            return Vector128.Min(v, Vector128.Shuffle(v, Vector128.Create(1u, 0, 3, 2))).ToScalar();
        }
        [MethodImpl(Inline)] public static uint MaxLane(Vector128<uint> v)
        {
            v = Vector128.Max(v, Vector128.Shuffle(v, Vector128.Create(2u, 3, 0, 1)));
            return Vector128.Max(v, Vector128.Shuffle(v, Vector128.Create(1u, 0, 3, 2))).ToScalar();
        }
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
