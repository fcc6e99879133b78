using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Tests.Formats;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary>The quantizers against the independent oracle, on random blocks, for every format, mode and policy.</summary>
public class QuantizerOracleTests
{
    public static TheoryData<string> ElementNames => new(OracleFormat.Elements.Select(f => f.Name));

    private static readonly string[] Specials = ["nan-scale", "preserve", "saturate"];

    [Theory]
    [MemberData(nameof(ElementNames))]
    public void RandomBlocksQuantizeAndDequantizeAsTheOracleSays(string name)
    {
        var f = StandardFormats.TryParse(name)!;
        var o = OracleFormat.Elements.Single(x => x.Name == name);
        var rng = new MxRandom(0x0C0 + (ulong)name.Length * 31 + name[1]);
        foreach (var mode in RoundingModes.All)
            foreach (bool ceil in new[] { false, true })
                foreach (var specials in Specials)
                    foreach (bool flush in new[] { false, true })
                        foreach (bool full in f.Kind == FormatKind.Integer ? new[] { false, true } : new[] { false })
                        {
                            var policy = new QuantizationPolicy
                            {
                                Rounding = mode, ScaleRule = ceil ? ScaleRule.Ceil : ScaleRule.Floor,
                                Specials = PolicyNames.ParseSpecials(specials)!.Value, FlushSubnormalInputs = flush,
                                IntegerRange = full ? IntegerRange.Full : IntegerRange.Symmetric, StochasticWidth = 5,
                            };
                            var op = new OraclePolicy(mode.ShortName(), ceil, specials, full, flush, 5);
                            for (int n = 0; n < 12; n++)
                            {
                                int k = n % 3 == 0 ? 32 : rng.NextInt(1, 40);
                                var x = TestBlocks.Random(ref rng, rng.NextInt(1, 2 * k + 1));
                                var random = Enumerable.Range(0, x.Length).Select(_ => (uint)rng.NextBits(5)).ToArray();
                                Check(f, o, x, k, policy, op, random);
                            }
                        }
    }

    /// <summary>Soak: many more random blocks with a random policy each (make test-long).</summary>
    [Theory]
    [Trait("Category", "Long")]
    [MemberData(nameof(ElementNames))]
    public void ManyRandomBlocksWithRandomPoliciesMatchTheOracle(string name)
    {
        var f = StandardFormats.TryParse(name)!;
        var o = OracleFormat.Elements.Single(x => x.Name == name);
        var rng = new MxRandom(0x50A4 + (ulong)name.Length * 131 + name[1]);
        for (int n = 0; n < 40_000; n++)
        {
            var mode = RoundingModes.All[rng.NextInt(0, RoundingModes.All.Count)];
            bool ceil = rng.NextBool(), flush = rng.NextInt(0, 4) == 0, full = rng.NextBool();
            var specials = Specials[rng.NextInt(0, 3)];
            int width = rng.NextInt(1, 32);
            var policy = new QuantizationPolicy
            {
                Rounding = mode, ScaleRule = ceil ? ScaleRule.Ceil : ScaleRule.Floor, Specials = PolicyNames.ParseSpecials(specials)!.Value,
                FlushSubnormalInputs = flush, IntegerRange = full ? IntegerRange.Full : IntegerRange.Symmetric, StochasticWidth = width,
            };
            var op = new OraclePolicy(mode.ShortName(), ceil, specials, full, flush, width);
            int k = rng.NextInt(0, 2) == 0 ? 32 : rng.NextInt(1, 65);
            var x = TestBlocks.Random(ref rng, k);
            var random = Enumerable.Range(0, x.Length).Select(_ => (uint)rng.NextBits(width)).ToArray();
            Check(f, o, x, k, policy, op, random);
        }
    }

