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
        { "nan-element-raises-nv", "mx_dot.sv", "assign s1_nv      = c_snan | any_inv | (pinf & ninf & ~nan_in) | sc_rsv;", "assign s1_nv      = c_snan | any_inv | (pinf & ninf & ~nan_in) | sc_rsv | (|l_nan);", "flags NV" },
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
        Assert.Contains("mismatch classes: ", output); // every mismatch counted and classified, only 3 printed in full
        Assert.Equal(3, Regex.Matches(output, "^MISMATCH ", RegexOptions.Multiline).Count);

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

    /// <summary>
    /// NV on every NaN element: the e5m2 codes with the quiet bit clear are explained by snan-elements=signal, the other
    /// NaNs are not. Waiving both classes passes the run (JUnit: skipped with the reasons); waiving one still fails;
    /// a bad waiver file is an input error naming its line.
    /// </summary>
    [Fact]
    public void MismatchesAreClassifiedAndWaived()
    {
        var rtl = VerifyFixture.Mutant("nan-element-raises-nv", "mx_dot.sv", "assign s1_nv      = c_snan | any_inv | (pinf & ninf & ~nan_in) | sc_rsv;", "assign s1_nv      = c_snan | any_inv | (pinf & ninf & ~nan_in) | sc_rsv | (|l_nan);");
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "waivers");
        Directory.CreateDirectory(dir);
        string[] run = ["--param", "K=4", "--count", "20000", "--max-mismatches", "1"];

        var (exit, output, err) = VerifyFixture.Verify(rtl, [.. run, "--waive", "snan-elements=signal:e5m2 sNaN codes signal, as in our FP16 path"]);
        Assert.True(exit == 1, output + err);
        Assert.Matches(@"snan-elements=signal +\d+  WAIVED: e5m2 sNaN codes signal", output);
        Assert.Matches(@"unexplained/NV-extra +[\d,]+  FAIL", output);
        Assert.Contains("example  generated vector #", output);

        var waivers = Path.Combine(dir, "waivers.txt");
        File.WriteAllText(waivers, "# accepted\nsnan-elements=signal: e5m2 sNaN codes signal\nunexplained/NV-extra: NaN inputs raise NV in this unit\n");
        string report = Path.Combine(dir, "r.json"), junit = Path.Combine(dir, "r.xml");
        (exit, output, err) = VerifyFixture.Verify(rtl, [.. run, "--waiver-file", waivers, "--report", report, "--junit", junit]);
        Assert.True(exit == 0, output + err);
        Assert.Contains("PASS", output);
        var json = Newtonsoft.Json.Linq.JObject.Parse(File.ReadAllText(report));
        Assert.Equal(0, (long)json["mismatches_failing"]!);
        Assert.True((long)json["mismatches_waived"]! > 1000);
        Assert.All(json["mismatch_classes"]!, c => Assert.InRange(((Newtonsoft.Json.Linq.JArray)c["examples"]!).Count, 1, 3));
        Assert.True(new FileInfo(report).Length < 100_000, "the report holds a bounded number of examples");
        var xml = File.ReadAllText(junit);
        Assert.Contains("<skipped message=\"waived (" + waivers + ":3): NaN inputs raise NV in this unit\"/>", xml);
        Assert.Contains("failures=\"0\"", xml);

        File.WriteAllText(waivers, "snan-elements=signal\nnan-result=maybe: typo\n");
        (exit, output, err) = VerifyFixture.Verify(rtl, [.. run, "--waiver-file", waivers]);
        Assert.True(exit == 2, output + err);
        Assert.Contains($"{waivers}:2: class: unknown mismatch class 'nan-result=maybe'", err);
    }

    [GeneratedRegex(@"re-run    mxref (verify [^\n]*)")]
    private static partial Regex ReRun();
}
