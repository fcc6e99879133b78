using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Tests.CommandLine;
using MxRef.Tests.Oracle;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>The recipe corner classes, the conformance files made from them, and the recipe diff.</summary>
public sealed class RecipeConformanceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("conformance").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    public static TheoryData<string> Formats() => [.. ConformanceSet.Formats.Select(f => f.Name)];

    [Theory]
    [MemberData(nameof(Formats))]
    public void EveryClassHasBlocksOfTheFormatsSize(string name)
    {
        var f = BlockFormat.TryParse(name)!;
        var classes = RecipeCorners.For(f);
        Assert.Equal(RecipeCorners.Names, classes.Select(c => c.Name));
        foreach (var c in classes)
        {
            Assert.NotEmpty(c.Blocks);
            Assert.All(c.Blocks, b => Assert.Equal(f.BlockSize, b.Length));
        }
        Assert.Equal(
            RecipeCorners.For(f).SelectMany(c => c.Blocks).SelectMany(b => b),
            classes.SelectMany(c => c.Blocks).SelectMany(b => b)); // deterministic
    }

    [Fact]
    public void ClassesHoldWhatTheyProbe()
    {
        var f = BlockFormat.MxFp8E4M3;
        var c = RecipeCorners.For(f).ToDictionary(x => x.Name);
        Assert.All(c["fp32-subnormal-amax"].Blocks, b => Assert.All(b, v => Assert.True((v & 0x7F800000) == 0)));
        Assert.All(c["inf-nan"].Blocks, b => Assert.Contains(b, v => (v & 0x7F800000) == 0x7F800000));
        Assert.Contains(c["amax-pow2"].Blocks, b => b.Max(v => v & 0x7FFFFFFF) == 0x3F800000); // amax exactly 2^0
        Assert.Contains(c["signed-zeros"].Blocks, b => b.All(v => v == 0x80000000));
    }

    /// <summary>
    /// Every vector of the OCP recipe's file agrees with the independent BigInteger quantization oracle (floor rule,
    /// rne, NaN scale for specials, symmetric INT8: OCP MX v1.0 §6.3), and the file checks clean.
    /// </summary>
    [Fact]
    public void OcpConformanceVectorsMatchTheOracleAndCheckClean()
    {
        string path = Path.Combine(_dir, "ocp.mxv");
        var file = ConformanceSet.Write(path, Recipe.TryParse("ocp")!);
        Assert.All(RecipeCorners.Names, n => Assert.True(file.PerClass[n] > 0, n));
        using (var reader = MxvReader.Open(path))
        {
            Assert.Equal("ocp", reader.Header.Recipe);
            Assert.Contains("mxfp8-e4m3", reader.Header.BlockFormats!);
            var q = new QuantizeVector(reader.Header.Block);
            var p = new OraclePolicy("rne", Ceil: false, Specials: "nan-scale", FullInt: false);
            while (reader.ReadNext(q))
            {
                var f = OracleFormat.Elements[StandardFormats.ElementCode(q.Format)];
                var (scale, elements) = QuantizationOracle.QuantizeBlock(f, q.V, q.K, p);
                Assert.True(scale == q.Scale, $"line {reader.LineNumber}: oracle scale {scale:x2}");
                for (int j = 0; j < q.K; j++)
                    Assert.True(elements[j].SameAs(ConversionOracle.Decode(f, q.P[j])), $"line {reader.LineNumber}: element {j} oracle {elements[j]}");
            }
        }
        var (code, output, err) = CliRunner.Run("vectors", "check", path);
        Assert.True(code == 0, output + err);
        Assert.Contains($"{file.Count} vectors, 0 differ", output);
    }

    [Fact]
    public void ACorruptedExpectationIsReportedAgainstTheRecipe()
    {
        string path = Path.Combine(_dir, "g.mxv");
        var (code, output, _) = CliRunner.Run("vectors", "gen", "--op", "quantize", "--recipe", "microxcaling", "-o", path);
        Assert.Equal(0, code);
        Assert.Contains("element-ties", output);
        var lines = File.ReadAllLines(path).ToList();
        var header = MxvHeader.Parse(lines[0], path);
        int first = lines.FindIndex(1, l => !l.StartsWith("//", StringComparison.Ordinal));
        var q = new QuantizeVector(header.Block);
        QuantizeLine.Parse(lines[first], q);
        q.Scale ^= 1;
        // Rewrite the file with the changed line and a fresh trailer (the checksum must match for the check to reach it).
        using (var w = MxvWriter.Create(path, header))
        {
            var q2 = new QuantizeVector(header.Block);
            foreach (var l in lines.Skip(1).Where(l => !l.StartsWith("//", StringComparison.Ordinal)))
            {
                QuantizeLine.Parse(l, q2);
                w.WriteQuantize(l == lines[first] ? q : q2);
            }
            w.Commit();
        }
        (code, output, _) = CliRunner.Run("vectors", "check", path);
        Assert.Equal(1, code);
        Assert.Contains(", 1 differ", output);
        Assert.Contains("microxcaling S=", output);
    }

    [Fact]
    public void DiffOfARecipeWithItselfIsEmptyAndTiesAwayShowsInTheTieClasses()
    {
        var ocp = Recipe.TryParse("ocp")!;
        Assert.All(RecipeDiff.Compare(BlockFormat.MxFp8E4M3, ocp, ocp), d => Assert.Equal(0, d.Differing));
        // microxcaling rounds elements to nearest, ties away (microxcaling/mx/elemwise_ops.py "nearest"); the OCP rule
        // ties to even: they part exactly on element ties, never on blocks without ties or specials.
        var diffs = RecipeDiff.Compare(BlockFormat.MxFp8E4M3, ocp, Recipe.TryParse("microxcaling")!).ToDictionary(d => d.Class);
        Assert.True(diffs["element-ties"].Differing > 0);
        Assert.Equal(0, diffs["signed-zeros"].Differing);
        Assert.Equal(0, diffs["inf-nan"].Differing);
        var (code, output, _) = CliRunner.Run("recipes", "diff", "ocp", "microxcaling", "--format", "mxfp8-e4m3");
        Assert.Equal(0, code);
        Assert.Contains("element-ties", output);
        Assert.Contains("e.g. V=[", output);
    }

    [Theory]
    [InlineData("unknown recipe 'nope'; valid: ocp", "recipes", "diff", "ocp", "nope")]
    [InlineData("unknown block format 'zz'", "recipes", "diff", "ocp", "ocp", "--format", "zz")]
    [InlineData("unknown recipe 'nope'", "vectors", "gen", "--op", "quantize", "--recipe", "nope", "-o", "x.mxv")]
    public void BadNamesExitTwoListingTheValidOnes(string expected, params string[] args)
    {
        var (code, _, err) = CliRunner.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(expected, err);
    }
}
