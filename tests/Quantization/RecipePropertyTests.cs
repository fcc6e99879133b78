using FsCheck.Xunit;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary>FsCheck properties of every named recipe: the scale brackets amax as the rule says, the dequantization error bound, idempotence.</summary>
public class RecipePropertyTests
{
    private static readonly Recipe[] MxRecipes = [.. Recipe.Named.Where(r => !r.ForNvfp4)];
    private static readonly NumberFormat[] FloatElements = [StandardFormats.E4M3, StandardFormats.E5M2, StandardFormats.E3M2, StandardFormats.E2M3, StandardFormats.E2M1];

    private static (Recipe, BlockFormat) Pick(byte recipe, byte element)
    {
        var r = MxRecipes[recipe % MxRecipes.Length];
        var formats = FloatElements.Select(e => BlockFormat.OcpMx(e)).Where(r.Supports).ToArray();
        return (r, formats[element % formats.Length]);
    }

    private static double Value(uint b) => BitConverter.UInt32BitsToSingle(b);
    private static double MaxNormal(NumberFormat f) => Math.ScaleB(f.MaxFinite.Significand, f.MaxFinite.Exponent);

    /// <summary>
    /// For a block of normal values, the scale 2^s brackets amax as the recipe's rule says: floor rules
    /// 2^(s+emax) ≤ amax &lt; 2^(s+emax+1); exact-ceil max·2^(s−1) &lt; amax ≤ max·2^s; torchao-ceil
    /// 2^(s+emax−1) &lt; amax ≤ 2^(s+emax); EVEN floor of amax rounded half-up to m bits; RCEIL/te the same as
    /// exact-ceil up to the FP32 rounding of amax · fp32(1/max) (relative 2^−22).
    /// </summary>
    [Property(MaxTest = 400)]
    public bool TheScaleBracketsAmaxAsTheRuleSays(ulong seed, byte recipe, byte element)
    {
        var (r, format) = Pick(recipe, element);
        var rng = new MxRandom(seed);
        var x = TestBlocks.Normal(ref rng, 32, rng.NextInt(-90, 90), rng.NextInt(0, 8));
        var q = BlockQuantizer.Quantize(format, r, x);
        double amax = x.Max(b => Math.Abs(Value(b)));
        if (amax == 0) return true;
        var e = format.Element;
        int s = format.ScaleCodec.Exponent(q.Scales[0]), emax = e.Emax;
        double max = MaxNormal(e), p = Math.ScaleB(1, s);
        const double slack = 1.0 / (1 << 22);
        return r.ScaleRule switch
        {
            ScaleRuleKind.Floor or ScaleRuleKind.TorchaoFloor => Math.ScaleB(1, s + emax) <= amax && amax < Math.ScaleB(1, s + emax + 1),
            ScaleRuleKind.ExactCeil => max * p / 2 < amax && amax <= max * p,
            ScaleRuleKind.TorchaoCeil => Math.ScaleB(1, s + emax - 1) < amax && amax <= Math.ScaleB(1, s + emax),
            ScaleRuleKind.TorchaoEven => EvenBracket(amax, s + emax, e.MantissaBits),
            _ => max * p / 2 * (1 - slack) < amax && amax <= max * p * (1 + slack),
        };
    }

    /// <summary>amax rounded half-up to m mantissa bits lies in [2^t, 2^(t+1)).</summary>
    private static bool EvenBracket(double amax, int t, int m)
    {
        int f = (int)Math.Floor(Math.Log2(amax));
        if (Math.ScaleB(1, f) > amax) f--;
        if (Math.ScaleB(1, f + 1) <= amax) f++;
        bool carries = amax >= Math.ScaleB(2 - Math.ScaleB(1, -m - 1), f);
        return t == f + (carries ? 1 : 0);
    }

    /// <summary>
    /// Every dequantized element lies within half an element ulp (at its binade, times the scale) of its input, unless
    /// it saturated (then it is ±max · scale) — for every recipe; none of them rounds twice on normal blocks.
    /// </summary>
    [Property(MaxTest = 400)]
    public bool DequantizationErrorIsAtMostHalfAnElementUlp(ulong seed, byte recipe, byte element)
    {
        var (r, format) = Pick(recipe, element);
        var rng = new MxRandom(seed);
        var x = TestBlocks.Normal(ref rng, 32, rng.NextInt(-90, 90), rng.NextInt(0, 12));
        var q = BlockQuantizer.Quantize(format, r, x);
        var d = BlockQuantizer.Dequantize(q);
        var e = format.Element;
        int s = format.ScaleCodec.Exponent(q.Scales[0]);
        double max = MaxNormal(e) * Math.ScaleB(1, s);
        for (int i = 0; i < x.Length; i++)
        {
            double v = Value(x[i]), got = Value(d[i]);
            if (Math.Abs(v) > max) { if (Math.Abs(got) != max) return false; continue; }
            int binade = Math.Max((int)Math.Floor(Math.Log2(Math.Abs(v) / Math.ScaleB(1, s))), e.Emin);
            double halfUlp = Math.ScaleB(1, binade - e.MantissaBits - 1 + s);
            if (Math.Abs(got - v) > halfUlp * (1 + 1e-12)) return false;
        }
        return true;
    }