    private static void Check(NumberFormat f, OracleFormat o, uint[] x, int k, QuantizationPolicy policy, OraclePolicy op, uint[] random)
    {
        var blocks = MxQuantizer.Quantize(f, x, k, policy, random);
        var values = MxQuantizer.Dequantize(blocks);
        Assert.Equal(MxQuantizer.BlockCount(x.Length, k), blocks.BlockCount);
        for (int b = 0; b < blocks.BlockCount; b++)
        {
            int start = b * k, count = Math.Min(k, x.Length - start);
            var (scale, expected) = QuantizationOracle.QuantizeBlock(o, x[start..(start + count)], k, op, random[start..(start + count)]);
            string where = $"{f.Name} {op} k={k} block {b}: [{string.Join(' ', x[start..(start + count)].Select(v => v.ToString("x8")))}]";
            Assert.True(scale == blocks.Scales[b], $"{where}: scale model {blocks.Scales[b]:x2}, oracle {scale:x2}");
            for (int i = 0; i < k; i++)
            {
                var got = FormatTableTests.ToOracle(Codec.Decode(f, blocks.Elements[start + i]));
                if (scale == 255) Assert.True(blocks.Elements[start + i] == 0, $"{where}: element {i} is not 0 under a NaN scale");
                else Assert.True(expected[i].SameAs(got), $"{where}: element {i} model {got} (0x{blocks.Elements[start + i]:x}), oracle {expected[i]}");
                var value = ConversionOracle.Decode(OracleFormat.Fp32, values[start + i]);
                var want = QuantizationOracle.Scaled(expected[i], scale);
                // Under the ceil rule a block maximum just below 2^128 can round up to 2^128: FP32 overflows to ±Inf.
                if (want.Class == OClass.Finite && !want.IsZero && QuantizationOracle.FloorLog2(want) >= 128)
                    want = new OValue(OClass.Inf, want.Negative, 0, 0);
                Assert.True(want.SameAs(value), $"{where}: dequantized {i} model {value}, oracle {want}");
            }
        }
    }

    public static TheoryData<string> BdrShapes => new(["mx9", "mx6", "mx4", "bdr-8-5-4-2-3", "bdr-12-8-3-0-5", "bdr-4-8-1-3-1"]);

    [Theory]
    [MemberData(nameof(BdrShapes))]
    public void SharedMicroexponentBlocksQuantizeAsTheOracleSays(string name)
    {
        var f = BlockFormat.TryParse(name)!;
        var rng = new MxRandom(0xBD2 + (ulong)name.Length);
        foreach (var mode in RoundingModes.All)
            foreach (var specials in Specials)
                foreach (bool flush in new[] { false, true })
                {
                    var policy = new QuantizationPolicy
                    {
                        Rounding = mode, Specials = PolicyNames.ParseSpecials(specials)!.Value, FlushSubnormalInputs = flush, StochasticWidth = 6,
                    };
                    var op = new OraclePolicy(mode.ShortName(), false, specials, false, flush, 6);
                    for (int n = 0; n < 20; n++)
                    {
                        var x = TestBlocks.Random(ref rng, rng.NextInt(1, 3 * f.BlockSize + 1));
                        var random = Enumerable.Range(0, x.Length).Select(_ => (uint)rng.NextBits(6)).ToArray();
                        CheckBdr(f, x, policy, op, random);
                    }
                }
    }

    private static void CheckBdr(BlockFormat f, uint[] x, QuantizationPolicy policy, OraclePolicy op, uint[] random)
    {
        var blocks = BdrQuantizer.Quantize(f, x, policy, random);
        var values = BdrQuantizer.Dequantize(blocks);
        int k = f.BlockSize;
        for (int b = 0; b < blocks.BlockCount; b++)
        {
            int start = b * k, count = Math.Min(k, x.Length - start);
            var (scale, micro, expected) = QuantizationOracle.QuantizeBdrBlock(f.BlockSize, f.Scale.Bits, f.Microexponent!.Size,
                f.Microexponent!.Bits, f.MagnitudeBits, x[start..(start + count)], op, random[start..(start + count)]);
            string where = $"{f.Shape} {op} block {b}: [{string.Join(' ', x[start..(start + count)].Select(v => v.ToString("x8")))}]";
            Assert.True(scale == blocks.Scales[b], $"{where}: scale model {blocks.Scales[b]:x2}, oracle {scale:x2}");
            bool nan = scale == f.ScaleCodec.NanCode;
            Assert.Equal(micro.Select(m => (byte)m).ToArray(), blocks.BlockMicroexponents(b).ToArray());
            for (int i = 0; i < k; i++)
            {
                var value = ConversionOracle.Decode(OracleFormat.Fp32, values[start + i]);
                var want = nan ? OValue.Nan : expected[i];
                Assert.True(want.SameAs(value), $"{where}: element {i} (0x{blocks.Elements[start + i]:x}) model {value}, oracle {want}");
                if (nan) Assert.Equal(0u, blocks.Elements[start + i]);
            }
        }
    }
}
