using MxRef.Tests.Verify;
using Xunit;

namespace MxRef.Tests.Rtl;

/// <summary>
/// rtl/mx_dot_bdr (MX9/MX6/MX4 dot products) as the dot-bdr unit of <c>mxref verify</c> (docs/verify.md "Units"):
/// through its byte-lane wrapper mx_dot_bdr_lanes it passes corners and random vectors against the golden
/// SharedMicroexponentDot, generated and from an <c>.mxv</c> file; a copy whose microexponent shift ignores operand B's
/// microexponent is reported with exit 1, the decoded vector and the golden-model command; a design whose M is not the
/// format's is refused before any build. MX4 at K = 4 keeps the Verilator builds short (cached in out/verilator); the
/// 1 M-vector runs of every format at K = 16 are `make verify-bdr-unit`.
/// </summary>
[Collection("Verilator")]
public sealed class BdrDotUnitTests
{
    private static readonly IReadOnlyList<string> Bdr = VerifyFixture.UnitRtl("mx_dot_bdr");

    [Fact]
    public void MxDotBdrPassesCornersAndRandomVectorsGeneratedAndFromAFile()
    {
        var (exit, output, err) = VerifyFixture.Verify(Bdr, "--unit", "dot-bdr", "--block-format", "mx4", "--param", "K=4", "--param", "M=2",
            "--corners", "--random", "--count", "3000", "--seed", "3");
        Assert.True(exit == 0, output + err);
        Assert.Contains("mx_dot_bdr_lanes (dot-bdr unit) K=4, latency 5 clocks", output);
        Assert.Contains("mismatches   0", output);
        Assert.Contains("unit=dot-bdr format=mx4", err);

        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "unit-bdr-file");
        Directory.CreateDirectory(dir);
        var mxv = Path.Combine(dir, "mx4.mxv");
        var (gen, genOut, genErr) = VerifyFixture.Run("vectors", "gen", "--block-format", "mx4", "-k", "4", "--rounding", "rdn,rna",
            "--corners", "--random", "--count", "500", "--seed", "8", "-o", mxv);
        Assert.True(gen == 0, genOut + genErr);
        var (file, fileOut, fileErr) = VerifyFixture.Verify(Bdr, "--unit", "dot-bdr", "--param", "K=4", "--param", "M=2", "--vectors", mxv);
        Assert.True(file == 0, fileOut + fileErr);
        Assert.Contains("mismatches   0", fileOut);
    }

    [Fact]
    public void BrokenMicroexponentShiftIsReportedWithTheDecodedVectorAndExit1()
    {
        // Operand A's microexponent counted twice, B's never: wrong whenever a pair's two microexponents differ.
        var rtl = VerifyFixture.Mutant("unit-bdr-micro", "mx_dot_bdr.sv", "- {1'b0, micro_a[i/2]} - {1'b0, micro_b[i/2]};",
            "- {1'b0, micro_a[i/2]} - {1'b0, micro_a[i/2]};", Bdr);
        var (exit, output, err) = VerifyFixture.Verify(rtl, "--unit", "dot-bdr", "--block-format", "mx4", "--param", "K=4", "--param", "M=2",
            "--corners", "--random", "--count", "2000", "--seed", "4", "--max-mismatches", "2");
        Assert.True(exit == 1, output + err);
        Assert.Contains("MISMATCH 1: generated vector #", output);
        Assert.Contains("  micro     A ", output);
        Assert.Contains("--unit dot-bdr --top mx_dot_bdr_lanes --param K=4 --param M=2", output);
        Assert.Contains("--block-format mx4", output);
        Assert.Contains("| mxref dot --format mx4 -k 4", output);
        Assert.Contains("FAIL", output);
    }

    [Fact]
    public void TheDesignsMMustBeTheFormatsAndTheFormatOneTheUnitTakes()
    {
        UsageErrorCases.Check(
            (["verify", "--rtl", .. Bdr, "--unit", "dot-bdr", "--block-format", "mx6", "--param", "K=16"],
                "--block-format mx6 has 4 magnitude bits; the design is built with M = 7 (its default): pass --param M=4"),
            (["verify", "--rtl", .. Bdr, "--unit", "dot-bdr", "--param", "K=16"], "--unit dot-bdr needs --block-format mx9, mx6 or mx4"),
            (["verify", "--rtl", .. Bdr, "--unit", "dot-bdr", "--block-format", "mx9", "--a", "e4m3"], "--a is for --unit dot, quantize, regen or decode"));
    }
}
