using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Vectors.Tensors;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary>
/// A prepared quantization gives the same bytes whether its blocks are quantized at once, in arbitrary ranges, or on
/// several threads: every recipe on every format it applies to, 1-D and row layouts with padded rows, NVFP4's 2-D tiles.
/// The reference is <see cref="BlockQuantizer.Quantize"/> (itself checked against the oracles in tests/Oracle).
/// </summary>
public sealed class QuantizationJobTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var f in BlockFormat.Named)
            foreach (var r in Recipe.Named)
                if (r.Supports(f)) data.Add(f.Name, r.Name);
        return data;
    }

    /// <summary>Rows of random blocks (specials, zeros, subnormals, ties) of <paramref name="rows"/> × <paramref name="rowLength"/>.</summary>
    private static uint[] Tensor(ulong seed, int rows, int rowLength)
    {
        var rng = new MxRandom(seed);
        var x = new uint[rows * rowLength];
        for (int at = 0; at < x.Length; at += 16)
            TestBlocks.Random(ref rng, 16).AsSpan(0, Math.Min(16, x.Length - at)).CopyTo(x.AsSpan(at));
        return x;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RangesInAnyOrderGiveTheWholeTensorsBytes(string formatName, string recipeName)
    {
        var format = BlockFormat.TryParse(formatName)!;
        var recipe = Recipe.TryParse(recipeName)!;
        int k = format.BlockSize;
        foreach (var (rows, rowLength, twoD) in new[] { (1, 0, false), (7, 5 * k, false), (5, 3 * k + 3, false), (2 * k + 1, 2 * k, recipe.ForNvfp4) })
        {
            if (!recipe.PadsPartialBlocks && rowLength % k != 0) continue;
            var x = Tensor((ulong)(formatName.Length * 131 + recipeName.Length * 7 + rows), rows, rowLength == 0 ? 37 * k + 5 - (recipe.PadsPartialBlocks ? 0 : 5) : rowLength);
            var options = new QuantizeOptions { RowLength = rowLength, TwoDimensional = twoD };
            var whole = BlockQuantizer.Quantize(format, recipe, x, options);
            var job = BlockQuantizer.Prepare(format, recipe, x, options);
            Assert.Equal(whole.BlockCount, job.BlockCount);
            Assert.Equal(whole.TensorScale, job.TensorScale);
            if (!job.Splittable) continue;
            var scales = new byte[job.BlockCount];
            var elements = Enumerable.Repeat((byte)0xA5, job.ElementCount).ToArray(); // every code must be written
            // Ranges from the end backwards, of uneven sizes.
            for (int end = job.BlockCount; end > 0;)
            {
                int count = Math.Min(end, 1 + end % 5), first = end - count;
                job.QuantizeBlocks(x, first, count, scales, [], elements);
                end = first;
            }
            Assert.Equal(whole.Scales, scales);
            Assert.Equal(whole.Elements, elements);
        }
    }

    [Theory]
    [InlineData("mxfp8-e4m3", "ocp"), InlineData("mxfp4-e2m1", "torchao-rceil"), InlineData("nvfp4", "nvfp4-cudnn"), InlineData("mx6", "ocp")]
    public void EveryThreadCountGivesTheSameBytes(string formatName, string recipeName)
    {
        var format = BlockFormat.TryParse(formatName)!;
        var recipe = Recipe.TryParse(recipeName)!;
        var x = Tensor(17, 1, 3 * ParallelQuantize.MinValuesPerThread + 5 * format.BlockSize);
        var reference = BlockQuantizer.Quantize(format, recipe, x);
        foreach (int threads in new[] { 1, 2, 3, 8 })
        {
            var q = ParallelQuantize.Quantize(BlockQuantizer.Prepare(format, recipe, x), x, threads);
            Assert.Equal(reference.Scales, q.Scales);
            Assert.Equal(reference.Microexponents, q.Microexponents);
            Assert.Equal(reference.Elements, q.Elements);
        }
    }

    [Fact]
    public void AStochasticJobIsQuantizedOnlyAsAWhole()
    {
        var x = Tensor(3, 1, 256);
        var options = new QuantizeOptions { Policy = QuantizationPolicy.Default with { Rounding = MxRef.Rounding.RoundingMode.Stochastic } };
        var job = BlockQuantizer.Prepare(BlockFormat.TryParse("mxfp8-e4m3")!, Recipe.TryParse("ocp")!, x, options);
        Assert.False(job.Splittable);
        Assert.Throws<ArgumentException>(() => job.QuantizeBlocks(x, 1, 2, new byte[job.BlockCount], [], new byte[job.ElementCount]));
    }

    [Fact]
    public void DequantizingIntoASpanMatchesTheArrayForPaddedAndWholeRows()
    {
        foreach (int rowLength in new[] { 64, 70 })
        {
            var x = Tensor(23, 3, rowLength);
            var q = BlockQuantizer.Quantize(BlockFormat.TryParse("mxfp8-e4m3")!, Recipe.TryParse("ocp")!, x, new QuantizeOptions { RowLength = rowLength });
            var span = new uint[x.Length];
            BlockQuantizer.Dequantize(q, span);
            Assert.Equal(BlockQuantizer.Dequantize(q), span);
        }
    }

    /// <summary>
    /// The table path of <see cref="BlockQuantizer.Dequantize(QuantizedTensor)"/> (exact binary64 product, one conversion)
    /// gives the rounding core's bits (<see cref="MxQuantizer.Dequantize(NumberFormat, int, ReadOnlySpan{byte}, ReadOnlySpan{uint}, Span{uint})"/>)
    /// for every element code of every MX element format under every E8M0 scale code, NaN scale and FP32 subnormal
    /// and overflowing products included.
    /// </summary>
    [Theory]
    [InlineData("mxfp8-e4m3"), InlineData("mxfp8-e5m2"), InlineData("mxfp6-e3m2"), InlineData("mxfp6-e2m3"), InlineData("mxfp4-e2m1"), InlineData("mxint8")]
    public void TableDequantizationEqualsTheRoundingCoreForEveryCodeAndScale(string formatName)
    {
        var format = BlockFormat.TryParse(formatName)!;
        int k = format.BlockSize, codes = 1 << format.ElementBits, perScale = (codes + k - 1) / k;
        var scales = new byte[256 * perScale];
        var elements = new byte[scales.Length * k];
        for (int s = 0; s < 256; s++)
            for (int j = 0; j < perScale * k; j++)
            {
                scales[s * perScale + j / k] = (byte)s;
                elements[s * perScale * k + j] = (byte)(j % codes);
            }
        var q = new QuantizedTensor(format, Recipe.TryParse("ocp")!, elements.Length, elements.Length, false, QuantizedTensor.UnitTensorScale, scales, [], elements);
        var expected = new uint[elements.Length];
        MxQuantizer.Dequantize(format.Element, k, scales, elements.Select(b => (uint)b).ToArray(), expected);
        Assert.Equal(expected, BlockQuantizer.Dequantize(q));
    }
}
