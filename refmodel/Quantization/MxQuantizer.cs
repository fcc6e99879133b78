using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// FP32 → MX blocks and back (OCP MX v1.0 §6.3, the MX paper's Algorithm 1), with the policies of
/// <see cref="QuantizationPolicy"/>. The algorithm, per block of k values v_i:
/// <list type="number">
/// <item>shared_exp = floor(log2 max|v_i|) − emax_elem (finite values only; +1 under the ceil rule when needed),
/// clamped to [−127, 127]; scale code = shared_exp + 127 (0x00 for an all-zero block).</item>
/// <item>P_i = v_i / 2^shared_exp rounded once by the rounding core, saturating at ±max normal. The division is exact
/// (a power of two), so the core gets the FP32 significand with the exponent lowered by shared_exp: no double
/// rounding.</item>
/// </list>
/// See docs/quantization.md for specials, subnormals, stochastic rounding and the ceil rule.
/// </summary>
public static class MxQuantizer
{
    public const int DefaultBlockSize = 32;
    public const uint Fp32QuietNan = 0x7FC00000;

    public static int BlockCount(int length, int blockSize) => (length + blockSize - 1) / blockSize;

    /// <summary>Quantizes FP32 bit patterns into new blocks. <paramref name="randomBits"/>: see the span overload.</summary>
    public static MxBlocks Quantize(NumberFormat element, ReadOnlySpan<uint> fp32, int blockSize = DefaultBlockSize,
        QuantizationPolicy? policy = null, ReadOnlySpan<uint> randomBits = default)
    {
        int blocks = BlockCount(fp32.Length, blockSize > 0 ? blockSize : throw new ArgumentOutOfRangeException(nameof(blockSize)));
        var scales = new byte[blocks];
        var elements = new uint[blocks * blockSize];
        Quantize(element, fp32, blockSize, policy ?? QuantizationPolicy.Default, scales, elements, randomBits);
        return new MxBlocks(element, blockSize, fp32.Length, scales, elements);
    }

    /// <summary>
    /// Quantizes into caller-provided spans (no allocation): <paramref name="scales"/> gets one code per block,
    /// <paramref name="elements"/> k codes per block. Under <c>sr</c>, <paramref name="randomBits"/> gives the random
    /// bits of each input element (low n bits used); when empty they are drawn from the policy's seed.
    /// </summary>
    public static void Quantize(NumberFormat element, ReadOnlySpan<uint> fp32, int blockSize, QuantizationPolicy policy,
        Span<byte> scales, Span<uint> elements, ReadOnlySpan<uint> randomBits = default)
    {
        var plan = new MxPlan(element, policy);
        int blocks = BlockCount(fp32.Length, blockSize);
        if (scales.Length < blocks || elements.Length < blocks * blockSize)
            throw new ArgumentException("output spans too short for the number of blocks");
        var stochastic = new StochasticBits(policy, randomBits, fp32.Length, blockSize);
        for (int b = 0; b < blocks; b++)
        {
            int start = b * blockSize, count = Math.Min(blockSize, fp32.Length - start);
            var random = stochastic.ForBlock(start, count);
            scales[b] = plan.QuantizeBlock(fp32.Slice(start, count), elements.Slice(start, blockSize), random);
        }
    }

    /// <summary>The dequantized values X·P_i as FP32 bit patterns, padding included (k per block).</summary>
    public static uint[] Dequantize(MxBlocks blocks)
    {
        var output = new uint[blocks.Elements.Length];
        Dequantize(blocks.Element, blocks.BlockSize, blocks.Scales, blocks.Elements, output);
        return output;
    }

    /// <summary>
    /// X·P_i for every element: a NaN scale gives NaN for the whole block, a NaN element NaN, an Inf element ±Inf.
    /// The product is exact in FP32 for every block quantized from FP32; other scale/element pairs are rounded (rne)
    /// to FP32 with IEEE overflow and underflow.
    /// </summary>
    public static void Dequantize(NumberFormat element, int blockSize, ReadOnlySpan<byte> scales, ReadOnlySpan<uint> elements, Span<uint> fp32)
    {
        var scale = ScaleCodec.E8M0;
        var ctx = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
        for (int b = 0; b < scales.Length; b++)
        {
            bool nan = scale.IsNaN(scales[b]);
            int exponent = nan ? 0 : scale.Exponent(scales[b]);
            for (int i = b * blockSize; i < (b + 1) * blockSize; i++)
                fp32[i] = nan ? Fp32QuietNan : Scaled(Codec.Decode(element, elements[i]), exponent, ctx);
        }
    }

    /// <summary>P × 2^scaleExponent as FP32 bits, through the rounding core.</summary>
    internal static uint Scaled(Decoded p, int scaleExponent, in RoundingContext ctx)
    {
        if (p.IsNaN) return Fp32QuietNan;
        if (p.IsInfinity) return p.Negative ? 0xFF800000 : 0x7F800000;
        return RoundingCore.Round(StandardFormats.Fp32, p.Negative, p.Significand, p.Exponent + scaleExponent, false, ctx).Code;
    }
}
