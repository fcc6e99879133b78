using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>The accumulation models differ from fused exactly where their intermediate roundings bite.</summary>
public class AccumulationModelTests
{
    // e5m2 (OCP MX v1.0 Table 1): 0x78 = 2^15, 0xF8 = −2^15, 0x3C = 1.0.
    private static readonly DotCase Absorption = new(1, [0x78, 0x3C, 0xF8], 0x7F, 1, [0x78, 0x3C, 0x78], 0x7F, 0, 0);

    [Fact]
    public void FusedKeepsASmallTermBetweenCancellingLargeOnes() =>
        Assert.Equal(new DotResult(0x3F800000, ExceptionFlags.None), Absorption.Model());

    [Fact]
    public void Fp32SumLosesItToTheIntermediateRounding() =>
        // 2^30 + 1 rounds to 2^30 in FP32 (ulp 2^7), then − 2^30 leaves +0; the lost 1 shows as NX.
        Assert.Equal(new DotResult(0x00000000, ExceptionFlags.Inexact), Absorption.Model(model: AccumulationModel.Fp32Sum));

    [Fact]
    public void ChunkedByOneLosesItToo() =>
        Assert.Equal(new DotResult(0x00000000, ExceptionFlags.Inexact), Absorption.Model(model: AccumulationModel.Chunked(1)));

    [Fact]
    public void ChunkedByTwoLosesItInTheAccumulator() =>
        // Chunk 1 = 2^30 + 1 exact into an FP32 accumulator → 2^30 (NX); chunk 2 = −2^30 → +0.
        Assert.Equal(new DotResult(0x00000000, ExceptionFlags.Inexact), Absorption.Model(model: AccumulationModel.Chunked(2)));

    [Fact]
    public void Fp32SumScalesAfterSumming()
    {
        // 1·1 with scales 2^-127 each: the FP32 sum 1.0 × 2^-254 underflows to +0 with UF|NX, then + C = 1.0 → 1.0.
        var t = new DotCase(0, [0x38], 0x00, 0, [0x38], 0x00, 0x3F800000, 0);
        Assert.Equal(new DotResult(0x3F800000, ExceptionFlags.Inexact | ExceptionFlags.Underflow), t.Model(model: AccumulationModel.Fp32Sum));
        Assert.Equal(new DotResult(0x3F800000, ExceptionFlags.Inexact), t.Model());
    }

    [Theory]
    [InlineData("fused")]
    [InlineData("chunked:8")]
    [InlineData("fp32-sum")]
    public void ModelNamesRoundTrip(string name) => Assert.Equal(name, AccumulationModel.TryParse(name)!.Value.ToString());

    [Theory]
    [InlineData("chunked:0")]
    [InlineData("chunked")]
    [InlineData("exact")]
    public void BadModelNamesAreRejected(string name) => Assert.Null(AccumulationModel.TryParse(name));
}
