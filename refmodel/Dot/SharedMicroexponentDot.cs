using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// One operand block of a shared-microexponent format (MX9/MX6/MX4, any <c>bdr-…</c> shape): the block's scale code
/// (a power of two, E8M0 for the standard shapes), one microexponent τ per sub-block of k2 elements, and the
/// sign-magnitude element codes (sign at bit m, magnitude M in bits m−1..0), as <c>BdrQuantizer</c> writes them.
/// </summary>
public readonly ref struct MicroexponentBlock(byte scale, ReadOnlySpan<byte> microexponents, ReadOnlySpan<uint> elements)
{
    public readonly byte Scale = scale;
    public readonly ReadOnlySpan<byte> Microexponents = microexponents;
    public readonly ReadOnlySpan<uint> Elements = elements;
}

/// <summary>
/// The golden fused dot product of two blocks of one shared-microexponent format (Rouhani et al., "With Shared
/// Microexponents, A Little Shifting Goes a Long Way", ISCA 2023, §3): element i of an operand is
/// (−1)^s_i · M_i · 2^(E − τ_(i/k2) − (m − 1)), E the block scale's exponent, so
/// <code>D = round( C + Σ (−1)^(sa_i ⊕ sb_i) · Ma_i · Mb_i · 2^(Ea + Eb − τa − τb − 2(m − 1)) )</code>
/// with the sum exact and one rounding by the rounding core (docs/semantics.md, "Shared-microexponent blocks").
/// The elements have no NaN or infinity; a NaN scale code, or a NaN or infinite C, follow the OCP rules 1–3.
/// </summary>
public static class SharedMicroexponentDot
{
    /// <summary>Checks that <paramref name="format"/> is a shared-microexponent format this dot product takes.</summary>
    public static void Validate(BlockFormat format)
    {
        if (format.Microexponent is null || !format.ScaleCodec.IsPowerOfTwo)
            throw new ArgumentException($"{format.Name} is not a shared-microexponent format (a power-of-two scale and a microexponent level)", nameof(format));
    }

    /// <summary>Number of microexponents a block of <paramref name="length"/> elements carries: ceil(length / k2).</summary>
    public static int SubBlocksOf(BlockFormat format, int length) => (length + format.Microexponent!.Size - 1) / format.Microexponent.Size;

    /// <summary>
    /// Bits of |Σ| in the sum's fixed point (each product M_a·M_b shifted left by 2·maxτ − τa − τb): 2m + 2·maxτ +
    /// ceil(log2 k). The standard shapes need at most 7 + 7 + 2 + 4 = 20.
    /// </summary>
    public static int SumBits(BlockFormat format, int length) =>
        2 * format.MagnitudeBits + 2 * format.Microexponent!.MaxShift + (32 - System.Numerics.BitOperations.LeadingZeroCount((uint)length));

    /// <summary>The reference semantics: the exact sum of the products and C, rounded once to <paramref name="output"/>.</summary>
    public static DotResult Fused(BlockFormat format, in MicroexponentBlock a, in MicroexponentBlock b, uint c, RoundingMode mode, NumberFormat output)
    {
        Validate(format);
        CheckOperands(format, a, b);
        var codec = format.ScaleCodec;
        var cv = Codec.Decode(StandardFormats.Fp32, c);
        // Rules 1–3 of the OCP dot product: the only special inputs are a NaN scale code and a NaN or infinite C.
        if (codec.IsNaN(a.Scale) || codec.IsNaN(b.Scale) || !cv.IsFinite)
        {
            var special = new SpecialCases();
            special.AddScale(codec, a.Scale);
            special.AddScale(codec, b.Scale);
            special.AddC(cv);
            if (special.Resolve(output) is { } r) return r;
        }
        var (sum, allZero, anyNegative, anyPositive) = ProductSum(format, a, b);
        int m = format.MagnitudeBits, maxShift = format.Microexponent!.MaxShift;
        int sumExponent = codec.Exponent(a.Scale) + codec.Exponent(b.Scale) - 2 * (m - 1) - 2 * maxShift;
        Int128 cTerm = cv.Negative ? -(Int128)cv.Significand : (Int128)cv.Significand;
        var s = ExactSum.Add(sum, sumExponent, cTerm, cv.Exponent);
        if (s.IsExactZero)
        {
            // Rule 4 (IEEE 754 §6.3): −0 only when every term is −0, or under rdn unless every term is +0.
            bool negative = mode == RoundingMode.Down
                ? !(cv.IsZero && !cv.Negative && allZero && !anyNegative)
                : cv.IsZero && cv.Negative && allZero && !anyPositive;
            return new DotResult(MxDot.ZeroOf(output, negative), ExceptionFlags.None);
        }
        var rounded = s.RoundTo(output, new RoundingContext(mode, OverflowPolicy.Ieee));
        return new DotResult(rounded);
    }

