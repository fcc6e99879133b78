using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Operations;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>The library behind <c>mxref vectors</c> (vectors/Operations), called directly.</summary>
public class MxvOperationsTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static QuantizeGeneratorOptions Quantize(int shard = 0, int shards = 1) => new()
    {
        Formats = [StandardFormats.E4M3, StandardFormats.E2M1],
        Modes = [RoundingMode.NearestEven, RoundingMode.TowardZero],
        Block = 4, Seed = 11, Count = 300, Corners = true, Random = true,
        Policy = QuantizationPolicy.Default with { ScaleRule = ScaleRule.Ceil },
        ShardIndex = shard, ShardCount = shards,
    };

    private string WriteQuantize(string name, QuantizeGeneratorOptions o, out QuantizeCoverage coverage)
    {
        var gen = new QuantizeVectorGenerator(o);
        var path = _files.PathOf(name);
        coverage = QuantizeRun.Write(gen, gen.Header(), path);
        return path;
    }

    private static string[] Data(string path) => File.ReadAllLines(path).Where(l => !l.StartsWith("//")).ToArray();

    [Fact]
    public void QuantizeShardsMerge()
    {
        var whole = WriteQuantize("whole.mxv", Quantize(), out _);
        var parts = Enumerable.Range(0, 3).Select(i => WriteQuantize($"p{i}.mxv", Quantize(i, 3), out _)).ToArray();
        var merged = _files.PathOf("merged.mxv");
        long n = MxvMerge.Shards(parts, merged);
        Assert.Equal(Data(whole).Length, n);
        Assert.Equal(Data(whole), Data(merged));
        var header = MxvReader.ReadHeader(merged);
        Assert.Equal(MxvHeader.OpQuantize, header.Op);
        Assert.Null(header.Shard);
        Assert.Equal(MxvReader.ReadHeader(whole).Quantization, header.Quantization);
        Assert.Equal(0, MxvCheck.File(merged, 5).Differences);
    }

    [Fact]
    public void MergeRefusesPartsOfAnotherRunNamingTheField()
    {
        var a = WriteQuantize("a.mxv", Quantize(0, 2), out _);
        var b = WriteQuantize("b.mxv", Quantize(1, 2) with { Seed = 12 }, out _);
        var e = Assert.Throws<MxvFormatException>(() => MxvMerge.Shards([a, b], _files.PathOf("m.mxv")));
        Assert.Equal((b, 1L, "header"), (e.File, e.Line, e.Field));
        e = Assert.Throws<MxvFormatException>(() => MxvMerge.Shards([a], _files.PathOf("m.mxv")));
        Assert.Equal("header.shard", e.Field);
        Assert.False(File.Exists(_files.PathOf("m.mxv")));
    }

    [Fact]
    public void MergeValidatesEveryQuantizeLineWithItsCodec()
    {
        var parts = Enumerable.Range(0, 2).Select(i => WriteQuantize($"p{i}.mxv", Quantize(i, 2), out _)).ToArray();
        // A scale with three digits, re-sealed with a correct trailer: only the line codec can catch it.
        var lines = File.ReadAllLines(parts[1]).ToList();
        int i = lines.FindIndex(l => !l.StartsWith("//"));
        var f = lines[i].Split(' ');
        f[3] = "abc";
        lines[i] = string.Join(' ', f);
        Reseal(parts[1], lines);
        var e = Assert.Throws<MxvFormatException>(() => MxvMerge.Shards(parts, _files.PathOf("m.mxv")));
        Assert.Equal((parts[1], (long)i + 1, "S"), (e.File, e.Line, e.Field));
        Assert.False(File.Exists(_files.PathOf("m.mxv")));
    }

    [Fact]
    public void QuantizeRunCoverageIsTheFilesCoverage()
    {
        var path = WriteQuantize("q.mxv", Quantize(), out var written);
        var read = MxvStats.Quantize(path);
        Assert.Equal(written.Vectors, read.Vectors);
        Assert.Equal(written.Counts, read.Counts);
        Assert.Equal(written.Expected, read.Expected);
        Assert.Equal(written.ToText(), read.ToText());
        Assert.Throws<MxvFormatException>(() => MxvStats.Dot(path));
    }

    [Fact]
    public void DotStatsAndCheckAgreeWithTheGenerationRun()
    {
        var o = new DotGeneratorOptions
        {
            FormatsA = [StandardFormats.E4M3, StandardFormats.Int8], FormatsB = [StandardFormats.E2M1], Modes = [RoundingMode.NearestEven], Block = 3, Seed = 4, Count = 400,
            Corners = true, Random = true,
        };
        var gen = new DotVectorGenerator(o);
        var path = _files.PathOf("d.mxv");
        var written = GenerationRun.Write(gen, gen.Header(), path, threads: 2);
        var read = MxvStats.Dot(path);
        Assert.Equal(written.ToText(), read.ToText());
        var check = MxvCheck.File(path, 3);
        Assert.Equal((gen.Total, 0L), (check.Vectors, check.Differences));
        Assert.Equal($"{path}: {gen.Total} vectors, 0 differ", check.Summary);
        Assert.Throws<MxvFormatException>(() => MxvStats.Quantize(path));
    }

    [Fact]
    public void CheckKeepsTheFirstDifferencesAndCountsAll()
    {
        var path = WriteQuantize("q.mxv", Quantize(), out _);
        var lines = File.ReadAllLines(path).ToList();
        var data = Enumerable.Range(0, lines.Count).Where(i => !lines[i].StartsWith("//")).Take(4).ToArray();
        foreach (int i in data)
        {
            var f = lines[i].Split(' ');
            f[3] = f[3] == "7f" ? "80" : "7f"; // the scale
            lines[i] = string.Join(' ', f);
        }
        Reseal(path, lines);
        var seen = new List<MxvDifference>();
        var result = MxvCheck.File(path, 2, seen.Add);
        Assert.Equal(4, result.Differences);
        Assert.Equal(data.Take(2).Select(i => (long)i + 1), result.Reported.Select(d => d.Line));
        Assert.Equal(result.Reported, seen);
        Assert.Contains("file S=", result.Reported[0].Description);
        Assert.EndsWith("4 differ (first 2 shown)", result.Summary);
    }

    /// <summary>Rewrites a file with a trailer that matches its (changed) data lines.</summary>
    private static void Reseal(string path, List<string> lines)
    {
        var data = lines.Where(l => !l.StartsWith("//")).ToArray();
        uint crc = Crc32.Update(0, System.Text.Encoding.ASCII.GetBytes(string.Concat(data.Select(l => l + "\n"))));
        lines[^1] = $"// end {data.Length} {crc:x8}";
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
    }
}
