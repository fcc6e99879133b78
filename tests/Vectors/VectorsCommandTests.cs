using MxRef.Harness;
using Xunit;

namespace MxRef.Tests.Vectors;

public class VectorsCommandTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = Cli.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void GenStatsCheckAgree()
    {
        var path = _files.PathOf("g.mxv");
        var gen = Run("vectors", "gen", "--a", "e4m3,int8", "--b", "e2m1", "-r", "rne,rdn", "-k", "4", "--count", "500", "--seed", "0x2a", "-o", path);
        Assert.Equal(0, gen.Code);
        Assert.Contains("coverage:", gen.Out);
        var stats = Run("vectors", "stats", path);
        Assert.Equal(0, stats.Code);
        // gen's summary and stats' are the same report
        Assert.Equal(gen.Out[gen.Out.IndexOf("coverage:")..], stats.Out[stats.Out.IndexOf("coverage:")..]);
        var check = Run("vectors", "check", path);
        Assert.Equal(0, check.Code);
        Assert.Contains("0 differ", check.Out);
    }

    [Fact]
    public void TheSameCommandWritesTheSameBytes()
    {
        var path = _files.PathOf("d.mxv");
        string[] args = ["vectors", "gen", "--a", "e5m2", "--b", "e2m3", "-k", "3", "--count", "2000", "--seed", "99", "--out", "fp16", "-o", path];
        Assert.Equal(0, Run(args).Code);
        var first = File.ReadAllBytes(path);
        Assert.Equal(0, Run([.. args, "--threads", "1"]).Code); // the thread count changes nothing, not even the header
        Assert.Equal(first, File.ReadAllBytes(path));
        Assert.Equal(0, Run([.. args, "--threads", "3"]).Code);
        Assert.Equal(first, File.ReadAllBytes(path));
    }

    [Fact]
    public void CheckReportsWrongExpectedValuesWithExitCode1()
    {
        var path = _files.PathOf("w.mxv");
        Assert.Equal(0, Run("vectors", "gen", "--a", "e4m3", "--b", "e4m3", "-r", "rne", "-k", "2", "--random", "--count", "50", "-o", path).Code);
        // Change one expected D and re-seal the file with a correct trailer: well-formed, but wrong.
        var lines = File.ReadAllLines(path).ToList();
        int i = lines.FindIndex(l => !l.StartsWith("//"));
        var f = lines[i].Split(' ');
        f[8] = f[8] == "00000000" ? "3f800000" : "00000000";
        lines[i] = string.Join(' ', f);
        var data = lines.Where(l => !l.StartsWith("//")).ToArray();
        uint crc = MxRef.Vectors.Files.Crc32.Update(0, System.Text.Encoding.ASCII.GetBytes(string.Concat(data.Select(l => l + "\n"))));
        lines[^1] = $"// end {data.Length} {crc:x8}";
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        var check = Run("vectors", "check", path);
        Assert.Equal(1, check.Code);
        Assert.Contains($"{path}:{i + 1}: file D=", check.Out);
        Assert.Contains("FA=e4m3", check.Out);
        Assert.Contains("1 differ", check.Out);
    }

    [Fact]
    public void MalformedInputIsExitCode2WithFileLineAndField()
    {
        var path = _files.PathOf("m.mxv");
        File.WriteAllText(path, "// mxref-vectors 1 {\"op\":\"dot\",\"block\":1}\n0 0 0 7f 38 7f 38 zz000000 3f800000 00\n// end 1 00000000\n");
        var check = Run("vectors", "check", path);
        Assert.Equal(2, check.Code);
        Assert.Contains($"{path}:2: C:", check.Err);
        Assert.Equal(2, Run("vectors", "stats", _files.PathOf("missing.mxv")).Code);
        Assert.Equal(2, Run("vectors", "gen", "--a", "e9m9", "-o", _files.PathOf("x.mxv")).Code);
        Assert.Equal(2, Run("vectors", "gen", "--shard", "3/3", "-o", _files.PathOf("x.mxv")).Code);
        Assert.Equal(2, Run("vectors", "gen", "--exhaustive", "-k", "2", "-o", _files.PathOf("x.mxv")).Code);
        Assert.False(File.Exists(_files.PathOf("x.mxv")));
    }
}

