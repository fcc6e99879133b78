using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// FP32 → shared-microexponent blocks (MX9/MX6/MX4 and any <see cref="BlockFormat"/> with a microexponent level) and back. Per block of k1 values:
/// <list type="number">
/// <item>E = floor(log2 max|v_i|) over the finite values, clamped to [−bias, bias]; an all-zero block gets −bias.
/// (The element's largest binade is 2^0, so this is OCP's floor rule with emax_elem = 0.)</item>
/// <item>For each sub-block of k2 values: τ = min(E − floor(log2 max|v| of the sub-block), 2^d2 − 1), at least 0;
/// an all-zero sub-block gets the largest shift. With d2 = 1: τ = 1 exactly when every element of the sub-block lies
/// below the block's largest binade 2^E.</item>
/// <item>Each magnitude |v_i| / 2^(E − τ) is rounded once by the rounding core to a multiple of 2^−(m−1), saturating
/// at (2^m − 1)·2^−(m−1); the code is sign (the input's sign, so −0 stays −0) and the m-bit magnitude M.</item>
/// </list>
/// The shift is chosen from the exponents before rounding, like OCP's floor rule: an element that rounds up out of
/// its sub-block's range saturates. The policy's rounding, specials and flush options apply as for the OCP formats
/// (the elements have no Inf or NaN); the ceil rule and the integer-range option do not apply.
/// </summary>
public static class BdrQuantizer
{
    public static BdrBlocks Quantize(BlockFormat format, ReadOnlySpan<uint> fp32, QuantizationPolicy? policy = null, ReadOnlySpan<uint> randomBits = default)
    {
        policy ??= QuantizationPolicy.Default;
        int blocks = MxQuantizer.BlockCount(fp32.Length, format.BlockSize);
        var scales = new byte[blocks];
        var micro = new byte[blocks * format.SubBlocks];
        var elements = new uint[blocks * format.BlockSize];
        Quantize(format, fp32, policy, scales, micro, elements, randomBits);
        return new BdrBlocks(format, fp32.Length, scales, micro, elements);
    }

    /// <summary>Quantizes into caller-provided spans; <paramref name="randomBits"/> as for <see cref="MxQuantizer"/>.</summary>
    public static void Quantize(BlockFormat format, ReadOnlySpan<uint> fp32, QuantizationPolicy policy,
        Span<byte> scales, Span<byte> microexponents, Span<uint> elements, ReadOnlySpan<uint> randomBits = default)
    {
        var (ctx, table, codec) = Prepare(format, policy);
        int k = format.BlockSize;
        int blocks = MxQuantizer.BlockCount(fp32.Length, k);
        if (scales.Length < blocks || microexponents.Length < blocks * format.SubBlocks || elements.Length < blocks * k)
            throw new ArgumentException("output spans too short for the number of blocks");
        var stochastic = new StochasticBits(policy, randomBits, fp32.Length, k);
        for (int b = 0; b < blocks; b++)
        {
            int start = b * k, count = Math.Min(k, fp32.Length - start);
            var random = stochastic.ForBlock(start, count);
            scales[b] = QuantizeBlock(format, codec, policy, ctx, table, fp32.Slice(start, count),
                microexponents.Slice(b * format.SubBlocks, format.SubBlocks), elements.Slice(start, k), random);
        }
    }

    /// <summary>
    /// As above into byte codes (elements of at most 8 bits: MX9/MX6/MX4), as <see cref="BlockQuantizer"/> stores them:
    /// each block's codes go through a block-sized buffer that stays in L1, not a tensor-sized one.
    /// </summary>
    public static void Quantize(BlockFormat format, ReadOnlySpan<uint> fp32, QuantizationPolicy policy,
        Span<byte> scales, Span<byte> microexponents, Span<byte> elements, ReadOnlySpan<uint> randomBits = default)
    {
        var (ctx, table, codec) = Prepare(format, policy);
        if (format.ElementBits > 8) throw new ArgumentException($"{format.Name}: {format.ElementBits}-bit codes do not fit a byte");
        int k = format.BlockSize;
        int blocks = MxQuantizer.BlockCount(fp32.Length, k);
        if (scales.Length < blocks || microexponents.Length < blocks * format.SubBlocks || elements.Length < blocks * k)
            throw new ArgumentException("output spans too short for the number of blocks");
        var stochastic = new StochasticBits(policy, randomBits, fp32.Length, k);
        Span<uint> codes = k <= 256 ? stackalloc uint[k] : new uint[k];
        for (int b = 0; b < blocks; b++)
        {
            int start = b * k, count = Math.Min(k, fp32.Length - start);
            var random = stochastic.ForBlock(start, count);
            scales[b] = QuantizeBlock(format, codec, policy, ctx, table, fp32.Slice(start, count),
                microexponents.Slice(b * format.SubBlocks, format.SubBlocks), codes, random);
            var target = elements.Slice(start, k);
            for (int i = 0; i < k; i++) target[i] = (byte)codes[i];
        }
    }

