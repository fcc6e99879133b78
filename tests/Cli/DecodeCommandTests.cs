using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.CommandLine;

/// <summary><c>mxref decode</c> and the decode unit's profile knobs. Codes from OCP MX v1.0 Table 1 (e4m3 0x38 = 1.0,
/// 0x40 = 2.0, 0x7e = 448 the largest normal, 0x01 = 2^-9 the smallest subnormal) and IEEE 754 binary16/32.</summary>
public class DecodeCommandTests
{
    [Fact]
    public void AnswersEachLineWithPackedResultsAndFlags()
    {
        // scale 0x80 = 2^1: [1.0, 2.0] → [2.0, 4.0] = fp16 0x4000, 0x4400 (element 0 last).
        var (exit, output, _) = CliRunner.RunWithInput("0 0 80 4038\n// comment\n\n0 0 ff 4038\n", "decode", "-k", "2", "--out", "fp16");
        Assert.Equal(0, exit);
        Assert.Equal("44004000 00\n7e007e00 00\n", output.Replace("\r", ""));
    }

    [Fact]
    public void Nvfp4ScalesAreUe4m3()
    {
        // nvfp4: e2m1 0x2 = 1.0 under UE4M3 0x38 = 1.0 and 0x7e = 448 (OCP e4m3 layout without the sign).
        var (exit, output, err) = CliRunner.RunWithInput("4 0 7e 2\n", "decode", "--format", "nvfp4", "-k", "1");
        Assert.True(exit == 0, err);
        Assert.Equal("43e00000 00\n", output.Replace("\r", ""));
    }

    [Fact]
    public void OverflowFollowsTheModeOrSaturates()
    {
        // 448 · 2^127 overflows FP16: +Inf under rne with OF|NX; the largest finite 0x7bff under overflow=saturate.
        Assert.Equal("7c00 05\n", CliRunner.RunWithInput("0 0 fe 7e\n", "decode", "-k", "1", "--out", "fp16").Out.Replace("\r", ""));
        Assert.Equal("7bff 05\n", CliRunner.RunWithInput("0 0 fe 7e\n", "decode", "-k", "1", "--out", "fp16", "--profile", "overflow=saturate").Out.Replace("\r", ""));
    }

    [Fact]
    public void FlushKnobsKeepTheSign()
    {
        var ieee = ImplementationProfile.Default;
        var flushIn = ImplementationProfile.TryParse("flush-inputs=on", out _)!;
        var flushOut = ImplementationProfile.TryParse("flush-result=on", out _)!;
        // −2^-9 (e4m3 0x81, a subnormal) at scale 1: exact in FP16 (sign 1, biased exponent 15 − 9 = 6: 0x9800), zero when inputs are flushed.
        Assert.Equal(0x9800u, MxDecode.Element(StandardFormats.E4M3, 0x81, ScaleCodec.E8M0, 127, StandardFormats.Fp16, RoundingMode.NearestEven, ieee).Code);
        Assert.Equal(0x8000u, MxDecode.Element(StandardFormats.E4M3, 0x81, ScaleCodec.E8M0, 127, StandardFormats.Fp16, RoundingMode.NearestEven, flushIn).Code);
        // −1.0 · 2^-20 is an FP16 subnormal (smallest normal 2^-14): 0x8010 exactly; −0 with UF|NX when results are flushed.
        var exact = MxDecode.Element(StandardFormats.E4M3, 0xB8, ScaleCodec.E8M0, 107, StandardFormats.Fp16, RoundingMode.NearestEven, ieee);
        Assert.Equal((0x8010u, ExceptionFlags.None), (exact.Code, exact.Flags));
        var flushed = MxDecode.Element(StandardFormats.E4M3, 0xB8, ScaleCodec.E8M0, 107, StandardFormats.Fp16, RoundingMode.NearestEven, flushOut);
        Assert.Equal((0x8000u, ExceptionFlags.Underflow | ExceptionFlags.Inexact), (flushed.Code, flushed.Flags));
    }

    [Fact]
    public void NanScaleAsNumberIsTwoToThe128()
    {
        var asNumber = ImplementationProfile.TryParse("nan-scale=as-number", out _)!;
        // 1.0 · 2^128 overflows FP32 (largest finite < 2^128): +Inf with OF|NX under rne; 2^-9 · 2^128 = 2^119 = 0x7b000000.
        var big = MxDecode.Element(StandardFormats.E4M3, 0x38, ScaleCodec.E8M0, 0xFF, StandardFormats.Fp32, RoundingMode.NearestEven, asNumber);
        Assert.Equal((0x7F800000u, ExceptionFlags.Overflow | ExceptionFlags.Inexact), (big.Code, big.Flags));
        Assert.Equal(0x7B000000u, MxDecode.Element(StandardFormats.E4M3, 0x01, ScaleCodec.E8M0, 0xFF, StandardFormats.Fp32, RoundingMode.NearestEven, asNumber).Code);
    }

    [Fact]
    public void SignallingElementsRaiseInvalidOnlyWhenAsked()
    {
        // e5m2 0x7D: exponent all ones, quiet bit clear (IEEE-style NaN encoding of E5M2, OCP MX v1.0 Table 1).
        var signal = ImplementationProfile.TryParse("snan-elements=signal", out _)!;
        Assert.Equal(ExceptionFlags.None, MxDecode.Element(StandardFormats.E5M2, 0x7D, ScaleCodec.E8M0, 127, StandardFormats.Fp32, RoundingMode.NearestEven, ImplementationProfile.Default).Flags);
        Assert.Equal(ExceptionFlags.Invalid, MxDecode.Element(StandardFormats.E5M2, 0x7D, ScaleCodec.E8M0, 127, StandardFormats.Fp32, RoundingMode.NearestEven, signal).Flags);
    }

    [Theory]
    [InlineData("0 0 80 403\n", "field A")]
    [InlineData("0 9 80 4038\n", "field RM")]
    [InlineData("0 0 8 4038\n", "field S")]
    [InlineData("0 0 80\n", "missing field A")]
    public void MalformedLinesNameTheField(string line, string message)
    {
        var (exit, _, err) = CliRunner.RunWithInput(line, "decode", "-k", "2");
        Assert.Equal(2, exit);
        Assert.Contains("line 1: ", err);
        Assert.Contains(message, err);
    }

    [Fact]
    public void KnobsTheDecoderLacksAreRefused()
    {
        var (exit, _, err) = CliRunner.RunWithInput("0 0 80 4038\n", "decode", "-k", "2", "--profile", "zero-sign=positive");
        Assert.Equal(2, exit);
        Assert.Contains("it reads tininess, flush-inputs", err);
    }
}