    /// <summary>
    /// <c>chunked:n</c> as for the OCP formats: n elements at a time, each chunk fused with the running accumulator and
    /// rounded to FP32, the last chunk to the output format. n must be a multiple of k2 (a chunk holds whole sub-blocks).
    /// </summary>
    public static DotResult Chunked(BlockFormat format, in MicroexponentBlock a, in MicroexponentBlock b, uint c, RoundingMode mode, NumberFormat output, int n)
    {
        Validate(format);
        int k2 = format.Microexponent!.Size;
        if (n < 1 || n % k2 != 0) throw new ArgumentException($"chunked:{n}: a chunk of a {format.Name} block holds whole sub-blocks of {k2} elements");
        CheckOperands(format, a, b);
        uint acc = c;
        var flags = ExceptionFlags.None;
        int length = a.Elements.Length;
        for (int start = 0; start < length; start += n)
        {
            int len = Math.Min(n, length - start), subStart = start / k2, subCount = SubBlocksOf(format, len);
            var ca = new MicroexponentBlock(a.Scale, a.Microexponents.Slice(subStart, subCount), a.Elements.Slice(start, len));
            var cb = new MicroexponentBlock(b.Scale, b.Microexponents.Slice(subStart, subCount), b.Elements.Slice(start, len));
            var r = Fused(format, ca, cb, acc, mode, start + len >= length ? output : StandardFormats.Fp32);
            acc = r.Bits;
            flags |= r.Flags;
        }
        return new DotResult(acc, flags);
    }

    /// <summary>One block pair under an accumulation model (<c>fused</c> or <c>chunked:n</c>; <c>fp32-sum</c> is not defined here).</summary>
    public static DotResult Dot(BlockFormat format, in MicroexponentBlock a, in MicroexponentBlock b, uint c, RoundingMode mode, NumberFormat output, AccumulationModel model) =>
        model.Kind switch
        {
            AccumulationKind.Fused => Fused(format, a, b, c, mode, output),
            AccumulationKind.Chunked => Chunked(format, a, b, c, mode, output, model.ChunkSize),
            _ => throw new ArgumentException($"the shared-microexponent dot product has the fused and chunked:N models, not {model}"),
        };

    private static void CheckOperands(BlockFormat format, in MicroexponentBlock a, in MicroexponentBlock b)
    {
        int n = a.Elements.Length;
        if (n == 0 || b.Elements.Length != n)
            throw new ArgumentException($"block sizes differ or are empty: {n} A elements, {b.Elements.Length} B elements");
        int subBlocks = SubBlocksOf(format, n);
        if (a.Microexponents.Length != subBlocks || b.Microexponents.Length != subBlocks)
            throw new ArgumentException($"{n} {format.Name} elements carry {subBlocks} microexponents; got {a.Microexponents.Length} and {b.Microexponents.Length}");
        var codec = format.ScaleCodec;
        if (!codec.IsCode(a.Scale) || !codec.IsCode(b.Scale))
            throw new ArgumentException($"scale codes {a.Scale:x2}, {b.Scale:x2}: a {codec.Format.Name} code is at most {codec.MaxCode:x2}");
        CheckCodes(format, a);
        CheckCodes(format, b);
    }

    private static void CheckCodes(BlockFormat format, in MicroexponentBlock x)
    {
        int maxShift = format.Microexponent!.MaxShift;
        foreach (byte t in x.Microexponents)
            if (t > maxShift) throw new ArgumentException($"microexponent {t} exceeds {maxShift}, the largest {format.Microexponent.Bits}-bit shift");
        uint limit = 1u << (format.MagnitudeBits + 1);
        foreach (uint e in x.Elements)
            if (e >= limit) throw new ArgumentException($"element code {e:x} is wider than a {format.Name} element's {format.ElementBits} bits");
    }

    /// <summary>
    /// Σ ±Ma_i·Mb_i · 2^(2·maxτ − τa − τb), exact (64-bit arithmetic where <see cref="SumBits"/> allows, else 128), and a
    /// whether every product is zero and which product signs occur (sign(a_i) XOR sign(b_i); −0 elements exist).
    /// </summary>
    private static (Int128 Sum, bool AllZero, bool AnyNegative, bool AnyPositive) ProductSum(BlockFormat f, in MicroexponentBlock a, in MicroexponentBlock b)
    {
        int m = f.MagnitudeBits, k2 = f.Microexponent!.Size, top = 2 * f.Microexponent.MaxShift;
        uint signBit = 1u << m, mask = signBit - 1;
        bool narrow = SumBits(f, a.Elements.Length) <= 62;
        long sum64 = 0;
        Int128 sum128 = 0;
        bool allZero = true, anyNegativeSign = false, anyPositiveSign = false;
        for (int i = 0; i < a.Elements.Length; i++)
        {
            uint x = a.Elements[i], y = b.Elements[i];
            bool negative = ((x ^ y) & signBit) != 0;
            ulong magnitude = (ulong)(x & mask) * (y & mask);
            if (magnitude != 0) allZero = false;
            if (negative) anyNegativeSign = true; else anyPositiveSign = true;
            int shift = top - a.Microexponents[i / k2] - b.Microexponents[i / k2];
            if (narrow)
            {
                long term = (long)(magnitude << shift);
                sum64 += negative ? -term : term;
            }
            else
            {
                Int128 term = (Int128)magnitude << shift;
                sum128 += negative ? -term : term;
            }
        }
        return (narrow ? sum64 : sum128, allZero, anyNegativeSign, anyPositiveSign);
    }
}