    /// <summary>The checks and the per-call lookups both overloads share.</summary>
    private static (RoundingContext Ctx, RoundingTable? Table, ScaleCodec Codec) Prepare(BlockFormat format, QuantizationPolicy policy)
    {
        if (format.Microexponent is null || !format.ScaleCodec.IsPowerOfTwo)
            throw new ArgumentException($"{format.Name} is not a shared-microexponent format", nameof(format));
        if (policy.ScaleRule != ScaleRule.Floor)
            throw new ArgumentException("shared-microexponent formats use the floor rule only", nameof(policy));
        policy.Validate();
        var ctx = policy.ElementContext() with { IntegerFullRange = false };
        // null under sr; the scale codec looked up once: its cache is keyed by the format's fields
        return (ctx, RoundingTable.For(format.Element, ctx), format.ScaleCodec);
    }

    private static byte QuantizeBlock(BlockFormat f, ScaleCodec codec, QuantizationPolicy policy, RoundingContext ctx, RoundingTable? table, ReadOnlySpan<uint> x,
        Span<byte> micro, Span<uint> codes, ReadOnlySpan<uint> random)
    {
        bool flush = policy.FlushSubnormalInputs;
        var scan = BlockScan.Of(x, flush);
        // The elements have neither NaN nor Inf: only saturate keeps a finite scale, and only for ±Inf.
        if (scan.HasNan || (scan.HasInfinity && policy.Specials != SpecialsPolicy.Saturate))
        {
            micro.Clear();
            codes.Clear();
            return (byte)codec.NanCode;
        }
        // saturate (as for the OCP formats): an infinite maximum clamps E to the top of the scale range.
        int e = scan.HasInfinity ? codec.MaxExponent : BlockScan.SharedExponent(scan.MaxFinite, 0, ScaleRule.Floor, 0, codec.MaxExponent);
        var element = f.Element;
        int k2 = f.Microexponent!.Size, maxShift = f.Microexponent.MaxShift;
        uint signBit = 1u << f.MagnitudeBits, magnitudeMask = signBit - 1;
        bool blockRows = table is { HasBlockView: true };
        for (int j = 0; j < f.SubBlocks; j++)
        {
            int lo = j * k2, hi = Math.Min(lo + k2, x.Length);
            uint subMax = 0;
            for (int i = lo; i < hi; i++) subMax = Math.Max(subMax, x[i] & BlockScan.AbsMask); // ±Inf: binade 128, τ 0
            if (flush && subMax < BlockScan.MinNormalBits) subMax = 0;
            int tau = subMax == 0 ? maxShift : Math.Clamp(e - BlockScan.FloorLog2(subMax), 0, maxShift);
            micro[j] = (byte)tau;
            int shift = e - tau;
            // The table's rows for this sub-block's shift (one shift, add and load per FP32 normal input).
            var rows = blockRows ? table!.RowsFor(shift) : default;
            for (int i = lo; i < hi; i++)
            {
                uint b = x[i];
                bool negative = (int)b < 0;
                uint sign = negative ? signBit : 0u;
                if ((b & BlockScan.AbsMask) == BlockScan.InfinityBits)
                {
                    codes[i] = sign | magnitudeMask; // saturate: ±Inf → ±max
                    continue;
                }
                uint twos;
                if ((b & BlockScan.AbsMask) >= BlockScan.MinNormalBits && table is not null)
                    twos = blockRows ? rows.Round(b) : table.Round(b, shift); // normal input: the core's result, memoized (see RoundingTable)
                else
                {
                    var (sig, exp) = BlockScan.Split(b, flush);
                    if (!random.IsEmpty) ctx = ctx with { RandomBits = random[i] };
                    twos = RoundingCore.Round(element, negative, sig, exp - shift, false, ctx).Code;
                }
                codes[i] = sign | Magnitude(twos, f.MagnitudeBits);
            }
        }
        codes[x.Length..].Clear();
        return (byte)codec.FromExponent(e);
    }

    /// <summary>|v| of an (m+1)-bit two's complement code (never −2^m: the range is symmetric).</summary>
    private static uint Magnitude(uint twos, int m) => (twos >> m) != 0 ? ((1u << (m + 1)) - twos) : twos;

    public static uint[] Dequantize(BdrBlocks blocks)
    {
        var output = new uint[blocks.Elements.Length];
        Dequantize(blocks.Format, blocks.Scales, blocks.Microexponents, blocks.Elements, output);
        return output;
    }

    /// <summary>(−1)^s × M × 2^(E − τ − (m − 1)) as FP32 bits (exact for the standard shapes); NaN for a NaN scale.</summary>
    public static void Dequantize(BlockFormat f, ReadOnlySpan<byte> scales, ReadOnlySpan<byte> microexponents, ReadOnlySpan<uint> elements, Span<uint> fp32)
    {
        var ctx = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
        var fp32Format = Formats.StandardFormats.Fp32;
        var codec = f.ScaleCodec;
        int k2 = f.Microexponent!.Size;
        uint signBit = 1u << f.MagnitudeBits, magnitudeMask = signBit - 1;
        for (int b = 0; b < scales.Length; b++)
        {
            bool nan = codec.IsNaN(scales[b]);
            int e = nan ? 0 : codec.Exponent(scales[b]);
            for (int i = b * f.BlockSize; i < (b + 1) * f.BlockSize; i++)
            {
                if (nan)
                {
                    fp32[i] = MxQuantizer.Fp32QuietNan;
                    continue;
                }
                int tau = microexponents[i / k2];
                uint code = elements[i];
                fp32[i] = RoundingCore.Round(fp32Format, (code & signBit) != 0, code & magnitudeMask,
                    e - tau - (f.MagnitudeBits - 1), false, ctx).Code;
            }
        }
    }
}
