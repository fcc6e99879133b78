using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.CommandLine;
using MxRef.Vectors.Generation.Decode;
using MxRef.Vectors.Operations;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>Decode-unit vector files: corners reach every class, check re-derives every line, shards merge, bad files are named.</summary>
public class DecodeVectorTests
{
    private static string Temp(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "mxref-decode-tests");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, name);
    }

    [Theory]
    [InlineData("fp32", null)]
    [InlineData("bf16", null)]
    [InlineData("fp16", null)]
    [InlineData("fp16", "nvfp4")]
    public void CornersAloneHitEveryExpectedClass(string output, string? blockFormat)
    {
        var f = blockFormat is null ? null : BlockFormat.TryParse(blockFormat)!;
        var gen = new DecodeVectorGenerator(new DecodeGeneratorOptions
        {
            Formats = f is null ? StandardFormats.Elements : [f.Element], Modes = RoundingModes.Deterministic, Block = f?.BlockSize ?? 32,
            Output = StandardFormats.TryParse(output)!, Scale = f?.Scale ?? StandardFormats.E8M0, Corners = true,
        });
        var coverage = DecodeRun.Write(gen, gen.Header(), Temp($"corners-{output}-{blockFormat}.mxv"));
        Assert.Empty(coverage.NeverHit);
        Assert.True(coverage.Vectors > 0);
    }

    [Fact]
    public void CheckFindsATamperedResultAndShardsMergeToTheWhole()
    {
        string whole = Temp("whole.mxv"), s0 = Temp("s0.mxv"), s1 = Temp("s1.mxv"), merged = Temp("merged.mxv");
        string[] common = ["vectors", "gen", "--op", "decode", "--out", "bf16", "--count", "3000", "--seed", "9"];
        Assert.Equal(0, CliRunner.Run([.. common, "-o", whole]).Exit);
        Assert.Equal(0, CliRunner.Run([.. common, "--shard", "0/2", "-o", s0]).Exit);
        Assert.Equal(0, CliRunner.Run([.. common, "--shard", "1/2", "-o", s1]).Exit);
        var m = CliRunner.Run("vectors", "merge", "-o", merged, s0, s1);
        Assert.True(m.Exit == 0, m.Err);
        Assert.Equal(DataLines(whole), DataLines(merged));
        var check = CliRunner.Run("vectors", "check", whole);
        Assert.True(check.Exit == 0, check.Out + check.Err);
        Assert.Contains("0 differ", check.Out);

        // Flip the last digit of the D field of the first data line (the first element's result).
        var lines = File.ReadAllLines(whole);
        int i = Array.FindIndex(lines, l => !l.StartsWith("//"));
        var fields = lines[i].Split(' ');
        fields[4] = fields[4][..^1] + (fields[4][^1] == '0' ? '1' : '0');
        lines[i] = string.Join(' ', fields);
        string tampered = Temp("tampered.mxv");
        File.WriteAllLines(tampered, lines);
        var bad = CliRunner.Run("vectors", "check", tampered);
        Assert.NotEqual(0, bad.Exit);
    }

    [Fact]
    public void SameSeedSameBytes()
    {
        string a = Temp("a.mxv"), b = Temp("b.mxv");
        Assert.Equal(0, CliRunner.Run("vectors", "gen", "--op", "decode", "--count", "2000", "--seed", "3", "-o", a).Exit);
        Assert.Equal(0, CliRunner.Run("vectors", "gen", "--op", "decode", "--count", "2000", "--seed", "3", "-o", b).Exit);
        // The header records the command line (with the output name); every other line must be the same bytes.
        Assert.Equal(File.ReadAllLines(a)[1..], File.ReadAllLines(b)[1..]);
    }

    [Fact]
    public void ADotOnlyProfileInADecodeHeaderIsNamed()
    {
        string f = Temp("profile.mxv");
        Assert.Equal(0, CliRunner.Run("vectors", "gen", "--op", "decode", "--corners", "--a", "e2m1", "-o", f).Exit);
        var lines = File.ReadAllLines(f);
        lines[0] = lines[0].Replace("\"output\":\"fp32\"", "\"output\":\"fp32\",\"profile\":\"zero-sign=positive\"");
        File.WriteAllLines(f, lines);
        var r = CliRunner.Run("vectors", "check", f);
        Assert.Equal(2, r.Exit);
        Assert.Contains("header.profile", r.Err);
    }

    private static string[] DataLines(string path) => File.ReadAllLines(path).Where(l => !l.StartsWith("//")).ToArray();
}
