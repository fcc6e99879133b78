using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Operations;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// Dot vectors with a per-vector output format (FP32, BF16, FP16): the OUT field of the line (only in files whose
/// header lists several outputs, so older files and benches read as before), the generator taking the outputs in turn,
/// the expected results against the independent oracle, the <c>out:FMT:</c> coverage classes, and check/stats/merge.
/// </summary>
public sealed class PerVectorOutputTests
{
    private static readonly string Dir = Path.Combine(Path.GetTempPath(), $"mxref-outfmt-{Environment.ProcessId}");

    private static string TempFile(string name)
    {
        Directory.CreateDirectory(Dir);
        return Path.Combine(Dir, name);
    }

    private static DotGeneratorOptions Options(int k, params NumberFormat[] outputs) => new DotGeneratorOptions
    {
        FormatsA = [StandardFormats.E4M3, StandardFormats.E2M1], FormatsB = [StandardFormats.E4M3, StandardFormats.E2M1],
        Modes = RoundingModes.Deterministic, Block = k, Seed = 5, Count = 3000, Corners = true, Random = true,
    }.WithOutputs(outputs);

    [Fact]
    public void TheOutFieldFollowsCAndSetsTheDigitsOfD()
    {
        // 1.0 x 2.0 + 1.0 = 3.0 (k = 1): FP32 40400000, BF16 4040, FP16 4200 (IEEE 754 binary16: 3.0 = 0x4200)
        var v = new DotVector(1);
        DotLine.Parse("0 0 0 7f 38 7f 40 3f800000 1 4040 00", v, withExpected: true, output: null);
        Assert.Equal((StandardFormats.Bf16, 0x4040u), (v.Output, v.D));
        DotLine.Parse("0 0 0 7f 38 7f 40 3f800000 2 4200 00", v, withExpected: true, output: null);
        Assert.Equal((StandardFormats.Fp16, 0x4200u), (v.Output, v.D));
        // an old line (no OUT) under the header's one output
        DotLine.Parse("0 0 0 7f 38 7f 40 3f800000 40400000 00", v, withExpected: true, StandardFormats.Fp32);
        Assert.Equal((StandardFormats.Fp32, 0x40400000u), (v.Output, v.D));
        // the writer's bytes read back, both layouts, through the byte and the char parser
        var w = new byte[MxvLine.MaxLength(1)];
        v.Output = StandardFormats.Bf16; v.D = 0x4040;
        int n = MxvLine.FormatDot(v, null, w);
        Assert.Equal("0 0 0 7f 38 7f 40 3f800000 1 4040 00\n", System.Text.Encoding.ASCII.GetString(w, 0, n));
        var u = new DotVector(1);
        DotLine.Parse(w.AsSpan(0, n - 1), u, withExpected: true, null);
        Assert.Equal((StandardFormats.Bf16, 0x4040u), (u.Output, u.D));
        n = MxvLine.FormatDot(v, StandardFormats.Bf16, w);
        Assert.Equal("0 0 0 7f 38 7f 40 3f800000 4040 00\n", System.Text.Encoding.ASCII.GetString(w, 0, n));
    }

