using Xunit;
using System.Text.RegularExpressions;

namespace MxRef.Tests.Verify;

/// <summary>
/// The checker must be able to fail: deliberately broken copies of mx_dot (K = 4, to build fast) must each be caught
/// on 20,000 random vectors, with a mismatch report that decodes the vector and a re-run command that reproduces it.
/// </summary>
[Collection("Verilator")]
public sealed partial class BrokenRtlTests
{
    public static TheoryData<string, string, string, string, string> Mutations => new()
    {
        // name, file, original line (exact), broken line, a text the mismatch report must contain
        { "rne-tie-to-odd", "mx_round.sv", "default:        round_inc = r & (t | l);", "default:        round_inc = r & (t | ~l);", "rounding rne" },
        { "dropped-sticky", "mx_round.sv", "assign st      = (|md[MW-26:0]) | st_sh;", "assign st      = st_sh;", "differs   D" },
        { "nan-element-raises-nv", "mx_dot.sv", "assign s1_nv      = c_snan | any_inv | (pinf & ninf & ~nan_in);", "assign s1_nv      = c_snan | any_inv | (pinf & ninf & ~nan_in) | (|l_nan);", "flags NV" },
        { "of-flag-as-uf", "mx_round.sv", "flags[mx_pkg::FLAG_OF] = 1'b1;", "flags[mx_pkg::FLAG_UF] = 1'b1;", "flags UF|OF" },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void BrokenCopyIsCaughtWithAUsefulReport(string name, string file, string find, string replace, string symptom)
    {
        var rtl = VerifyFixture.Mutant(name, file, find, replace);
        var (exit, output, err) = VerifyFixture.Verify(rtl, "--param", "K=4", "--count", "20000", "--max-mismatches", "3");
        Assert.True(exit == 1, $"mutation {name} was not caught (exit {exit}):\n{output}{err}");
        Assert.Contains("MISMATCH 1: generated vector #", output);
        foreach (var field in new[] { "formats   A", "scales    A", "C         0x", "expected  D 0x", "actual    D 0x", "differs   D bits", "re-run    mxref verify", "model     echo '" })
            Assert.Contains(field, output);
        Assert.Contains(symptom, output);
        Assert.Contains("stopped at --max-mismatches", output);

        // The re-run command reproduces the first mismatch on its own.
        var repro = ReRun().Match(output);
        Assert.True(repro.Success, output);
        var args = repro.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var again = VerifyFixture.Run([.. args, "--build-dir", VerifyFixture.BuildDir]);
        Assert.True(again.Exit == 1, again.Out + again.Err);
        Assert.Contains("vectors      1\n", again.Out);
    }

    [Fact]
    public void TraceWritesAVcdAroundTheMismatch()
    {
        var rtl = VerifyFixture.Mutant("of-flag-as-uf", "mx_round.sv", "flags[mx_pkg::FLAG_OF] = 1'b1;", "flags[mx_pkg::FLAG_UF] = 1'b1;");
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "trace-vcd");
        var (exit, output, err) = VerifyFixture.Verify(rtl, "--param", "K=4", "--count", "20000", "--max-mismatches", "1", "--trace", "--trace-dir", dir);
        Assert.True(exit == 1, output + err);
        Assert.Contains("mismatch reproduced", output);
        var vcd = Path.Combine(dir, "mismatch-1.vcd");
        Assert.True(File.Exists(vcd), output);
        var text = File.ReadAllText(vcd);
        Assert.Contains("$enddefinitions", text);
        Assert.Contains("flags", text);
    }

    [Fact]
    public void MismatchInAVectorFileNamesTheLineAndReRunsIt()
    {
        var rtl = VerifyFixture.Mutant("dropped-sticky", "mx_round.sv", "assign st      = (|md[MW-26:0]) | st_sh;", "assign st      = st_sh;");
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "files");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "k4-sticky.mxv");
        var gen = VerifyFixture.Run("vectors", "gen", "--block", "4", "--random", "--count", "3000", "--seed", "5", "-o", file);
        Assert.True(gen.Exit == 0, gen.Err);
        var (exit, output, err) = VerifyFixture.Verify(rtl, "--param", "K=4", "--vectors", file, "--max-mismatches", "2", "--jobs", "2");
        Assert.True(exit == 1, output + err);
        var m = Regex.Match(output, @"MISMATCH 1: (\S+) line (\d+)");
        Assert.True(m.Success, output);
        Assert.EndsWith("k4-sticky.mxv", m.Groups[1].Value);
        var repro = ReRun().Match(output);
        Assert.Contains($"--vectors {file} --line {m.Groups[2].Value}", repro.Groups[1].Value);
        var again = VerifyFixture.Run([.. repro.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--build-dir", VerifyFixture.BuildDir]);
        Assert.True(again.Exit == 1, again.Out + again.Err);
        Assert.Contains("vectors      1\n", again.Out);
    }

    [Fact]
    public void FreeRunMeasuresTheRawRate()
    {
        var (exit, output, err) = VerifyFixture.Verify(VerifyFixture.Rtl, "--param", "K=4", "--free-run", "20000");
        Assert.True(exit == 0, output + err);
        Assert.Matches(@"mxtb free-run: K=4, 20000 vectors in [0-9.]+ s = \d+ vectors/s", output);
    }

    [GeneratedRegex(@"re-run    mxref (verify [^\n]*)")]
    private static partial Regex ReRun();
}
