using System.Text.RegularExpressions;
using MxRef.Formats;
using MxRef.Harness.Verify;
using MxRef.Harness.Verify.Description;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Files;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// rtl/mx_pkg.sv is the one definition of the MX units' port codes, widths and flag bits: the RTL, the portable
/// SystemVerilog bench and the DPI scoreboard import it, and the C++ benches of <c>mxref verify</c> get it as the
/// generated <c>mx_pkg.h</c>. The C# side still has its own copies — the format code is the index in
/// <see cref="StandardFormats.Elements"/>, the rounding code the <see cref="RoundingMode"/> value, the flag bits
/// <see cref="ExceptionFlags"/>, the port widths <see cref="UnitKind.Dot"/>, the C ABI's mxref.h — and these tests fail
/// when any of them disagrees with the package.
/// </summary>
public class MxPkgCodesTests
{
    private static readonly string PkgPath = Path.Combine(VerifyFixture.Root, "rtl", "mx_pkg.sv");
    private static readonly Dictionary<string, long> Pkg = MxPkg.Parse(File.ReadAllText(PkgPath)).ToDictionary(p => p.Name, p => p.Value);

    [Fact]
    public void TheCliCarriesTheRepositorysPackage()
    {
        // The generated mx_pkg.h comes from the package embedded at build time: a stale copy would drive old codes.
        Assert.Equal(File.ReadAllText(PkgPath).ReplaceLineEndings(), MxPkg.EmbeddedText().ReplaceLineEndings());
        Assert.Equal(Pkg["DOT_LATENCY"], MxPkg.Value("DOT_LATENCY"));
    }

    [Fact]
    public void ElementFormatCodesAreTheStreamAndLineCodes()
    {
        Assert.Equal(StandardFormats.Elements.Count, (int)Pkg["FMT_COUNT"]);
        foreach (var f in StandardFormats.Elements)
            Assert.True(Pkg.TryGetValue("FMT_" + f.Name.ToUpperInvariant(), out var code) && code == DotLine.CodeOf(f),
                        $"{f.Name}: mxref's code {DotLine.CodeOf(f)}, rtl/mx_pkg.sv FMT_{f.Name.ToUpperInvariant()} {(Pkg.TryGetValue("FMT_" + f.Name.ToUpperInvariant(), out var c) ? c : "missing")}");
    }

    [Fact]
    public void RoundingModeCodesAreTheEnumValues()
    {
        Assert.Equal(RoundingModes.Deterministic.Count, (int)Pkg["RM_COUNT"]);
        foreach (var m in RoundingModes.Deterministic)
            Assert.Equal((long)(int)m, Pkg["RM_" + m.ShortName().ToUpperInvariant()]);
    }

    [Fact]
    public void FlagBitsAreTheModelsAndTheProtocols()
    {
        Assert.Equal((long)ExceptionFlags.Inexact, 1L << (int)Pkg["FLAG_NX"]);
        Assert.Equal((long)ExceptionFlags.Underflow, 1L << (int)Pkg["FLAG_UF"]);
        Assert.Equal((long)ExceptionFlags.Overflow, 1L << (int)Pkg["FLAG_OF"]);
        Assert.Equal((long)ExceptionFlags.Invalid, 1L << (int)Pkg["FLAG_NV"]);
        foreach (var (bit, name) in MismatchClassifier.FlagBits.Where(f => f.Name != "bit3"))
            Assert.Equal((long)bit, 1L << (int)Pkg["FLAG_" + name]);
        foreach (var (name, bit) in DutDescription.FlagNames)
            Assert.Equal((long)bit, 1L << (int)Pkg["FLAG_" + name]);
    }

    [Fact]
    public void ScaleFormatCodesAreTheScaleIndices()
    {
        Assert.Equal(StandardFormats.Scales.ToList().IndexOf(StandardFormats.E8M0), (int)Pkg["SCALE_E8M0"]);
        Assert.Equal(StandardFormats.Scales.ToList().IndexOf(StandardFormats.UE4M3), (int)Pkg["SCALE_UE4M3"]);
    }

