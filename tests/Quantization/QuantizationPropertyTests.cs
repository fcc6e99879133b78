using FsCheck.Xunit;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Rounding;

namespace MxRef.Tests.Quantization;

/// <summary>FsCheck properties of quantization (issue #3), for every OCP element format and MX9/MX6/MX4.</summary>
public class QuantizationPropertyTests
{
    private static NumberFormat Element(byte i) => StandardFormats.Elements[i % StandardFormats.Elements.Count];
    private static BlockFormat Bdr(byte i) => TestBlocks.SharedMicroexponentFormats[i % TestBlocks.SharedMicroexponentFormats.Length];
    private static RoundingMode Mode(byte i) => RoundingModes.All[i % RoundingModes.All.Count];

    private static QuantizationPolicy Policy(byte mode, ulong seed, ScaleRule rule = ScaleRule.Floor) =>
        new() { Rounding = Mode(mode), ScaleRule = rule, StochasticSeed = seed, StochasticWidth = 8 };

    /// <summary>quantize ∘ dequantize ∘ quantize = quantize (floor rule, any mode, specials included).</summary>
    [Property(MaxTest = 300)]
    public bool RequantizingTheDequantizedBlockGivesTheSameCodes(ulong seed, byte format, byte mode)
    {
        var rng = new MxRandom(seed);
        var x = TestBlocks.Random(ref rng, 32 + rng.NextInt(0, 40));
        var f = Element(format);
        var p = Policy(mode, seed);
        var q = MxQuantizer.Quantize(f, x, 32, p);
        var q2 = MxQuantizer.Quantize(f, MxQuantizer.Dequantize(q), 32, p);
        var bdr = Bdr(format);
        var b = BdrQuantizer.Quantize(bdr, x, p);
        var b2 = BdrQuantizer.Quantize(bdr, BdrQuantizer.Dequantize(b), p);
        return q.Scales.SequenceEqual(q2.Scales) && q.Elements.SequenceEqual(q2.Elements)
            && b.Scales.SequenceEqual(b2.Scales) && b.Microexponents.SequenceEqual(b2.Microexponents) && b.Elements.SequenceEqual(b2.Elements);
    }

    /// <summary>
    /// Under the ceil rule the scale may drop by one on requantization (an element rounded up to exactly max normal /
    /// 2), so the property holds for the values: dequantize ∘ quantize is idempotent.
    /// </summary>
    [Property(MaxTest = 200)]
    public bool CeilRuleRequantizationKeepsTheValues(ulong seed, byte format, byte mode)
    {
        var rng = new MxRandom(seed);
        var x = TestBlocks.Random(ref rng, 32);
        var f = Element(format);
        var p = Policy(mode, seed, ScaleRule.Ceil);
        var v = MxQuantizer.Dequantize(MxQuantizer.Quantize(f, x, 32, p));
        var v2 = MxQuantizer.Dequantize(MxQuantizer.Quantize(f, v, 32, p));
        return v.SequenceEqual(v2);
    }

    /// <summary>Multiplying a block by 2^j moves its scale code by j and keeps its element codes (no clamping, normal inputs).</summary>
    [Property(MaxTest = 300)]
    public bool ScalingByAPowerOfTwoMovesTheScaleOnly(ulong seed, byte format, byte mode, bool ceil)
    {
        var rng = new MxRandom(seed);
        int top = rng.NextInt(-60, 61), j = rng.NextInt(-40, 41);
        var x = TestBlocks.Normal(ref rng, 32, top, rng.NextInt(0, 11));
        var y = x.Select(b => (b & 0x7FFFFFFF) == 0 ? b : b + (uint)(j << 23)).ToArray(); // exponent field + j
        var f = Element(format);
        var p = Policy(mode, seed, ceil ? ScaleRule.Ceil : ScaleRule.Floor);
        var q = MxQuantizer.Quantize(f, x, 32, p);
        var qy = MxQuantizer.Quantize(f, y, 32, p);
        var pb = p with { ScaleRule = ScaleRule.Floor };
        var b = BdrQuantizer.Quantize(Bdr(format), x, pb);
        var by = BdrQuantizer.Quantize(Bdr(format), y, pb);
        bool allZero = x.All(v => (v & 0x7FFFFFFF) == 0);
        return (allZero || (qy.Scales[0] == q.Scales[0] + j && by.Scales[0] == b.Scales[0] + j && by.Scales[1] == b.Scales[1] + j))
            && q.Elements.SequenceEqual(qy.Elements) && b.Elements.SequenceEqual(by.Elements) && b.Microexponents.SequenceEqual(by.Microexponents);
    }