    [Theory]
    [InlineData("0 0 0 7f 38 7f 40 3f800000 3 4040 00", "OUT", "not an output-format code; valid: 0 fp32, 1 bf16, 2 fp16")]
    [InlineData("0 0 0 7f 38 7f 40 3f800000 1 40400000 00", "D", "must be exactly 4 hex digits")]
    [InlineData("0 0 0 7f 38 7f 40 3f800000 4040 00", "OUT", "must be exactly 1 hex digit")]
    [InlineData("0 0 0 7f 38 7f 40 3f800000 1 4040", "FLAGS", "missing field FLAGS (expected 11 fields: FA FB RM SA A SB B C OUT D FLAGS)")]
    public void BadOutLinesNameTheField(string line, string field, string message)
    {
        var e = Assert.Throws<FieldException>(() => DotLine.Parse(line, new DotVector(1), withExpected: true, output: null));
        Assert.Equal(field, e.Field);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void AHeaderListsItsOutputsAndOnlyDotFilesOfOneScaleLevelTakeAList()
    {
        var h = MxvHeader.Parse("// mxref-vectors 1 {\"op\":\"dot\",\"block\":4,\"output\":\"fp32,bf16,fp16\"}", "x.mxv");
        Assert.True(h.PerVectorOutput);
        Assert.Null(h.LineOutput);
        Assert.Equal(StandardFormats.Outputs, h.OutputFormats);
        Assert.Equal(StandardFormats.Fp16, MxvHeader.Parse("// mxref-vectors 1 {\"op\":\"dot\",\"block\":4,\"output\":\"fp16\"}", "x.mxv").LineOutput);
        foreach (var (json, message) in new[]
        {
            ("{\"op\":\"dot\",\"block\":4,\"output\":\"fp32,fp8\"}", "'fp8' is not one of fp32, bf16, fp16"),
            ("{\"op\":\"dot\",\"block\":4,\"output\":\"bf16,bf16\"}", "names a format twice"),
            ("{\"op\":\"decode\",\"block\":4,\"output\":\"fp32,bf16\"}", "only dot files of one scale level"),
            ("{\"op\":\"dot\",\"block\":16,\"block_format\":\"mx9\",\"output\":\"fp32,bf16\"}", "only dot files of one scale level"),
        })
        {
            var e = Assert.Throws<MxvFormatException>(() => MxvHeader.Parse("// mxref-vectors 1 " + json, "x.mxv"));
            Assert.Contains("header.output", e.Message);
            Assert.Contains(message, e.Message);
        }
    }

    [Fact]
    public void OneOutputGivesTheSameVectorsAsBeforeAndSeveralTakeThemInTurn()
    {
        var one = new DotVectorGenerator(Options(4, StandardFormats.Fp32));
        var plain = new DotVectorGenerator(Options(4) with { OutputList = null });
        Assert.Equal(plain.Sections, one.Sections);
        Assert.Equal("fp32", one.Header().Output);
        var all = new DotVectorGenerator(Options(4, StandardFormats.Fp32, StandardFormats.Bf16, StandardFormats.Fp16));
        Assert.Equal("fp32,bf16,fp16", all.Header().Output);
        var bf16 = new DotVectorGenerator(Options(4, StandardFormats.Bf16));
        // the corner sets once per output, named with it; then one random section
        Assert.Equal(3 * (one.Total - 3000) + 3000, all.Total);
        Assert.Contains(all.Sections, s => s.Name == "corners/results bf16");
        Assert.Equal("random", all.Sections[^1].Name);
        // corner vector j of the bf16 block is corner vector j of a bf16-only run (inputs and result)
        long bf16Start = all.Sections.First(s => s.Name.EndsWith(" bf16", StringComparison.Ordinal)).Start;
        var (x, y) = (new DotVector(4), new DotVector(4));
        for (long j = 0; j < bf16.Sections[^1].Start; j += 97)
        {
            all.Generate(bf16Start + j, x);
            bf16.Generate(j, y);
            Assert.Equal(DotLine.FormatInputs(y), DotLine.FormatInputs(x));
            Assert.Equal((StandardFormats.Bf16, y.D, y.Flags), (x.Output, x.D, x.Flags));
        }
        // random vector j takes output j mod 3 and is vector j of that output's run
        long r0 = all.Sections[^1].Start, s0 = one.Sections[^1].Start;
        for (long j = 0; j < 30; j++)
        {
            all.Generate(r0 + j, x);
            var own = new DotVectorGenerator(Options(4, StandardFormats.Outputs[(int)(j % 3)]));
            own.Generate(s0 + j, y);
            Assert.Equal(StandardFormats.Outputs[(int)(j % 3)], x.Output);
            Assert.Equal((DotLine.FormatInputs(y), y.D, y.Flags), (DotLine.FormatInputs(x), x.D, x.Flags));
        }
    }

    [Fact]
    public void NarrowResultsOfTheGeneratorMatchTheIndependentOracle()
    {
        // Every BF16 and FP16 corner vector (the families aim at each output's overflow, rounding and underflow
        // boundaries) and some random ones, checked against the BigInteger oracle (tests/Oracle/DotOracle.cs).
        var gen = new DotVectorGenerator(Options(4, StandardFormats.Bf16, StandardFormats.Fp16) with { Count = 2000 });
        var v = new DotVector(4);
        long narrow = 0;
        for (long i = 0; i < gen.Total; i++)
        {
            gen.Generate(i, v);
            var o = v.Output == StandardFormats.Bf16 ? OracleFormat.Bf16 : OracleFormat.Fp16;
            var (bits, flags) = DotOracle.Fused(v.FormatCodeA, v.A, v.ScaleA, v.FormatCodeB, v.B, v.ScaleB, v.C, (int)v.Rounding, o);
            if (bits != v.D || flags != v.Flags)
                Assert.Fail($"vector {i} ({gen.SectionOf(i).Name}, {v.Output.Name}): {DotLine.FormatInputs(v)}: model {v.D:x4} {v.Flags:x2}, oracle {bits:x4} {flags:x2}");
            narrow++;
        }
        Assert.True(narrow > 10000, $"{narrow} vectors");
    }

    /// <summary>
    /// <see cref="DotGeneratorOptions.Outputs"/> is resolved when Output or OutputList is set (by an initializer or by
    /// <c>with</c>, in either order), not built on each read, and options equal field by field stay equal records.
    /// </summary>
    [Fact]
    public void OutputsAreResolvedWhenSetAndFollowWith()
    {
        static string Names(DotGeneratorOptions x) => string.Join(',', x.Outputs.Select(f => f.Name));
        var o = new DotGeneratorOptions { FormatsA = [StandardFormats.E4M3], FormatsB = [StandardFormats.E2M1], Modes = RoundingModes.Deterministic };
        Assert.Same(o.Outputs, o.Outputs);
        Assert.Equal("fp32", Names(o));
        Assert.Equal("bf16", Names(o with { Output = StandardFormats.Bf16 }));
        var several = o.WithOutputs([StandardFormats.Fp16, StandardFormats.Fp32]);
        Assert.Equal("fp16,fp32", Names(several));
        Assert.Same(StandardFormats.Fp16, several.Output);
        Assert.Equal("bf16", Names(several with { OutputList = null, Output = StandardFormats.Bf16 }));
        Assert.Equal("bf16", Names(several with { Output = StandardFormats.Bf16, OutputList = null }));
        Assert.Equal("fp16,fp32", Names(several with { Output = StandardFormats.Bf16 }));
        Assert.True((o with { Output = StandardFormats.Fp16 }) == (o with { Output = StandardFormats.Fp16 }));
        Assert.True(o == (o with { Output = StandardFormats.Bf16 } with { Output = StandardFormats.Fp32 }));
    }

    /// <summary>
    /// Options equal field by field are equal records (and hash alike) whatever the output format: one outside
    /// <see cref="StandardFormats.Outputs"/>, or an equal format that is another object (a <c>with</c> copy).
    /// </summary>
    [Fact]
    public void OptionsWithEqualOutputsAreEqualForAnyOutputFormat()
    {
        var o = new DotGeneratorOptions { FormatsA = [StandardFormats.E4M3], FormatsB = [StandardFormats.E2M1], Modes = RoundingModes.Deterministic };
        foreach (var output in new[] { StandardFormats.E5M2, StandardFormats.Bf16 with { }, StandardFormats.Fp16 })
        {
            var x = o with { Output = output };
            var y = o with { Output = output with { } };
            Assert.NotSame(x.Output, y.Output);
            Assert.Equal(x, y);
            Assert.Equal(x.GetHashCode(), y.GetHashCode());
            Assert.Equal(new[] { output }, x.Outputs);
        }
        Assert.Equal(o with { Output = StandardFormats.Bf16 with { } }, o with { Output = StandardFormats.Bf16 });
    }

    [Fact]
    public void GenCheckStatsAndMergeReadPerVectorFiles()
    {
        var o = Options(4, StandardFormats.Fp32, StandardFormats.Bf16, StandardFormats.Fp16);
        var gen = new DotVectorGenerator(o);
        var path = TempFile("all.mxv");
        var coverage = GenerationRun.Write(gen, gen.Header("test"), path, threads: 2);
        Assert.Empty(coverage.Missing);
        foreach (var output in new[] { "bf16", "fp16" })
            foreach (var r in CoverageClasses.OutputResults)
                Assert.True(coverage[$"out:{output}:{r}"] > 0, $"out:{output}:{r} never hit");
        Assert.Contains(File.ReadLines(path).Skip(2).Take(3), l => !l.StartsWith("//", StringComparison.Ordinal) && l.Split(' ').Length == 11);
        Assert.Equal(0, MxvCheck.File(path, 10).Differences);
        var stats = MxvStats.Dot(path);
        Assert.Empty(stats.Missing);
        Assert.Equal(coverage["out:fp16:overflow-boundary"], stats["out:fp16:overflow-boundary"]);
        // shards merge into the same bytes
        var parts = Enumerable.Range(0, 3).Select(s =>
        {
            var g = new DotVectorGenerator(o with { ShardIndex = s, ShardCount = 3 });
            var p = TempFile($"all.{s}.mxv");
            GenerationRun.Write(g, g.Header("test"), p, threads: 1);
            return p;
        }).ToArray();
        var merged = TempFile("merged.mxv");
        MxvMerge.Shards(parts, merged);
        Assert.Equal(File.ReadLines(path).Where(l => !l.StartsWith("//", StringComparison.Ordinal)), File.ReadLines(merged).Where(l => !l.StartsWith("//", StringComparison.Ordinal)));
        // an altered line is a difference measured in ulps of its own output
        var lines = File.ReadAllLines(path);
        int at = Array.FindIndex(lines, l => l.Split(' ') is { Length: 11 } f && f[8] == "1" && f[9] != "7fc0" && f[10] == "01");
        var f = lines[at].Split(' ');
        f[9] = (Convert.ToUInt32(f[9], 16) + 1).ToString("x4");
        lines[at] = string.Join(' ', f);
        var data = lines.Where(l => l.Length > 0 && !l.StartsWith("//", StringComparison.Ordinal)).ToArray();
        lines[^1] = $"// end {data.Length} {Crc32.Update(0, System.Text.Encoding.ASCII.GetBytes(string.Concat(data.Select(l => l + "\n")))):x8}";
        var edited = TempFile("edited.mxv");
        File.WriteAllLines(edited, lines);
        var differences = new List<MxvDifference>();
        var result = MxvCheck.File(edited, 10, differences.Add);
        Assert.Equal(1, result.Differences);
        Assert.Contains("OUT=bf16", differences[0].Description);
        Assert.Contains("1 ulp", differences[0].Description);
    }
}
