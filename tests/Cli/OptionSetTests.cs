using MxRef.Formats;
using System.CommandLine;
using System.Text.RegularExpressions;
using MxRef.Harness.Options;
using MxRef.Quantization;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.CommandLine;

/// <summary>
/// The option sets that several commands share (harness/Options): one declaration, so <c>vectors gen</c> and
/// <c>verify</c> (and the quantizing commands) take the same options with the same help, defaults and parsing.
/// </summary>
public class OptionSetTests
{
    private static (T Set, ParseResult Result) Parse<T>(T set, Action<T, Command> add, params string[] args)
    {
        var cmd = new Command("t");
        add(set, cmd);
        return (set, cmd.Parse(args));
    }

    [Fact]
    public void TheGeneratorSetBindsItsOptionsAndDefaults()
    {
        var (set, r) = Parse(GeneratorOptionSet.ForDesign(), (s, c) => s.AddTo(c),
            "--a", "e4m3,int8", "-r", "rne,rtz", "--count", "5", "--seed", "0x10", "--random", "--acc", "chunked:8", "--shard", "1/4");
        Assert.Empty(r.Errors);
        var o = set.Bind(r, block: 4);
        Assert.Equal([StandardFormats.E4M3, StandardFormats.Int8], o.FormatsA);
        Assert.Equal(6, o.FormatsB.Count); // 'all'
        Assert.Equal([RoundingMode.NearestEven, RoundingMode.TowardZero], o.Modes);
        Assert.Equal((4, 5L, 16UL, false, true, false), (o.Block, o.Count, o.Seed, o.Corners, o.Random, o.Exhaustive));
        Assert.Equal(MxRef.Dot.AccumulationModel.Chunked(8), o.Model);
        Assert.Equal((1, 4), set.BindShard(r));
        Assert.Equal((0, 1), (o.ShardIndex, o.ShardCount)); // the shard is the caller's to apply

        var (defaults, d) = Parse(GeneratorOptionSet.ForFiles(), (s, c) => s.AddTo(c));
        var od = defaults.Bind(d);
        Assert.Equal((32, 100_000L, 1UL, true, true, false), (od.Block, od.Count, od.Seed, od.Corners, od.Random, od.Exhaustive));
        Assert.Equal((0, 1), defaults.BindShard(d));
    }

    [Fact]
    public void TheGeneratorTextParsesBackToTheSameRun()
    {
        var (set, r) = Parse(GeneratorOptionSet.ForDesign(), (s, c) => s.AddTo(c), "--b", "e2m1", "--corners", "--exhaustive", "-r", "rup", "--seed", "7");
        var text = GeneratorOptionSet.Text(set.Bind(r, block: 1));
        var (again, r2) = Parse(GeneratorOptionSet.ForDesign(), (s, c) => s.AddTo(c), text.Split(' '));
        Assert.Empty(r2.Errors);
        Assert.Equal(text, GeneratorOptionSet.Text(again.Bind(r2, block: 1)));
    }

    [Fact]
    public void BadGeneratorValuesAreUsageErrorsNamingTheOption()
    {
        foreach (var (args, message) in new[]
                 {
                     (new[] { "--a", "e9m9" }, "for --a; valid: e4m3"),
                     (["-r", "sr"], "--rounding sr has no vector code"),
                     (["--seed", "-1"], "--seed '-1' is not a 64-bit"),
                     (["--acc", "exact"], "for --acc; valid:"),
                 })
        {
            var (set, r) = Parse(GeneratorOptionSet.ForFiles(), (s, c) => s.AddTo(c), args);
            var e = Assert.Throws<MxRef.Harness.UsageException>(() => set.Bind(r));
            Assert.Contains(message, e.Message);
        }
        var (shardSet, sr) = Parse(GeneratorOptionSet.ForFiles(), (s, c) => s.AddTo(c), "--shard", "3/3");
        Assert.Contains("--shard '3/3' must be I/N", Assert.Throws<MxRef.Harness.UsageException>(() => shardSet.BindShard(sr)).Message);
    }

    [Fact]
    public void ThePolicySetBindsOverABasis()
    {
        var (set, r) = Parse(new QuantizationPolicyOptionSet(), (s, c) => s.AddTo(c), "--scale-rule", "ceil", "--specials", "saturate", "--int8", "full", "--flush-subnormal-inputs");
        var p = set.Bind(r, QuantizationPolicy.Default with { Rounding = RoundingMode.Up });
        Assert.Equal((ScaleRule.Ceil, SpecialsPolicy.Saturate, IntegerRange.Full, true, RoundingMode.Up),
            (p.ScaleRule, p.Specials, p.IntegerRange, p.FlushSubnormalInputs, p.Rounding));
        var (defaults, d) = Parse(new QuantizationPolicyOptionSet(), (s, c) => s.AddTo(c));
        Assert.Equal(QuantizationPolicy.Default, defaults.Bind(d));
        var (bad, b) = Parse(new QuantizationPolicyOptionSet(), (s, c) => s.AddTo(c), "--specials", "drop");
        Assert.Contains("valid: nan-scale, preserve, saturate", Assert.Throws<MxRef.Harness.UsageException>(() => bad.Bind(b)).Message);
    }

    [Fact]
    public void VectorsGenAndVerifyShowTheSameGeneratorHelp()
    {
        static string Flat(string s) => Regex.Replace(s, @"\s+", " ");
        var gen = Flat(CliRunner.Run("vectors", "gen", "--help").Out);
        var verify = Flat(CliRunner.Run("verify", "--help").Out);
        var set = GeneratorOptionSet.ForDesign();
        foreach (var o in new Option[] { set.FormatsA, set.FormatsB, set.Rounding, set.Accumulation, set.Count, set.Seed, set.Corners, set.Random, set.Exhaustive, set.Shard })
        {
            Assert.Contains(o.Name, gen);
            Assert.Contains(Flat(o.Description!), gen);
            Assert.Contains(Flat(o.Description!), verify);
        }
        Assert.Contains("--block", gen);
        Assert.DoesNotContain("--block <block>", verify); // verify's block size is the design's --param K
        Assert.Contains("--block-format <block-format>", verify); // a block format's elements and scales (its k must be K)
    }
}