public class MergeCommandTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void MergedShardsHoldTheUnshardedRunsDataLines()
    {
        string[] run = ["vectors", "gen", "--a", "e4m3", "--b", "e2m1,int8", "-k", "2", "--count", "700", "--seed", "5"];
        Assert.Equal(0, MxRef.Harness.Cli.Run([.. run, "-o", _files.PathOf("whole.mxv")], TextWriter.Null, TextWriter.Null));
        var parts = Enumerable.Range(0, 3).Select(i => _files.PathOf($"p{i}.mxv")).ToArray();
        for (int i = 0; i < 3; i++)
            Assert.Equal(0, MxRef.Harness.Cli.Run([.. run, "--shard", $"{i}/3", "-o", parts[i]], TextWriter.Null, TextWriter.Null));
        var err = new StringWriter();
        Assert.Equal(0, MxRef.Harness.Cli.Run(["vectors", "merge", .. parts, "-o", _files.PathOf("merged.mxv")], TextWriter.Null, err));
        static string[] Data(string p) => File.ReadAllLines(p).Where(l => !l.StartsWith("//")).ToArray();
        Assert.Equal(Data(_files.PathOf("whole.mxv")), Data(_files.PathOf("merged.mxv")));
        Assert.Equal(0, MxRef.Harness.Cli.Run(["vectors", "check", _files.PathOf("merged.mxv")], TextWriter.Null, TextWriter.Null));

        // Out of order, or a missing part: refused with exit code 2, no output file.
        Assert.Equal(2, MxRef.Harness.Cli.Run(["vectors", "merge", parts[1], parts[0], parts[2], "-o", _files.PathOf("bad.mxv")], TextWriter.Null, err));
        Assert.Equal(2, MxRef.Harness.Cli.Run(["vectors", "merge", parts[0], parts[1], "-o", _files.PathOf("bad.mxv")], TextWriter.Null, err));
        Assert.False(File.Exists(_files.PathOf("bad.mxv")));
    }
}

public class QuantizeVectorsTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static int Run(TextWriter? output, params string[] args) => MxRef.Harness.Cli.Run(args, output ?? TextWriter.Null, TextWriter.Null);

    [Fact]
    public void QuantizeFilesAreGeneratedCheckedAndDeterministic()
    {
        var path = _files.PathOf("q.mxv");
        string[] gen = ["vectors", "gen", "--op", "quantize", "--a", "e4m3,e2m1,int8", "-k", "8", "--count", "500", "--seed", "3", "--scale-rule", "ceil", "-o", path];
        Assert.Equal(0, Run(null, gen));
        var first = File.ReadAllBytes(path);
        Assert.Equal(0, Run(null, gen));
        Assert.Equal(first, File.ReadAllBytes(path));
        var header = MxRef.Vectors.Files.MxvReader.ReadHeader(path);
        Assert.Equal("quantize", header.Op);
        Assert.Contains("scale-rule=ceil", header.Quantization);
        var check = new StringWriter();
        Assert.Equal(0, Run(check, "vectors", "check", path));
        Assert.Contains(" 0 differ", check.ToString());

        // Shards hold the same lines.
        var parts = Enumerable.Range(0, 2).Select(i => _files.PathOf($"q{i}.mxv")).ToArray();
        for (int i = 0; i < 2; i++) Assert.Equal(0, Run(null, [.. gen[..^1], parts[i], "--shard", $"{i}/2"]));
        static IEnumerable<string> Data(string p) => File.ReadAllLines(p).Where(l => !l.StartsWith("//"));
        Assert.Equal(Data(path), parts.SelectMany(Data));
    }

    [Fact]
    public void AWrongQuantizeExpectationIsReported()
    {
        var path = _files.PathOf("w.mxv");
        Assert.Equal(0, Run(null, "vectors", "gen", "--op", "quantize", "--a", "e5m2", "-k", "2", "--random", "--count", "20", "-o", path));
        var lines = File.ReadAllLines(path).ToList();
        int i = lines.FindIndex(l => !l.StartsWith("//"));
        var f = lines[i].Split(' ');
        f[3] = f[3] == "7f" ? "80" : "7f"; // the scale
        lines[i] = string.Join(' ', f);
        var data = lines.Where(l => !l.StartsWith("//")).ToArray();
        uint crc = MxRef.Vectors.Files.Crc32.Update(0, System.Text.Encoding.ASCII.GetBytes(string.Concat(data.Select(l => l + "\n"))));
        lines[^1] = $"// end {data.Length} {crc:x8}";
        File.WriteAllText(path, string.Join('\n', lines) + "\n");
        var check = new StringWriter();
        Assert.Equal(1, Run(check, "vectors", "check", path));
        Assert.Contains($"{path}:{i + 1}: file S=", check.ToString());

        File.WriteAllText(path, "// mxref-vectors 1 {\"op\":\"quantize\",\"block\":1,\"quantization\":\"scale-rule=round\"}\n// end 0 00000000\n");
        Assert.Equal(2, Run(null, "vectors", "check", path));
    }
}

