using FsCheck.Xunit;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Harness;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>Profile text, JSON profile files, the <c>.mxv</c> header key and <c>mxref dot --profile</c>.</summary>
public class ProfileParsingTests
{
    private const string AllKnobs = "tininess=on-result,zero-sign=positive+c-passthrough,shortcut=threshold:70,snan-elements=signal," +
        "flush-inputs=on,flush-c=on,flush-result=on,overflow=saturate,nan-scale=as-number,special-c=passthrough-when-dominant,nan-result=propagate";

    [Fact]
    public void CanonicalTextRoundTrips()
    {
        var p = ImplementationProfile.TryParse(AllKnobs, out string? error);
        Assert.Null(error);
        Assert.Equal(AllKnobs, p!.ToString());
        Assert.Equal(p, ImplementationProfile.TryParse(p.ToString(), out _));
    }

    [Fact]
    public void DefaultValuesGiveTheDefaultProfile()
    {
        var p = ImplementationProfile.TryParse(" Tininess = after-rounding , zero-sign=ieee,shortcut=none,overflow=ieee ", out _);
        Assert.True(p!.IsDefault);
        Assert.Equal("default", p.ToString());
        Assert.True(ImplementationProfile.TryParse("", out _)!.IsDefault);
    }

    [Fact]
    public void LaterKnobsOverrideEarlierOnes() =>
        Assert.Equal("tininess=before-rounding", ImplementationProfile.TryParse("tininess=on-result,tininess=before-rounding", out _)!.ToString());

    [Fact]
    public void UnknownKnobListsTheValidKnobs()
    {
        Assert.Null(ImplementationProfile.TryParse("bogus=1", out string? error));
        Assert.Contains("unknown profile knob 'bogus'", error);
        foreach (var (name, _) in ImplementationProfile.Knobs) Assert.Contains(name, error);
    }

    [Theory, InlineData("tininess=sometimes", "after-rounding, before-rounding, on-result"), InlineData("shortcut=threshold:0", "threshold:N"),
     InlineData("flush-c=yes", "off, on")]
    public void UnknownValueListsTheValidValues(string text, string valid)
    {
        Assert.Null(ImplementationProfile.TryParse(text, out string? error));
        Assert.Contains("unknown value", error);
        Assert.Contains(valid, error);
    }

    [Fact]
    public void MissingEqualsSignIsAnError()
    {
        Assert.Null(ImplementationProfile.TryParse("tininess", out string? error));
        Assert.Contains("name=value", error);
    }

    [Fact]
    public void JsonProfileReadsKnobs() =>
        Assert.Equal("tininess=on-result,shortcut=threshold:70",
            ProfileFile.FromJson("{ \"tininess\": \"on-result\", \"shortcut\": \"threshold:70\" }", "unit.json").ToString());

    [Fact]
    public void MalformedJsonProfileNamesTheFileAndField()
    {
        var e = Assert.Throws<MxvFormatException>(() => ProfileFile.FromJson("{\n  \"tininess\": \"on-result\",\n  \"zero-sign\": \"negative\"\n}", "unit.json"));
        Assert.Equal("unit.json", e.File);
        Assert.Equal("zero-sign", e.Field);
        Assert.Equal(3, e.Line);
        Assert.Contains("ieee, positive, c-passthrough", e.Message);
        var n = Assert.Throws<MxvFormatException>(() => ProfileFile.FromJson("{ \"shortcut\": 70 }", "unit.json"));
        Assert.Equal("shortcut", n.Field);
        var bad = Assert.Throws<MxvFormatException>(() => ProfileFile.FromJson("{ \"shortcut\": ", "unit.json"));
        Assert.Contains("unit.json", bad.Message);
    }

    [Fact]
    public void HeaderCarriesTheProfileOnlyWhenNotDefault()
    {
        var plain = new MxvHeader();
        Assert.DoesNotContain("profile", plain.ToLine());
        var h = new MxvHeader { Profile = "tininess=on-result,overflow=saturate" };
        var back = MxvHeader.Parse(h.ToLine(), "x.mxv");
        Assert.Equal(h.Profile, back.Profile);
        Assert.Equal(Tininess.OnResult, back.ImplementationProfile.Tininess);
        Assert.True(MxvHeader.Parse(plain.ToLine(), "x.mxv").ImplementationProfile.IsDefault);
    }

    [Fact]
    public void HeaderWithAnUnknownKnobNamesTheField()
    {
        var line = new MxvHeader { Profile = "tininess=on-result" }.ToLine().Replace("tininess=on-result", "bogus=1");
        var e = Assert.Throws<MxvFormatException>(() => MxvHeader.Parse(line, "x.mxv"));
        Assert.Equal("header.profile", e.Field);
    }

    private static (int Code, string Out, string Err) Dot(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = Cli.Run(["dot", .. args], stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void DotCommandRejectsAnUnknownKnobWithExitTwo()
    {
        var (code, _, err) = Dot("--profile", "bogus=1");
        Assert.Equal(2, code);
        Assert.Contains("unknown profile knob 'bogus'", err);
        Assert.Contains("tininess", err);
    }

    [Fact]
    public void DotCommandNamesTheProfileFileAndField()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "{ \"overflow\": \"wrap\" }");
            var (code, _, err) = Dot("--profile", path);
            Assert.Equal(2, code);
            Assert.Contains(path, err);
            Assert.Contains("overflow", err);
            Assert.Contains("ieee, saturate", err);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void DotCommandAnswersUnderAProfile()
    {
        // e4m3 −1 · 2^-71 + 1.0 under rtz: IEEE 0x3f7fffff, the threshold-70 shortcut returns C.
        var output = new StringWriter();
        int code = MxRef.Harness.Commands.DotCommand.Run(new StringReader("0 0 1 38 b8 7f 38 3f800000\n"), output, new StringWriter(),
            StandardFormats.Fp32, AccumulationModel.Fused, 1, false, false, null, ImplementationProfile.TryParse("shortcut=threshold:70", out _));
        Assert.Equal(0, code);
        Assert.Equal("3f800000 01", output.ToString().Trim());
    }
}

/// <summary>The default profile is the reference model, bit for bit.</summary>
[Properties(Arbitrary = [typeof(DotArbitraries)], MaxTest = 1000)]
public class ProfileProperties
{
    private static readonly ImplementationProfile ExplicitDefault =
        ImplementationProfile.TryParse("tininess=after-rounding,zero-sign=ieee,shortcut=none,overflow=ieee,nan-result=canonical", out _)!;

    [Property]
    public bool DefaultProfileEqualsTheModel(DotCase t) =>
        MxDot.Dot(t.Block, t.C, (RoundingMode)t.Rm, StandardFormats.Fp32, AccumulationModel.Fused, ExplicitDefault) == t.Model()
        && MxDot.Dot(t.Block, t.C, (RoundingMode)t.Rm, StandardFormats.Bf16, AccumulationModel.Chunked(8), ImplementationProfile.Default)
           == t.Model(StandardFormats.Bf16, AccumulationModel.Chunked(8));

    /// <summary>The profiled path itself, with every knob at a value that cannot change these inputs, agrees with the model.</summary>
    [Property]
    public bool ProfiledPathWithInertKnobsEqualsTheModel(DotCase t)
    {
        // A threshold beyond any reachable distance never fires; signalling elements only add NV where the model has NaN.
        var inert = ImplementationProfile.Default with { ShortcutThreshold = 100_000 };
        return ProfiledDot.Fused(t.Block, t.C, (RoundingMode)t.Rm, StandardFormats.Fp32, inert) == t.Model();
    }
}
