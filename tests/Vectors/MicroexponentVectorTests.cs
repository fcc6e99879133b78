using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Operations;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>Dot vector files of the shared-microexponent formats: header, line codec, expected results against the oracle, corners, coverage, shards.</summary>
public class MicroexponentVectorTests : IDisposable
{
    private readonly VectorTestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static MicroexponentDotOptions Options(BlockFormat f, long count = 2000) => new()
    {
        Format = f, Modes = RoundingModes.Deterministic, Seed = 11, Count = count, Corners = true, Random = true,
    };

    private string Generate(string name, MicroexponentDotOptions o)
    {
        var gen = new MicroexponentDotGenerator(o);
        var path = _files.PathOf(name);
        MicroexponentDotRun.Write(gen, gen.Header("test"), path);
        return path;
    }

    public static TheoryData<string> Formats => new() { "mx9", "mx6", "mx4" };

    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryLineAgreesWithTheOracleAndCheckPasses(string name)
    {
        var f = BlockFormat.TryParse(name)!;
        var path = Generate(name + ".mxv", Options(f));
        using (var reader = MxvReader.Open(path))
        {
            Assert.Equal(name, reader.Header.BlockFormat);
            Assert.Same(f, reader.Header.MicroexponentFormat);
            var shape = new MicroexponentDotOracle.Shape(f.MagnitudeBits, 2);
            var v = new MicroexponentDotVector(f, 16);
            long n = 0;
            while (reader.ReadNext(v))
            {
                var (bits, flags) = MicroexponentDotOracle.Fused(shape, v.ScaleA, v.MicroA, v.A, v.ScaleB, v.MicroB, v.B, v.C, (int)v.Rounding, OracleFormat.Fp32);
                Assert.True(bits == v.D && flags == v.Flags,
                    $"line {reader.LineNumber}: {MicroexponentDotLine.FormatInputs(v)}: file {v.D:x8} {v.Flags:x2}, oracle {bits:x8} {flags:x2}");
                n++;
            }
            Assert.True(n > 2000);
        }
        var result = MxvCheck.File(path, 5);
        Assert.Equal(0, result.Differences);
        var coverage = MicroexponentDotStats.File(path);
        Assert.Empty(coverage.Missing);
    }

    [Fact]
    public void TheLineCodecRoundTripsAndNamesBadFields()
    {
        var f = BlockFormat.Mx6;
        var gen = new MicroexponentDotGenerator(Options(f, 50));
        var v = gen.NewVector();
        var back = new MicroexponentDotVector(f, 16);
        for (long i = 0; i < gen.Total; i += 7)
        {
            gen.Generate(i, v);
            string line = MicroexponentDotLine.Format(v, StandardFormats.Fp32);
            MicroexponentDotLine.Parse(line, back, withExpected: true, StandardFormats.Fp32);
            Assert.Equal(line, MicroexponentDotLine.Format(back, StandardFormats.Fp32));
        }
        // MX6: 16 five-bit codes are 80 bits, 20 digits; 8 one-bit microexponents are 2 digits.
        var e = Assert.Throws<FieldException>(() => MicroexponentDotLine.Parse("0 7f 00 0000000000000000000 7f 00 00000000000000000000 00000000", back, false, StandardFormats.Fp32));
        Assert.Equal("A", e.Field);
        e = Assert.Throws<FieldException>(() => MicroexponentDotLine.Parse("0 7f 000 00000000000000000000 7f 00 00000000000000000000 00000000", back, false, StandardFormats.Fp32));
        Assert.Equal("MA", e.Field);
        e = Assert.Throws<FieldException>(() => MicroexponentDotLine.Parse("6 7f 00 00000000000000000000 7f 00 00000000000000000000 00000000", back, false, StandardFormats.Fp32));
        Assert.Equal("RM", e.Field);
    }

    [Fact]
    public void CornersVisitEveryMicroexponentPatternAndScaleCorner()
    {
        var f = BlockFormat.Mx9;
        var gen = new MicroexponentDotGenerator(Options(f, 0) with { Random = false, Modes = [RoundingMode.NearestEven] });
        var micro = gen.Sections.Single(s => s.Name == "corners/microexponents");
        var patterns = new HashSet<int>();
        var v = gen.NewVector();
        for (long i = micro.Start; i < micro.End; i++)
        {
            gen.Generate(i, v);
            patterns.Add(v.MicroA.Select((t, j) => t << j).Sum());
        }
        Assert.Equal(256, patterns.Count);
        var scales = gen.Sections.Single(s => s.Name == "corners/scales");
        var pairs = new HashSet<(byte, byte)>();
        for (long i = scales.Start; i < scales.End; i++)
        {
            gen.Generate(i, v);
            pairs.Add((v.ScaleA, v.ScaleB));
        }
        Assert.Contains(((byte)0x00, (byte)0x00), pairs);
        Assert.Contains(((byte)0xFE, (byte)0xFE), pairs);
        Assert.Contains(((byte)0xFF, (byte)0x7F), pairs);
        Assert.Equal(36, pairs.Count);
    }

    [Fact]
    public void ShardsMergeIntoTheUnshardedFile()
    {
        var o = Options(BlockFormat.Mx4, 500);
        var whole = Generate("whole.mxv", o);
        var parts = Enumerable.Range(0, 3).Select(i => Generate($"p{i}.mxv", o with { ShardIndex = i, ShardCount = 3 })).ToArray();
        var merged = _files.PathOf("merged.mxv");
        MxvMerge.Shards(parts, merged);
        Assert.Equal(File.ReadAllLines(whole).Skip(1).Where(l => !l.StartsWith("// class", StringComparison.Ordinal)),
            File.ReadAllLines(merged).Skip(1).Where(l => !l.StartsWith("// class", StringComparison.Ordinal)));
    }

    [Fact]
    public void HeadersThatDoNotFitAreRejected()
    {
        var path = _files.PathOf("bad.mxv");
        File.WriteAllText(path, "// mxref-vectors 1 {\"op\":\"dot\",\"block\":15,\"block_format\":\"mx9\"}\n// end 0 00000000\n");
        var e = Assert.Throws<MxvFormatException>(() => MxvReader.Open(path));
        Assert.Contains("header.block", e.Message);
        File.WriteAllText(path, "// mxref-vectors 1 {\"op\":\"dot\",\"block\":16,\"block_format\":\"mx9\",\"acc\":\"fp32-sum\"}\n// end 0 00000000\n");
        e = Assert.Throws<MxvFormatException>(() => MxvReader.Open(path));
        Assert.Contains("header.acc", e.Message);
    }
}
