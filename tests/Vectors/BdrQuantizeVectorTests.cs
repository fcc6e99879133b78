using System.Numerics;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Tests.CommandLine;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Operations;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// Shared-microexponent quantize vectors (op quantize-bdr): every line against the independent BigInteger oracle
/// (tests/Oracle/QuantizationOracle.QuantizeBdrBlock), an exhaustive element sweep, the line codec and its errors,
/// coverage, shards and the conformance files.
/// </summary>
public class BdrQuantizeVectorTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    public static TheoryData<string> Formats => new() { "mx9", "mx6", "mx4", "bdr-8-5-4-2-3" };

    private string Generate(string name, BdrQuantizeGeneratorOptions o)
    {
        var gen = new BdrQuantizeGenerator(o);
        var path = _files.PathOf(name);
        var coverage = BdrQuantizeRun.Write(gen, gen.Header("test"), path);
        Assert.Equal(gen.ShardEnd - gen.ShardStart, coverage.Vectors);
        return path;
    }

    /// <summary>Asserts that the vector's S, M and P are the oracle's block (scale code, microexponents, element values).</summary>
    private static void AgreesWithOracle(BdrQuantizeVector q, OraclePolicy p, string where)
    {
        var f = q.Format;
        int m = f.MagnitudeBits;
        var (scale, micro, values) = QuantizationOracle.QuantizeBdrBlock(f.BlockSize, f.Scale.Bits, f.Microexponent!.Size, f.Microexponent.Bits, m, q.V, p);
        Assert.True(scale == q.Scale, $"{where}: S file {q.Scale:x2}, oracle {scale:x2}");
        Assert.True(micro.Select(x => (byte)x).SequenceEqual(q.Micro), $"{where}: M file [{string.Join(' ', q.Micro)}], oracle [{string.Join(' ', micro)}]");
        bool nan = f.ScaleCodec.IsNaN(q.Scale);
        int e = nan ? 0 : f.ScaleCodec.Exponent(q.Scale);
        for (int i = 0; i < q.K; i++)
        {
            if (nan) { Assert.True(q.P[i] == 0, $"{where}: element {i} under a NaN scale is {q.P[i]:x}, not 0"); continue; }
            // The element's value: (−1)^s · M · 2^(E − τ − (m − 1)) (Rouhani et al., ISCA 2023, §3).
            var got = new OValue(OClass.Finite, (q.P[i] >> m) != 0, new BigInteger(q.P[i] & ((1u << m) - 1)), e - q.Micro[i / f.Microexponent.Size] - (m - 1));
            Assert.True(values[i].SameAs(got), $"{where}: element {i} (V {q.V[i]:x8}) file {q.P[i]:x} = {got}, oracle {values[i]}");
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryLineAgreesWithTheOracleAndChecksClean(string name)
    {
        var f = BlockFormat.TryParse(name)!;
        foreach (var (policy, oracle) in new[]
        {
            (QuantizationPolicy.Default, new OraclePolicy()),
            (QuantizationPolicy.Default with { Specials = SpecialsPolicy.Saturate, FlushSubnormalInputs = true }, new OraclePolicy(Specials: "saturate", Flush: true)),
        })
        {
            var path = Generate($"{name}-{oracle.Specials}.mxv", new BdrQuantizeGeneratorOptions
            {
                Format = f, Modes = RoundingModes.Deterministic, Policy = policy, Seed = 5, Count = 600, Corners = true, Random = true,
            });
            using (var reader = MxvReader.Open(path))
            {
                Assert.Equal(f, reader.Header.BdrQuantizeFormat);
                var q = new BdrQuantizeVector(f);
                long n = 0;
                while (reader.ReadNext(q))
                {
                    AgreesWithOracle(q, oracle with { Mode = q.Rounding.ShortName() }, $"{name} line {reader.LineNumber}");
                    n++;
                }
                Assert.True(n > 600);
            }
            Assert.Equal(0, MxvCheck.File(path, 5).Differences);
            var coverage = BdrQuantizeRun.Stats(path);
            Assert.True(!coverage.NeverHit.Any(), $"{name}: never hit {string.Join(' ', coverage.NeverHit)}");
        }
    }

    /// <summary>
    /// Exhaustive on a grid: every FP32 value with <paramref name="bits"/> significand bits (and the same with the
    /// lowest FP32 bit set: a sticky bit) in the four binades below 2^1, of both signs, as element 2 of a block whose
    /// element 0 is 1.0 (E = 0, τ of sub-block 0 = 0), under every deterministic mode, through the line codec.
    /// </summary>
    private static void Sweep(string name, int bits)
    {
        var f = BlockFormat.TryParse(name)!;
        var q = new BdrQuantizeVector(f);
        var back = new BdrQuantizeVector(f);
        int k2 = f.Microexponent!.Size;
        foreach (var mode in RoundingModes.Deterministic)
            for (int exp = 123; exp <= 127; exp++)
                for (uint s = 0; s < 1u << bits; s++)
                    for (uint low = 0; low < 2; low++)
                        for (uint sign = 0; sign < 2; sign++)
                        {
                            Array.Clear(q.V);
                            q.V[0] = 0x3F800000;
                            q.V[k2] = sign << 31 | (uint)exp << 23 | s << (23 - bits) | low;
                            q.Rounding = mode;
                            q.SetExpected(QuantizationPolicy.Default);
                            BdrQuantizeLine.Parse(BdrQuantizeLine.Format(q), back);
                            AgreesWithOracle(back, new OraclePolicy(mode.ShortName()), $"{name} {mode.ShortName()} V {q.V[k2]:x8}");
                        }
    }

    [Fact]
    public void Mx4ElementsAgreeWithTheOracleOnAnExhaustiveGrid() => Sweep("mx4", 6);

    [Theory]
    [Trait("Category", "Long")]
    [MemberData(nameof(Formats))]
    public void ElementsAgreeWithTheOracleOnAFineExhaustiveGrid(string name) => Sweep(name, 10);

    /// <summary>The example of docs/vector-format.md ("op = quantize-bdr"), decoded field by field.</summary>
    [Fact]
    public void TheDocumentedLineReadsAsDocumented()
    {
        const string line = "0 00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000003e8000003fc00000 7f fe 00000000000000000000000000001060";
        var q = new BdrQuantizeVector(BlockFormat.Mx9);
        BdrQuantizeLine.Parse(line, q);
        Assert.Equal(RoundingMode.NearestEven, q.Rounding);
        Assert.Equal(0x3FC00000u, q.V[0]); // 1.5
        Assert.Equal(0x3E800000u, q.V[1]); // 0.25
        Assert.Equal(0x7F, q.Scale);       // E = 0
        Assert.Equal(new byte[] { 0, 1, 1, 1, 1, 1, 1, 1 }, q.Micro); // all-zero pairs take the largest shift
        Assert.Equal(0x60u, q.P[0]);       // M · 2^(E − τ − (m − 1)) = 96 · 2^−6 = 1.5
        Assert.Equal(0x10u, q.P[1]);       // 16 · 2^−6 = 0.25 (sub-block 0: τ = 0)
        var expected = new BdrQuantizeVector(BlockFormat.Mx9) { Rounding = RoundingMode.NearestEven };
        q.V.CopyTo(expected.V, 0);
        expected.SetExpected(QuantizationPolicy.Default);
        Assert.Equal(line, BdrQuantizeLine.Format(expected));
    }

    [Theory]
    [InlineData("9 " + "00000000", "RM")]
    [InlineData("0 0000", "V")]
    [InlineData("0 {V} 7f 0 0000000000000000000000000000000000", "M")]
    [InlineData("0 {V} 7f 00 00", "P")]
    [InlineData("0 {V} 7f 00 {P} x", "end")]
    [InlineData("0 {V} zz 00 {P}", "S")]
    [InlineData("0 {V} 7f 100 {P}", "M")]
    public void MalformedLinesNameTheField(string line, string field)
    {
        var q = new BdrQuantizeVector(BlockFormat.Mx9);
        line = line.Replace("{V}", new string('0', 128)).Replace("{P}", new string('0', 32));
        var e = Assert.Throws<FieldException>(() => BdrQuantizeLine.Parse(line, q));
        Assert.Equal(field, e.Field);
    }

    [Theory]
    [InlineData("{\"op\":\"quantize-bdr\",\"block\":16}", "header.block_format")]
    [InlineData("{\"op\":\"quantize-bdr\",\"block\":32,\"block_format\":\"mx9\"}", "header.block")]
    [InlineData("{\"op\":\"quantize-bdr\",\"block\":32,\"block_format\":\"mxfp8-e4m3\"}", "header.block_format")]
    [InlineData("{\"op\":\"quantize-bdr\",\"block\":16,\"block_format\":\"mx99\"}", "header.block_format")]
    [InlineData("{\"op\":\"quantize-bdx\",\"block\":16}", "header.op")]
    public void BadHeadersNameTheField(string json, string field)
    {
        var e = Assert.Throws<MxvFormatException>(() => MxvHeader.Parse(MxvHeader.Magic + json, "f.mxv"));
        Assert.Contains(field, e.Message);
    }

    [Fact]
    public void ShardsMergeIntoTheUnshardedFileAndACorruptedLineIsReported()
    {
        var o = new BdrQuantizeGeneratorOptions { Format = BlockFormat.Mx6, Modes = [RoundingMode.NearestEven, RoundingMode.TowardZero], Seed = 9, Count = 300, Corners = true, Random = true };
        var whole = Generate("whole.mxv", o);
        var parts = Enumerable.Range(0, 3).Select(i => Generate($"part{i}.mxv", o with { ShardIndex = i, ShardCount = 3 })).ToList();
        var merged = _files.PathOf("merged.mxv");
        MxvMerge.Shards(parts, merged);
        Assert.Equal(File.ReadAllLines(whole).Skip(1).Where(l => !l.StartsWith("//")), File.ReadAllLines(merged).Skip(1).Where(l => !l.StartsWith("//")));

        var header = MxvReader.ReadHeader(whole);
        var bad = _files.PathOf("bad.mxv");
        using (var reader = MxvReader.Open(whole))
        using (var w = MxvWriter.Create(bad, header))
        {
            var q = new BdrQuantizeVector(BlockFormat.Mx6);
            for (int n = 0; reader.ReadNext(q); n++)
            {
                if (n == 40) q.Micro[1] ^= 1;
                w.WriteBdrQuantize(q);
            }
            w.Commit();
        }
        var (code, output, _) = CliRunner.Run("vectors", "check", bad);
        Assert.Equal(1, code);
        Assert.Contains(", 1 differ", output);
        Assert.Contains("golden S=", output);
    }

    [Fact]
    public void TheConformanceSetHasAFilePerSharedMicroexponentFormatThatChecksClean()
    {
        var dir = _files.PathOf("conformance");
        var files = ConformanceSet.WriteAll(dir, 1, out var skipped);
        Assert.Empty(skipped);
        foreach (var f in ConformanceSet.BdrFormats)
        {
            var file = Assert.Single(files, x => x.Formats.SequenceEqual([f]));
            Assert.Equal("ocp", file.Recipe.Name);
            Assert.Equal(Path.Combine(dir, $"ocp-{f.Name}.mxv"), file.Path);
            Assert.All(BdrCorners.Names, n => Assert.True(file.PerClass[n] > 0, n));
            var header = MxvReader.ReadHeader(file.Path);
            Assert.Equal("ocp", header.Recipe);
            Assert.Equal(["rne"], header.Rounding);
            Assert.Equal(0, MxvCheck.File(file.Path, 5).Differences);
            using var reader = MxvReader.Open(file.Path);
            var q = new BdrQuantizeVector(f);
            while (reader.ReadNext(q)) AgreesWithOracle(q, new OraclePolicy(), $"{file.Path}:{reader.LineNumber}");
        }
        Assert.Contains("RM V S M P", File.ReadAllText(Path.Combine(dir, "README.md")));
    }

    [Fact]
    public void TheCliWritesStatsAndRefusesWhatDoesNotApply()
    {
        var path = _files.PathOf("cli.mxv");
        var (code, output, err) = CliRunner.Run("vectors", "gen", "--op", "quantize-bdr", "--block-format", "mx4", "-r", "rne,rup", "--count", "200", "-o", path);
        Assert.True(code == 0, output + err);
        Assert.Contains("never hit: none", output);
        (code, output, _) = CliRunner.Run("vectors", "stats", path);
        Assert.Equal(0, code);
        Assert.Contains("bmicro:mixed", output);
        (code, _, err) = CliRunner.Run("vectors", "gen", "--op", "quantize-bdr", "--block-format", "mxfp8-e4m3", "-o", path);
        Assert.Equal(2, code);
        Assert.Contains("no microexponents", err);
        (code, _, err) = CliRunner.Run("vectors", "gen", "--op", "quantize-bdr", "--block-format", "mx6", "--scale-rule", "ceil", "-o", path);
        Assert.Equal(2, code);
        Assert.Contains("floor rule only", err);
        (code, _, err) = CliRunner.Run("vectors", "gen", "--op", "quantize-bdr", "--block-format", "mx6", "--recipe", "torchao-floor", "-o", path);
        Assert.Equal(2, code);
        Assert.Contains("use ocp", err);
    }
}