    /// <summary>
    /// Negating a block keeps its scale and negates its element codes, for the sign-symmetric modes (rdn and rup
    /// swap). Symmetric INT8 range (full range has −2 but not +2).
    /// </summary>
    [Property(MaxTest = 300)]
    public bool NegatingABlockNegatesItsElements(ulong seed, byte format, byte mode)
    {
        var rng = new MxRandom(seed);
        var x = TestBlocks.Random(ref rng, 32, specials: false);
        var neg = x.Select(b => b ^ 0x80000000u).ToArray();
        var f = Element(format);
        var p = Policy(mode, seed);
        var mirrored = p with { Rounding = p.Rounding switch { RoundingMode.Up => RoundingMode.Down, RoundingMode.Down => RoundingMode.Up, var m => m } };
        var q = MxQuantizer.Quantize(f, x, 32, p);
        var qn = MxQuantizer.Quantize(f, neg, 32, mirrored);
        uint Negate(uint c) => f.Kind == FormatKind.Integer ? (uint)-(int)c & f.CodeMask : c ^ f.NegativeZeroCode;
        var bdr = Bdr(format);
        var b = BdrQuantizer.Quantize(bdr, x, p);
        var bn = BdrQuantizer.Quantize(bdr, neg, mirrored);
        return q.Scales.SequenceEqual(qn.Scales) && q.Elements.Select(Negate).SequenceEqual(qn.Elements)
            && b.Scales.SequenceEqual(bn.Scales) && b.Elements.Select(c => c ^ (1u << bdr.MagnitudeBits)).SequenceEqual(bn.Elements);
    }

    /// <summary>
    /// |v − X·P| ≤ ½ ulp for the nearest modes and &lt; 1 ulp for the others (ulp of the element format at |v|/X,
    /// scaled by X), except where |v|/X exceeds max normal (saturation). Likewise for MX9/MX6/MX4 with the sub-block's
    /// grid 2^(E − τ − (m − 1)).
    /// </summary>
    [Property(MaxTest = 300)]
    public bool NoElementErrorExceedsTheRoundingBound(ulong seed, byte format, byte mode, bool ceil)
    {
        var rng = new MxRandom(seed);
        var x = TestBlocks.Random(ref rng, 32, specials: false);
        var f = Element(format);
        var p = Policy(mode, seed, ceil ? ScaleRule.Ceil : ScaleRule.Floor);
        bool nearest = p.Rounding is RoundingMode.NearestEven or RoundingMode.NearestAway;
        var q = MxQuantizer.Quantize(f, x, 32, p);
        var v = MxQuantizer.Dequantize(q);
        int scaleExp = q.Scales[0] - 127;
        var (maxSig, maxExp) = f.MaxFinite;
        double maxNormal = Math.ScaleB(maxSig, maxExp);
        for (int i = 0; i < x.Length; i++)
        {
            double xi = BitConverter.UInt32BitsToSingle(x[i]), pi = Math.ScaleB(Math.Abs(xi), -scaleExp);
            double vi = BitConverter.UInt32BitsToSingle(v[i]);
            if (pi > maxNormal || double.IsInfinity(vi)) continue; // saturated (or, under ceil, overflowed FP32)
            int binade = pi == 0 ? f.Emin : Math.Max((int)Math.Floor(Math.Log2(pi)), f.Emin);
            int quantum = f.Kind == FormatKind.Integer ? f.IntegerScaleExponent : binade - f.MantissaBits;
            if (!WithinBound(xi - vi, Math.ScaleB(1, quantum + scaleExp), nearest)) return false;
        }
        var bdr = Bdr(format);
        var b = BdrQuantizer.Quantize(bdr, x, p with { ScaleRule = ScaleRule.Floor });
        var bv = BdrQuantizer.Dequantize(b);
        for (int i = 0; i < x.Length; i++)
        {
            int grid = b.Scales[i / bdr.BlockSize] - bdr.ScaleCodec.MaxExponent - b.Microexponents[i / bdr.Microexponent!.Size] - (bdr.MagnitudeBits - 1);
            double xi = BitConverter.UInt32BitsToSingle(x[i]), vi = BitConverter.UInt32BitsToSingle(bv[i]);
            if (Math.Abs(xi) > Math.ScaleB(((1u << bdr.MagnitudeBits) - 1), grid)) continue; // saturated
            if (!WithinBound(xi - vi, Math.ScaleB(1, grid), nearest)) return false;
        }
        return true;
    }

    private static bool WithinBound(double error, double ulp, bool nearest) =>
        nearest ? Math.Abs(error) <= ulp / 2 : Math.Abs(error) < ulp;
}
