using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary>Published quantization cases, each with its source.</summary>
public class PublishedCasesTests
{
    private static double[] QuantizeValues(string format, float[] input, RoundingMode mode)
    {
        var f = StandardFormats.TryParse(format)!;
        var bits = input.Select(BitConverter.SingleToUInt32Bits).ToArray();
        var blocks = MxQuantizer.Quantize(f, bits, 32, QuantizationPolicy.Default with { Rounding = mode });
        return MxQuantizer.Dequantize(blocks).Take(input.Length).Select(b => (double)BitConverter.UInt32BitsToSingle(b)).ToArray();
    }

    // microxcaling mx/tests/test_fp8_e4m3_fix.py (github.com/microsoft/microxcaling): MX e4m3 block, nearest-even,
    // [957, 960, 902.4] → 896 each (the scale is 2^1 and every element saturates at 448).
    [Fact]
    public void E4m3LargeValuesSaturateAt896()
    {
        Assert.Equal([896, 896, 896], QuantizeValues("e4m3", [957f, 960f, 902.4f], RoundingMode.NearestEven));
    }

    // microxcaling mx/tests/test_fp8_e4m3_fix.py and microxcaling issue #4: [485, 475, 400, −485, −475, −450, 2^-6,
    // −2^-6]: scale 2^0; 400 lies halfway between 384 and 416 (rne 384, rna 416); ±485, ±475, −450 saturate at ±448.
    [Theory]
    [InlineData(RoundingMode.NearestEven, 384)]
    [InlineData(RoundingMode.NearestAway, 416)]
    public void E4m3TieAt400AndSaturation(RoundingMode mode, double expected400)
    {
        float tiny = MathF.ScaleB(1, -6);
        var got = QuantizeValues("e4m3", [485f, 475f, 400f, -485f, -475f, -450f, tiny, -tiny], mode);
        Assert.Equal([448, 448, expected400, -448, -448, -448, tiny, -tiny], got);
    }

    // microxcaling mx/tests/test_fp8_e4m3_fix.py and issue #4, the MXFP4 (e2m1) case: scale 2^0.
    [Theory]
    [InlineData(RoundingMode.NearestEven, new double[] { 6, 0, 1, 1, 2, 2, 4, 4 })]
    [InlineData(RoundingMode.NearestAway, new double[] { 6, .5, 1, 1.5, 2, 3, 4, 6 })]
    public void E2m1Ties(RoundingMode mode, double[] expected)
    {
        Assert.Equal(expected, QuantizeValues("e2m1", [6f, .25f, .75f, 1.25f, 1.75f, 2.5f, 3.5f, 5f], mode));
    }

    // OCP MX v1.0 §6.3 (issue #3): an all-zero block gets scale code 0x00 (2^-127) and its zeros keep their signs.
    [Fact]
    public void AllZeroBlockHasScaleZeroAndKeepsSigns()
    {
        var b = MxQuantizer.Quantize(StandardFormats.E4M3, [0u, 0x80000000u], 32);
        Assert.Equal(0x00, b.Scales[0]);
        Assert.Equal(0x00u, b.Elements[0]);
        Assert.Equal(0x80u, b.Elements[1]);
        var i8 = MxQuantizer.Quantize(StandardFormats.Int8, [0x80000000u], 32);
        Assert.Equal(0x00u, i8.Elements[0]); // MXINT8 has no −0
    }

    // https://github.com/pytorch/ao/issues/2035 ("Making RCEIL the default for MXFP scale derivation"): block_amax = 150,
    // dtype_max = float8_e4m3.max = 448: RCEIL to_e8(ceil(log2(150 / 448))) = 126, the CEIL formula
    // to_e8(ceil(log2(150)) - floor(log2(448))) = 127.
    [Theory]
    [InlineData("torchao-rceil", 126)]
    [InlineData("torchao-ceil", 127)]
    public void TorchaoRceilAndCeilOnAmax150(string recipe, int expectedScale)
    {
        var x = new uint[32];
        x[3] = BitConverter.SingleToUInt32Bits(150f);
        x[7] = BitConverter.SingleToUInt32Bits(-17.25f);
        var q = BlockQuantizer.Quantize(BlockFormat.MxFp8E4M3, Recipe.TryParse(recipe)!, x);
        Assert.Equal(expectedScale, q.Scales[0]);
    }
}
