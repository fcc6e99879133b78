using MxRef.Formats;
using Xunit;

namespace MxRef.Tests.Formats;

/// <summary>Block formats and the scale codec, checked against the values the specifications state.</summary>
public class BlockFormatTests
{
    [Theory]
    // OCP MX v1.0 §5.4 / Table 2: E8M0 is 2^(code − 127), 0x00 = 2^−127, 0xFE = 2^127, 0xFF = NaN.
    [InlineData("e8m0", 0x00u, 1u, -127)]
    [InlineData("e8m0", 0x7Fu, 1u, 0)]
    [InlineData("e8m0", 0xFEu, 1u, 127)]
    // UE4M3 (NVFP4 block scale, the positive half of OFP8 E4M3, OCP MX v1.0 Table 1): 0x38 = 1.0, 0x7E = 448 = 7·2^6,
    // 0x01 = 2^−9 (smallest subnormal), 0x08 = 2^−6 (smallest normal), 0x00 = 0.
    [InlineData("ue4m3", 0x38u, 8u, -3)]
    [InlineData("ue4m3", 0x7Eu, 14u, 5)]
    [InlineData("ue4m3", 0x01u, 1u, -9)]
    [InlineData("ue4m3", 0x08u, 8u, -9)]
    [InlineData("ue4m3", 0x00u, 0u, -9)]
    public void ScaleCodesDecodeToTheSpecifiedValues(string scale, uint code, uint significand, int exponent)
    {
        var codec = ScaleCodec.For(StandardFormats.TryParse(scale)!);
        Assert.False(codec.IsNaN(code));
        Assert.Equal(Math.ScaleB(significand, exponent), Math.ScaleB(codec.Significand(code), codec.Exponent(code)));
    }

    [Fact]
    public void NanAndUnitCodes()
    {
        Assert.Equal((0xFFu, 0x7Fu), (ScaleCodec.E8M0.NanCode, ScaleCodec.E8M0.UnitCode));
        Assert.Equal((0x7Fu, 0x38u), (ScaleCodec.UE4M3.NanCode, ScaleCodec.UE4M3.UnitCode));
        Assert.True(ScaleCodec.E8M0.IsNaN(0xFF));
        Assert.True(ScaleCodec.UE4M3.IsNaN(0x7F));
        Assert.False(ScaleCodec.UE4M3.IsCode(0x80)); // 7-bit code: the sign bit of the stored byte must be clear
        Assert.Equal(0xFEu, ScaleCodec.E8M0.FromExponent(200)); // clamped to 2^127
        Assert.Equal(0x00u, ScaleCodec.E8M0.FromExponent(-200)); // clamped to 2^−127
    }

    [Theory]
    [InlineData("mxfp8-e4m3", "e4m3", 32, "e8m0")]
    [InlineData("MXINT8", "int8", 32, "e8m0")]
    [InlineData("nvfp4", "e2m1", 16, "ue4m3")]
    [InlineData("e2m1/k16/ue4m3", "e2m1", 16, "ue4m3")]
    [InlineData("e4m3/k32/e8m0", "e4m3", 32, "e8m0")]
    [InlineData("e5m2/k64/e8m0", "e5m2", 64, "e8m0")]
    [InlineData("mx6", "s1m4", 16, "e8m0")]
    public void NamesAndSpelledFormatsParse(string text, string element, int k, string scale)
    {
        var f = BlockFormat.TryParse(text)!;
        Assert.Equal((element, k, scale), (f.Element.Name, f.BlockSize, f.Scale.Name));
    }

    [Fact]
    public void SpelledNamedFormatIsTheNamedOne()
    {
        Assert.Same(BlockFormat.NvFp4.Element, BlockFormat.TryParse("e2m1/k16/ue4m3")!.Element);
        Assert.Equal("mxfp8-e4m3", BlockFormat.TryParse("e4m3/k32/e8m0")!.Name);
        Assert.Equal("mx9", BlockFormat.TryParse("bdr-16-8-2-1-7")!.Name);
    }

    [Theory]
    [InlineData("nvfp8")]
    [InlineData("e2m1/k0/ue4m3")]
    [InlineData("e2m1/16/ue4m3")]
    [InlineData("e2m1/k16/fp32")]
    [InlineData("e8m0/k32/e8m0")]
    [InlineData("bdr-16-8-3-1-7")]
    public void UnknownFormatsAreRejected(string text) => Assert.Null(BlockFormat.TryParse(text));

    [Fact]
    public void ValidNamesListEveryNamedFormat()
    {
        foreach (var f in BlockFormat.Named) Assert.Contains(f.Name, BlockFormat.ValidNames);
    }
}
