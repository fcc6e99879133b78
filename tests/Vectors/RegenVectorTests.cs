using MxRef.DropBack;
using MxRef.Formats;
using MxRef.Harness;
using MxRef.Quantization;
using MxRef.Tests.DropBack;
using MxRef.Vectors.Files;
using MxRef.Vectors.Operations;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// <c>op = regen</c> files (docs/vector-format.md): the generator's lines hold the weights the paper's definitions
/// give (W0 from <see cref="InitialWeightOracle"/>, tracked lanes from T), their expected codes are the DropBack access
/// path's (<see cref="WeightRegenerator.Blocks"/>), every corner class is hit, the bytes are a function of the options,
/// and malformed lines are rejected naming the field.
/// </summary>
public class RegenVectorTests : IDisposable
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

    private string Gen(string name, params string[] extra)
    {
        var path = _files.PathOf(name);
        var r = Run(["vectors", "gen", "--op", "regen", "--corners", "--random", "--count", "300", "--seed", "5", "-o", path, .. extra]);
        Assert.True(r.Code == 0, r.Err);
        if (!extra.Contains("--shard")) Assert.Contains("never hit: none", r.Out); // a shard holds part of the classes
        return path;
    }

    [Fact]
    public void GenStatsCheckAgree()
    {
        var path = Gen("r.mxv");
        var stats = Run("vectors", "stats", path);
        Assert.Equal(0, stats.Code);
        Assert.Contains("never hit: none", stats.Out);
        var check = Run("vectors", "check", path);
        Assert.Equal(0, check.Code);
        Assert.Contains("0 differ", check.Out);
    }

    [Fact]
    public void LinesHoldTheOracleWeightsAndTheAccessPathsCodes()
    {
        var path = Gen("o.mxv", "-k", "8", "--max-terms", "16");
        using var reader = MxvReader.Open(path);
        var r = new RegenVector(8);
        var w = new uint[8];
        int irwinHall = 0;
        while (reader.ReadNext(r))
        {
            r.Weights(w);
            for (int i = 0; i < 8; i++)
            {
                uint expected = r.Mask[i] ? r.Tracked[i] : InitialWeightOracle.Weight(r.Seed, r.Layer, r.Start + (uint)i, r.Terms, r.A);
                Assert.True(expected == w[i], $"line {reader.LineNumber} lane {i}: oracle {expected:x8}, model {w[i]:x8}");
            }
            irwinHall += r.Terms > 1 ? 1 : 0;
            // the ocp recipe is the access path's quantizer (BlockQuantizerAdapter, the OCP default policy)
            var store = new TrackedStore(Enumerable.Range(0, 8).Where(i => r.Mask[i]).Select(i => new TrackedEntry(r.Layer, r.Start + (uint)i, r.Tracked[i])));
            var blocks = WeightRegenerator.Blocks(r.Seed, r.Layer, r.MakeInitializer(), r.Start, 8, store,
                BlockFormat.TryParse($"{StandardFormats.Elements[r.Format].Name}/k8/e8m0")!);
            Assert.Equal(blocks.Scales[0], r.Scale);
            Assert.Equal(blocks.Elements.Select(e => (byte)e), r.P);
        }
        Assert.True(irwinHall > 0);
    }

    [Fact]
    public void TheSameOptionsWriteTheSameBytesWhateverTheThreads()
    {
        var a = Gen("a.mxv", "--threads", "1");
        var b = Gen("b.mxv", "--threads", "2");
        Assert.Equal(File.ReadAllLines(a).Skip(1), File.ReadAllLines(b).Skip(1));
        Assert.Equal(File.ReadAllLines(a)[0], File.ReadAllLines(b)[0].Replace("b.mxv", "a.mxv"));
    }

    [Fact]
    public void ShardsMergeIntoTheWholeRun()
    {
        var whole = Gen("whole.mxv");
        var parts = Enumerable.Range(0, 3).Select(i => Gen($"p{i}.mxv", "--shard", $"{i}/3")).ToList();
        var merged = _files.PathOf("merged.mxv");
        MxvMerge.Shards(parts, merged);
        static IEnumerable<string> Data(string p) => File.ReadAllLines(p).Where(l => !l.StartsWith("//"));
        Assert.Equal(Data(whole), Data(merged));
    }

    [Fact]
    public void RecipesRestrictTheirFormats()
    {
        Gen("te.mxv", "--recipe", "te", "--a", "e4m3,e5m2");
        var r = Run("vectors", "gen", "--op", "regen", "--recipe", "te", "--a", "e2m1", "-o", _files.PathOf("bad.mxv"));
        Assert.Equal(2, r.Code);
        Assert.Contains("FP8", r.Err);
    }

    [Fact]
    public void AnAlteredLineIsADifference()
    {
        var path = Gen("alt.mxv");
        var lines = File.ReadAllLines(path).ToList();
        int i = lines.FindIndex(l => !l.StartsWith("//"));
        var f = lines[i].Split(' ');
        f[8] = (Convert.ToByte(f[8], 16) ^ 1).ToString("x2");
        lines[i] = string.Join(' ', f);
        Rewrite(path, lines);
        var check = Run("vectors", "check", path);
        Assert.Equal(1, check.Code);
        Assert.Contains("1 differ", check.Out);
    }

    [Theory]
    [InlineData(3, "08000000", "BLOCK")]   // block index 0x08000000 · 32 = 2^32: beyond the last index
    [InlineData(4, "00", "N")]
    [InlineData(4, "11", "N")]
    [InlineData(6, "1ffffffff", "MASK")]
    [InlineData(0, "6", "FMT")]
    public void MalformedFieldsAreNamed(int field, string value, string name)
    {
        var path = Gen("bad.mxv");
        var lines = File.ReadAllLines(path).ToList();
        int i = lines.FindIndex(l => !l.StartsWith("//"));
        var f = lines[i].Split(' ');
        f[field] = value;
        lines[i] = string.Join(' ', f);
        Rewrite(path, lines);
        var e = Assert.Throws<MxvFormatException>(() => MxvCheck.File(path, 5));
        Assert.Equal(name, e.Field);
    }

    [Fact]
    public void UntrackedLanesMustBeZeroAndABadBoundIsAnInputError()
    {
        var path = Gen("t.mxv");
        var lines = File.ReadAllLines(path).ToList();
        int i = lines.FindIndex(l => !l.StartsWith("//"));
        var f = lines[i].Split(' ');
        Assert.Equal(new string('0', 8), f[6]); // the first corner tracks nothing
        var t = lines[i].Split(' ');
        t[7] = t[7][..^1] + "1";
        lines[i] = string.Join(' ', t);
        Rewrite(path, lines);
        Assert.Equal("T", Assert.Throws<MxvFormatException>(() => MxvCheck.File(path, 5)).Field);

        f[5] = "bf800000"; // a = -1
        lines[i] = string.Join(' ', f);
        Rewrite(path, lines);
        var check = Run("vectors", "check", path);
        Assert.Equal(2, check.Code);
        Assert.Contains("0xbf800000", check.Err);
    }

    /// <summary>Rewrites data lines with a fresh trailer (so only the altered field is wrong).</summary>
    private static void Rewrite(string path, List<string> lines)
    {
        var data = lines.Where(l => !l.StartsWith("//") && l.Length > 0).ToList();
        uint crc = MxRef.Vectors.Files.Crc32.Update(0, System.Text.Encoding.ASCII.GetBytes(string.Concat(data.Select(l => l + "\n"))));
        var kept = lines.Where(l => !l.StartsWith("// end")).ToList();
        kept.Add(MxvWriter.Trailer(data.Count, crc));
        File.WriteAllLines(path, kept);
    }
}
