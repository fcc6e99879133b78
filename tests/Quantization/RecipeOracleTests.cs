using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Tests.Formats;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary>Every named recipe against the independent oracles (<see cref="RecipeOracle"/>, <see cref="QuantizationOracle"/>).</summary>
public class RecipeOracleTests
{
    public static TheoryData<string, string> MxCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var r in new[] { "torchao-floor", "torchao-ceil", "torchao-even", "torchao-rceil", "amd-quark-even", "te" })
            foreach (var e in new[] { "e4m3", "e5m2", "e3m2", "e2m3", "e2m1" })
                if (r != "te" || e is "e4m3" or "e5m2")
                    data.Add(r, e);
        return data;
    }

    /// <summary>FP32 blocks at the corners the scale rules disagree on, then random blocks (specials included).</summary>
    private static IEnumerable<uint[]> MxBlocks(ulong seed, int count)
    {
        foreach (uint amax in CornerAmaxes())
        {
            var block = new uint[32];
            block[0] = amax;
            block[5] = amax | 0x80000000u;
            block[9] = amax >> 1;
            block[17] = 0x80000000u;
            yield return block;
        }
        var rng = new MxRandom(seed);
        for (int n = 0; n < count; n++) yield return TestBlocks.Random(ref rng, 32);
    }

    /// <summary>amax at, just below and just above powers of two and element maxima; FP32 subnormals; the top binade.</summary>
    public static IEnumerable<uint> CornerAmaxes()
    {
        foreach (float v in new[] { 1f, 2f, 448f, 57344f, 28f, 7.5f, 6f, 150f, 1e-30f, 3e38f })
        {
            uint b = BitConverter.SingleToUInt32Bits(v);
            yield return b;
            yield return b - 1;
            yield return b + 1;
        }
        foreach (uint b in new uint[] { 0x00000001, 0x00400000, 0x00400001, 0x007FFFFF, 0x00800000, 0x7F7FFFFF, 0x7F000000, 0x7EFFFFFF, 0 })
            yield return b;
    }

    [Theory]
    [MemberData(nameof(MxCases))]
    public void MxRecipesQuantizeAsTheirWrittenRuleSays(string recipeName, string elementName)
    {
        var recipe = Recipe.TryParse(recipeName)!;
        var format = BlockFormat.OcpMx(StandardFormats.TryParse(elementName)!);
        var o = OracleFormat.Elements.Single(f => f.Name == elementName);
        foreach (var block in MxBlocks(0x7EC1 + (ulong)recipeName.Length * 7 + elementName[1], 400))
        {
            var q = BlockQuantizer.Quantize(format, recipe, block);
            var (scale, elements) = RecipeOracle.MxBlock(recipeName, o, block, 32);
            Assert.True(scale == q.Scales[0], $"{recipeName} {elementName} amax block [{Hex(block)}]: model scale 0x{q.Scales[0]:x2}, oracle 0x{scale:x2}");
            for (int i = 0; i < 32; i++)
            {
                var got = FormatTableTests.ToOracle(Codec.Decode(format.Element, q.Elements[i]));
                Assert.True(elements[i].SameAs(got), $"{recipeName} {elementName} [{Hex(block)}] element {i} 0x{block[i]:x8}: model {got}, oracle {elements[i]}");
            }
        }
    }

    /// <summary>The exact-quotient recipes against the OCP oracle with each recipe's written policy.</summary>
    [Theory]
    [InlineData("ocp", "rne", false, "nan-scale", false)]
    [InlineData("exact-ceil", "rne", true, "nan-scale", false)]
    [InlineData("microxcaling", "rna", false, "nan-scale", false)]
    [InlineData("gfloat", "rne", false, "saturate", true)]
    public void ExactRecipesQuantizeAsTheirWrittenRuleSays(string recipeName, string mode, bool ceil, string specials, bool fullInt)
    {
        var recipe = Recipe.TryParse(recipeName)!;
        var op = new OraclePolicy(mode, ceil, specials, fullInt);
        foreach (var o in OracleFormat.Elements)
        {
            var format = BlockFormat.OcpMx(StandardFormats.TryParse(o.Name)!);
            foreach (var block in MxBlocks(0xE4AC + (ulong)recipeName.Length, 150))
            {
                var q = BlockQuantizer.Quantize(format, recipe, block);
                var (scale, elements) = QuantizationOracle.QuantizeBlock(o, block, 32, op);
                Assert.True(scale == q.Scales[0], $"{recipeName} {o.Name} [{Hex(block)}]: model scale 0x{q.Scales[0]:x2}, oracle 0x{scale:x2}");
                for (int i = 0; i < 32; i++)
                {
                    var got = FormatTableTests.ToOracle(Codec.Decode(format.Element, q.Elements[i]));
                    Assert.True(elements[i].SameAs(got), $"{recipeName} {o.Name} element {i} 0x{block[i]:x8}: model {got}, oracle {elements[i]}");
                }
            }
        }
    }

    public static TheoryData<string> Nvfp4Recipes => new(["nvfp4-torchao", "nvfp4-te", "nvfp4-cudnn"]);

    [Theory]
    [MemberData(nameof(Nvfp4Recipes))]
    public void Nvfp4RecipesQuantizeAsTheirWrittenRuleSays(string recipeName)
    {
        var recipe = Recipe.TryParse(recipeName)!;
        var rng = new MxRandom(0x4F4 + (ulong)recipeName.Length);
        for (int n = 0; n < 160; n++)
        {
            int rows = rng.NextInt(1, 20), rowLength = 16 * rng.NextInt(1, 4);
            bool twoD = recipeName == "nvfp4-te" && n % 3 == 0;
            var x = new uint[rows * rowLength];
            for (int r = 0; r < rows; r++) TestBlocks.Random(ref rng, rowLength, specials: n % 4 == 0).CopyTo(x, r * rowLength);
            if (n % 5 == 1) foreach (uint c in CornerAmaxes().Take(rows)) x[rng.NextInt(0, x.Length)] = c;
            uint? given = n % 2 == 0 ? null : BitConverter.SingleToUInt32Bits(MathF.ScaleB(1f + rng.NextInt(0, 8) / 8f, rng.NextInt(-40, 10)));
            var q = BlockQuantizer.Quantize(BlockFormat.NvFp4, recipe, x, new QuantizeOptions { TensorScale = given, RowLength = rowLength, TwoDimensional = twoD });

            var globalAmax = RecipeOracle.Amax(x, nanPropagates: recipeName != "nvfp4-te");
            var ts = given is { } g
                ? (recipeName == "nvfp4-te" ? RecipeOracle.Div(OracleFormat.Fp32, new OValue(OClass.Finite, false, 1, 0), RecipeOracle.F(g)) : RecipeOracle.F(g))
                : RecipeOracle.TensorScale(recipeName, globalAmax);
            if (recipeName == "nvfp4-cudnn" && (ts.Class != OClass.Finite || ts.IsZero)) ts = new OValue(OClass.Finite, false, 1, 0);
            int perRow = rowLength / 16;
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < perRow; c++)
                {
                    var block = x.AsSpan(r * rowLength + c * 16, 16).ToArray();
                    var tile = twoD
                        ? Enumerable.Range(r / 16 * 16, Math.Min(16, rows - r / 16 * 16)).SelectMany(t => x.AsSpan(t * rowLength + c * 16, 16).ToArray())
                        : block;
                    var amax = RecipeOracle.Amax(tile, nanPropagates: recipeName != "nvfp4-te");
                    var (scale, elements) = RecipeOracle.Nvfp4Block(recipeName, ts, amax, block);
                    int b = r * perRow + c;
                    var gotScale = FormatTableTests.ToOracle(Codec.Decode(StandardFormats.UE4M3, q.Scales[b]));
                    Assert.True(scale.SameAs(gotScale), $"{recipeName} case {n} block {b} [{Hex(block)}] ts {ts}: model scale 0x{q.Scales[b]:x2} = {gotScale}, oracle {scale}");
                    for (int i = 0; i < 16; i++)
                    {
                        var got = FormatTableTests.ToOracle(Codec.Decode(StandardFormats.E2M1, q.Elements[b * 16 + i]));
                        Assert.True(elements[i].SameAs(got), $"{recipeName} case {n} block {b} element {i} 0x{block[i]:x8} scale {scale}: model {got}, oracle {elements[i]}");
                    }
                }
        }
    }

    /// <summary>
    /// nvfp4-cudnn on its element rounding boundaries: per tensor scale t and block scale code c, the block's amax is
    /// 6·t·S_c (so the scale is c) and the other values lie on the midpoints between E2M1 magnitudes times t·S_c (OCP
    /// MX v1.0 Table 2's E2M1 values 0, 0.5, 1, 1.5, 2, 3, 4, 6) and one FP32 ulp either side, with both signs: the
    /// ties of the exact quotient and their neighbours, checked against the oracle's exact division.
    /// </summary>
    [Fact]
    public void CudnnElementsOnTheirRoundingBoundariesAgreeWithTheOracle()
    {
        var recipe = Recipe.Nvfp4Cudnn;
        double[] midpoints = [0.25, 0.75, 1.25, 1.75, 2.5, 3.5, 5];
        var rng = new MxRandom(0xCD22);
        foreach (uint ts in new uint[] { 0x3F800000, 0x3E400000, 0x3F9E0000, 0x3EAAAAAB, 0x2F800000, 0x4B7FFFFF, 0x00800000 })
            for (uint c = 1; c < 0x7F; c += 3)
            {
                var sc = Codec.Decode(StandardFormats.UE4M3, c);
                double d = BitConverter.UInt32BitsToSingle(ts) * Math.ScaleB(sc.Significand, sc.Exponent);
                var block = new uint[16];
                block[0] = BitConverter.SingleToUInt32Bits((float)(6 * d));
                for (int i = 1; i < 16; i++)
                {
                    uint t = BitConverter.SingleToUInt32Bits((float)(midpoints[rng.NextInt(0, 7)] * d));
                    block[i] = (uint)(t + rng.NextInt(-1, 2)) | (rng.NextBool() ? 0x80000000u : 0);
                }
                var q = BlockQuantizer.Quantize(BlockFormat.NvFp4, recipe, block, new QuantizeOptions { TensorScale = ts });
                var amax = RecipeOracle.Amax(block, nanPropagates: true);
                var (scale, elements) = RecipeOracle.Nvfp4Block("nvfp4-cudnn", RecipeOracle.F(ts), amax, block);
                var gotScale = FormatTableTests.ToOracle(Codec.Decode(StandardFormats.UE4M3, q.Scales[0]));
                Assert.True(scale.SameAs(gotScale), $"ts {ts:x8} c {c:x2} [{Hex(block)}]: model scale 0x{q.Scales[0]:x2}, oracle {scale}");
                for (int i = 0; i < 16; i++)
                {
                    var got = FormatTableTests.ToOracle(Codec.Decode(StandardFormats.E2M1, q.Elements[i]));
                    Assert.True(elements[i].SameAs(got), $"ts {ts:x8} c {c:x2} element {i} 0x{block[i]:x8}: model {got}, oracle {elements[i]}");
                }
            }
    }

    private static string Hex(uint[] block) => string.Join(" ", block.Select(b => b.ToString("x8")));
}