public class QuantizeMergeCommandTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void QuantizeShardsMergeIntoTheUnshardedRun()
    {
        // Merging quantize shards used to fail with exit 2: every line was parsed as a dot line.
        string[] gen = ["vectors", "gen", "--op", "quantize", "--a", "e4m3", "-k", "4", "--count", "50", "--seed", "9"];
        Assert.Equal(0, MxRef.Harness.Cli.Run([.. gen, "-o", _files.PathOf("whole.mxv")], TextWriter.Null, TextWriter.Null));
        var parts = Enumerable.Range(0, 2).Select(i => _files.PathOf($"q{i}.mxv")).ToArray();
        for (int i = 0; i < 2; i++)
            Assert.Equal(0, MxRef.Harness.Cli.Run([.. gen, "--shard", $"{i}/2", "-o", parts[i]], TextWriter.Null, TextWriter.Null));
        var o = new StringWriter();
        var e = new StringWriter();
        Assert.Equal(0, MxRef.Harness.Cli.Run(["vectors", "merge", .. parts, "-o", _files.PathOf("merged.mxv")], o, e));
        Assert.Equal("", e.ToString());
        static string[] Data(string p) => File.ReadAllLines(p).Where(l => !l.StartsWith("//")).ToArray();
        Assert.Equal(Data(_files.PathOf("whole.mxv")), Data(_files.PathOf("merged.mxv")));
        Assert.Contains($"merged 2 parts, {Data(_files.PathOf("whole.mxv")).Length} vectors", o.ToString());
        Assert.Equal(0, MxRef.Harness.Cli.Run(["vectors", "check", _files.PathOf("merged.mxv")], TextWriter.Null, TextWriter.Null));
    }

    [Fact]
    public void QuantizeGenAndStatsPrintTheSameCoverage()
    {
        var path = _files.PathOf("q.mxv");
        var gen = new StringWriter();
        Assert.Equal(0, MxRef.Harness.Cli.Run(["vectors", "gen", "--op", "quantize", "--a", "e2m1,int8", "-k", "2", "--count", "80", "-o", path], gen, TextWriter.Null));
        var stats = new StringWriter();
        Assert.Equal(0, MxRef.Harness.Cli.Run(["vectors", "stats", path], stats, TextWriter.Null));
        Assert.Equal(gen.ToString()[gen.ToString().IndexOf("coverage:")..], stats.ToString()[stats.ToString().IndexOf("coverage:")..]);
        var err = new StringWriter();
        Assert.Equal(2, MxRef.Harness.Cli.Run(["vectors", "gen", "--op", "quantize", "--scale-rule", "round", "-o", path], TextWriter.Null, err));
        Assert.Contains("unknown --scale-rule 'round'; valid: floor, ceil", err.ToString());
    }
}
