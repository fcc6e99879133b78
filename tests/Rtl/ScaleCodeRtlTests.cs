using MxRef.Formats;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Tests.Verify;
using Xunit;

namespace MxRef.Tests.Rtl;

/// <summary>
/// The <c>scale-codes</c> corner family (every UE4M3 scale code on each side, a zero scale under products of one sign)
/// against single-line bugs of rtl/mx_dot's UE4M3 path, in broken copies built at K = 16 and driven by NVFP4 vectors as
/// make verify's NVFP4 run drives them: <c>--corners</c> catches each bug, and so does the same corner set read from an
/// <c>.mxv</c> file, whose SA and SB must be read as the header's UE4M3 codes (read as E8M0, the model and the design's
/// scale_fmt both ran the E8M0 path and no file vector reached the UE4M3 one). A decoder bug for one exponent field
/// (E = 8 read as a subnormal) is not among them: <c>rounding-boundaries</c> already uses the scale 0x40 = 2.0 and
/// catches it (docs/verify.md).
/// </summary>
[Collection("Verilator")]
public sealed class ScaleCodeRtlTests
{
    public static TheoryData<string, string, string, string> Bugs => new()
    {
        // name, file, original line (exact), broken line
        // A zero scale no longer makes every product a zero for the sign of a zero result: every product −0 (a zero scale
        // times negative elements) with C = −0 gives +0 instead of −0.
        { "zero-scale-sign", "mx_dot.sv", "assign p_zero     = l_zero | {K{sc_zero}};", "assign p_zero     = l_zero;" },
    };

    [Theory]
    [MemberData(nameof(Bugs))]
    public void ScaleCodeCornersCatchTheBug(string name, string file, string find, string replace)
    {
        var rtl = VerifyFixture.Mutant("scale-codes-" + name, file, find, replace);
        string[] nvfp4 = ["--param", "K=16", "--block-format", "nvfp4"];

        var corners = VerifyFixture.Verify(rtl, [.. nvfp4, "--corners", "--max-mismatches", "1"]);
        Assert.True(corners.Exit == 1, $"{name}: --corners misses the bug:\n{corners.Out}{corners.Err}");
        Assert.Contains("corners/scale-codes", corners.Out + corners.Err);

        var fromFile = VerifyFixture.Verify(rtl, ["--param", "K=16", "--vectors", CornerFile.Value, "--max-mismatches", "1"]);
        Assert.True(fromFile.Exit == 1, $"{name}: the NVFP4 corner file misses the bug (are its scales read as UE4M3?):\n{fromFile.Out}{fromFile.Err}");
    }

    /// <summary>The NVFP4 corner set as an .mxv file (header scale ue4m3).</summary>
    private static readonly Lazy<string> CornerFile = new(() =>
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "families");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "corners-nvfp4.mxv");
        var gen = VerifyFixture.Run("vectors", "gen", "--block-format", "nvfp4", "--corners", "-o", path);
        Assert.True(gen.Exit == 0, gen.Err);
        return path;
    });
}

/// <summary><c>--corners</c> alone reaches every class of the scale-codes family for NVFP4, and E8M0 runs neither generate nor expect it.</summary>
public sealed class ScaleCodeCornerTests
{
    [Fact]
    public void Nvfp4CornersHitEveryScaleCodeClass()
    {
        var options = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 0).ForBlockFormat(BlockFormat.NvFp4) with { Random = false };
        var gen = new DotVectorGenerator(options);
        var section = gen.Sections.Single(s => s.Name == "corners/scale-codes");
        Assert.Equal((2 * 128 + 8) * 6, section.Count);

        var counts = new long[CoverageClasses.Count];
        var classifier = new DotClassifier(StandardFormats.Fp32);
        var v = new DotVector(16);
        for (long i = section.Start; i < section.End; i++)
        {
            gen.Generate(i, v);
            classifier.Classify(v, counts);
        }
        var expected = CoverageClasses.Expected(options.FormatsA, options.FormatsB, options.Modes, ScaleCodec.UE4M3, 16, StandardFormats.Fp32)
            .Select(id => CoverageClasses.Names[id]).Where(n => n.StartsWith("scale-code:") || n.StartsWith("zero-scale:")).ToList();
        Assert.Equal(2 * 128 + 8, expected.Count);
        Assert.DoesNotContain(expected, n => counts[CoverageClasses.Id(n)] == 0);
    }

    [Fact]
    public void ZeroScaleUnderNegativeProductsAndMinusZeroCIsMinusZero()
    {
        // Every product sa·sb·a_i·b_i with sa = 0 is −0 (IEEE 754-2019 §6.3: the sign of a product is the XOR of the
        // signs, also for zero), and −0 + −0 is −0 under every mode.
        var options = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 0).ForBlockFormat(BlockFormat.NvFp4) with { Random = false };
        var gen = new DotVectorGenerator(options);
        var section = gen.Sections.Single(s => s.Name == "corners/scale-codes");
        var v = new DotVector(16);
        int seen = 0;
        for (long i = section.End - 8 * 6; i < section.End; i++)
        {
            gen.Generate(i, v);
            bool allNegative = v.A.All(a => a == 0xF), minusZeroC = v.C == 0x80000000;
            if (!allNegative || !minusZeroC) continue;
            Assert.Equal(0x80000000u, v.D);
            seen++;
        }
        Assert.Equal(2 * 6, seen);
    }

    [Fact]
    public void E8m0RunsHaveNoScaleCodeCorners()
    {
        var options = DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 0) with { Random = false };
        Assert.DoesNotContain(new DotVectorGenerator(options).Sections, s => s.Name == "corners/scale-codes");
        var expected = CoverageClasses.Expected(options.FormatsA, options.FormatsB, options.Modes, ScaleCodec.E8M0, 32, StandardFormats.Fp32)
            .Select(id => CoverageClasses.Names[id]);
        Assert.DoesNotContain(expected, n => n.StartsWith("scale-code:") || n.StartsWith("zero-scale:"));
    }
}