    [Fact]
    public void SpecialsPolicyCodesAreTheEnumValues()
    {
        Assert.Equal((long)SpecialsPolicy.NanScale, Pkg["SP_NAN_SCALE"]);
        Assert.Equal((long)SpecialsPolicy.Preserve, Pkg["SP_PRESERVE"]);
        Assert.Equal((long)SpecialsPolicy.Saturate, Pkg["SP_SATURATE"]);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(32)]
    public void TheDotInterfacesPortWidthsAreThePackages(int k)
    {
        var ports = UnitKind.Dot.Ports(k).ToDictionary(p => p.Name, p => p.Width);
        Assert.Equal(Pkg["LANE_W"] * k, ports["a"]);
        Assert.Equal(Pkg["LANE_W"] * k, ports["b"]);
        Assert.Equal(Pkg["FLAGS_W"], ports["flags"]);
        long codeBits = DutDescription.BitsFor((int)Math.Max(Pkg["FMT_COUNT"], Pkg["RM_COUNT"]) - 1);
        Assert.True(ports["fmt_a"] >= codeBits && ports["rm"] >= codeBits);
    }

    [Fact]
    public void ADescriptionWithoutCodesGetsThePackagesCodes()
    {
        var d = DutDescription.Read(Path.Combine(VerifyFixture.Root, "examples", "mx_dot", "mx_dot_2beats.json"));
        for (int i = 0; i < StandardFormats.Elements.Count; i++)
            Assert.Equal(Pkg["FMT_" + StandardFormats.Elements[i].Name.ToUpperInvariant()], d.FormatCodes[i]);
        foreach (var m in RoundingModes.Deterministic)
            Assert.Equal(Pkg["RM_" + m.ShortName().ToUpperInvariant()], d.RoundingCodes[(int)m]);
    }

    [Fact]
    public void TheCAbisCodesAreThePackages()
    {
        // harness/cosim/include/mxref.h: "the codes are rtl/mx_dot's port codes" (its enum and #define lines).
        var h = File.ReadAllText(Path.Combine(VerifyFixture.Root, "harness", "cosim", "include", "mxref.h"));
        foreach (var f in StandardFormats.Elements)
        {
            var m = Regex.Match(h, $@"MXREF_FMT_{f.Name.ToUpperInvariant()}\s*=\s*(\d+)");
            Assert.True(m.Success, $"mxref.h has no MXREF_FMT_{f.Name.ToUpperInvariant()}");
            Assert.Equal(Pkg["FMT_" + f.Name.ToUpperInvariant()], long.Parse(m.Groups[1].Value));
        }
        foreach (var flag in new[] { "NX", "UF", "OF", "NV" })
        {
            var m = Regex.Match(h, $@"#define MXREF_FLAG_{flag}\s+0x([0-9a-fA-F]+)u");
            Assert.True(m.Success, $"mxref.h has no MXREF_FLAG_{flag}");
            Assert.Equal(1L << (int)Pkg["FLAG_" + flag], Convert.ToInt64(m.Groups[1].Value, 16));
        }
    }

    [Fact]
    public void TheGeneratedHeaderHoldsEveryParameter()
    {
        var header = MxPkg.CppHeader();
        Assert.Contains("namespace mx_pkg {", header);
        Assert.Contains($"constexpr uint32_t DOT_LATENCY = 0x{Pkg["DOT_LATENCY"]:x}u;", header);
        Assert.Contains("constexpr int EL_LSB_EXP = -16;", header);
        Assert.Contains($"constexpr uint32_t REGEN_LATENCY = 0x{Pkg["PHILOX_ROUNDS"] + Pkg["REGEN_INIT_STAGES"] + Pkg["QUANT_LATENCY"]:x}u;", header);
        Assert.Contains("constexpr uint32_t PHILOX_M0 = 0xd2511f53u;", header);
        Assert.Contains("constexpr uint32_t FMT_EN_ALL = 0x3fu;", header);
    }

    [Fact]
    public void ABadLocalparamNamesItsLine()
    {
        var e = Assert.Throws<FormatException>(() => MxPkg.Parse("package p;\n  localparam int A = B + 1;\nendpackage\n"));
        Assert.Contains("line 2", e.Message);
        Assert.Contains("'B'", e.Message);
    }
}