    /// <summary>dequantize ∘ quantize is idempotent on the values for every MX recipe (specials and subnormals included).</summary>
    [Property(MaxTest = 300)]
    public bool RequantizingTheDequantizedValuesKeepsThem(ulong seed, byte recipe, byte element)
    {
        var (r, format) = Pick(recipe, element);
        var rng = new MxRandom(seed);
        var x = TestBlocks.Random(ref rng, 64);
        var v = BlockQuantizer.Dequantize(BlockQuantizer.Quantize(format, r, x));
        var v2 = BlockQuantizer.Dequantize(BlockQuantizer.Quantize(format, r, v));
        return v.SequenceEqual(v2);
    }

    /// <summary>
    /// NVFP4: the block scale times the tensor scale brackets amax / 6 as each recipe's rule says (torchao and TE round
    /// to nearest, cuDNN up), within the FP32 roundings of the source, and no element exceeds 6.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool Nvfp4ScaleBracketsAmax(ulong seed, byte recipe)
    {
        var r = new[] { Recipe.Nvfp4Torchao, Recipe.Nvfp4TransformerEngine, Recipe.Nvfp4Cudnn }[recipe % 3];
        var rng = new MxRandom(seed);
        int top = rng.NextInt(-20, 20);
        var x = TestBlocks.Normal(ref rng, 64, top, rng.NextInt(0, 10));
        var q = BlockQuantizer.Quantize(BlockFormat.NvFp4, r, x);
        double ts = BitConverter.UInt32BitsToSingle(q.TensorScale);
        for (int b = 0; b < q.BlockCount; b++)
        {
            double amax = x.Skip(b * 16).Take(16).Max(v => Math.Abs(Value(v)));
            if (amax == 0) continue;
            var codec = ScaleCodec.UE4M3;
            double scale = codec.Significand(q.Scales[b]) * Math.ScaleB(1, codec.Exponent(q.Scales[b])) * ts;
            double target = amax / 6;
            // UE4M3 has 3 mantissa bits: round to nearest within 2^−4 relative, round up within 2^−3 (and never below).
            bool ok = r == Recipe.Nvfp4Cudnn
                ? scale >= target * (1 - 1e-6) && scale <= target * (1 + 0.125) * (1 + 1e-6)
                : Math.Abs(scale - target) <= target * (0.0625 + 1e-6);
            if (!ok) return false;
        }
        return true;
    }

    /// <summary>
    /// ocp and torchao-floor agree on every input of every float element format (docs/quantization.md, "Which recipes
    /// agree"), and amd-quark-even is torchao-even.
    /// </summary>
    [Property(MaxTest = 300)]
    public bool OcpIsTorchaoFloorAndQuarkIsTorchaoEven(ulong seed, byte element)
    {
        var format = BlockFormat.OcpMx(FloatElements[element % FloatElements.Length]);
        var rng = new MxRandom(seed);
        var x = TestBlocks.Random(ref rng, 96);
        var a = BlockQuantizer.Quantize(format, Recipe.Ocp, x);
        var b = BlockQuantizer.Quantize(format, Recipe.TorchaoFloor, x);
        var c = BlockQuantizer.Quantize(format, Recipe.TorchaoEven, x);
        var d = BlockQuantizer.Quantize(format, Recipe.AmdQuarkEven, x);
        return a.Scales.SequenceEqual(b.Scales) && a.Elements.SequenceEqual(b.Elements)
            && c.Scales.SequenceEqual(d.Scales) && c.Elements.SequenceEqual(d.Elements);
    }

    [Fact]
    public void AnUnsupportedFormatOrALengthTheSourceRejectsIsAnArgumentErrorNamingTheValidChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => BlockQuantizer.Quantize(BlockFormat.NvFp4, Recipe.TorchaoFloor, new uint[16]));
        Assert.Contains("nvfp4-torchao", e.Message);
        e = Assert.Throws<ArgumentException>(() => BlockQuantizer.Quantize(BlockFormat.MxFp8E4M3, Recipe.TorchaoRceil, new uint[33]));
        Assert.Contains("multiple of the block size 32", e.Message);
        e = Assert.Throws<ArgumentException>(() => BlockQuantizer.Quantize(BlockFormat.NvFp4, Recipe.Nvfp4Torchao, new uint[17]));
        Assert.Contains("multiple of the block size 16", e.Message);
        Assert.Throws<ArgumentException>(() => BlockQuantizer.Quantize(BlockFormat.MxInt8, Recipe.TorchaoFloor, new uint[32]));
        Assert.Throws<ArgumentException>(() => BlockQuantizer.Quantize(BlockFormat.Mx9, Recipe.Microxcaling, new uint[16]));
        // The padding recipes pad: 33 values are two blocks, the second padded with +0.
        var q = BlockQuantizer.Quantize(BlockFormat.MxFp8E4M3, Recipe.Ocp, new uint[33]);
        Assert.Equal(2, q.BlockCount);
        Assert.Equal(33, BlockQuantizer.Dequantize(q).Length);
        Assert.Null(Recipe.TryParse("torchao"));
        Assert.Contains("torchao-rceil", Recipe.ValidNames);
        Assert.Same(Recipe.OcpCeil, Recipe.TryParse("OCP-CEIL"));
    }

    [Fact]
    public void DefaultRecipesAndNamesRoundTrip()
    {
        foreach (var f in BlockFormat.Named)
            Assert.True(Recipe.DefaultFor(f).Supports(f), f.Name);
        Assert.Same(Recipe.Nvfp4Torchao, Recipe.DefaultFor(BlockFormat.NvFp4));
        foreach (var r in Recipe.Named) Assert.Same(r, Recipe.TryParse(r.Name.ToUpperInvariant()));
    }
}
