using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Quantization;

/// <summary>
/// Each policy option on a hand-made block. Expected codes are worked out from the definitions in
/// docs/quantization.md and the element encodings of OCP MX v1.0 Table 1.
/// </summary>
public class PolicyTests
{
    private static uint F(float v) => BitConverter.SingleToUInt32Bits(v);
    private const uint Inf = 0x7F800000, NegInf = 0xFF800000, NaN = 0x7FC00000;

    private static MxBlocks Q(NumberFormat f, uint[] x, QuantizationPolicy? p = null) => MxQuantizer.Quantize(f, x, 32, p);

    [Fact]
    public void CeilRuleAvoidsSaturation()
    {
        // e4m3 max normal 448: max 480 → floor gives 2^0 (480 saturates to 448), ceil gives 2^1 (240 = 0x77).
        var ceil = QuantizationPolicy.Default with { ScaleRule = ScaleRule.Ceil };
        Assert.Equal(127, Q(StandardFormats.E4M3, [F(480)]).Scales[0]);
        Assert.Equal(0x7Eu, Q(StandardFormats.E4M3, [F(480)]).Elements[0]);
        Assert.Equal(128, Q(StandardFormats.E4M3, [F(480)], ceil).Scales[0]);
        Assert.Equal(0x77u, Q(StandardFormats.E4M3, [F(480)], ceil).Elements[0]);
        // Exactly max normal needs no extra shift.
        Assert.Equal(127, Q(StandardFormats.E4M3, [F(448)], ceil).Scales[0]);
        // INT8 (max 127/64): 1.984375 stays at 2^0, 1.99 moves to 2^1.
        Assert.Equal(127, Q(StandardFormats.Int8, [F(1.984375f)], ceil).Scales[0]);
        Assert.Equal(128, Q(StandardFormats.Int8, [F(1.99f)], ceil).Scales[0]);
    }

    [Fact]
    public void NanScaleIsTheDefaultForSpecials()
    {
        var b = Q(StandardFormats.E5M2, [F(1), Inf, F(2)]);
        Assert.Equal(0xFF, b.Scales[0]);
        Assert.All(b.Elements, c => Assert.Equal(0u, c));
        Assert.All(MxQuantizer.Dequantize(b), v => Assert.True(float.IsNaN(BitConverter.UInt32BitsToSingle(v))));
    }

    [Fact]
    public void PreserveKeepsSpecialsTheFormatHas()
    {
        var p = QuantizationPolicy.Default with { Specials = SpecialsPolicy.Preserve };
        // e5m2 has ±Inf and NaN: scale from the finite 4.0 (2^2 − 15), Inf = 0x7C / 0xFC, NaN = canonical 0x7E.
        var b = Q(StandardFormats.E5M2, [F(4), Inf, NegInf, NaN], p);
        Assert.Equal(127 + 2 - 15, b.Scales[0]);
        Assert.Equal([0x78u, 0x7Cu, 0xFCu, 0x7Eu], b.Elements[..4]);
        // e4m3 has NaN (0x7F) but no Inf.
        Assert.Equal(0x7Fu, Q(StandardFormats.E4M3, [F(4), NaN], p).Elements[1]);
        Assert.Equal(0xFF, Q(StandardFormats.E4M3, [F(4), Inf], p).Scales[0]);
        // e2m1 has neither.
        Assert.Equal(0xFF, Q(StandardFormats.E2M1, [F(4), NaN], p).Scales[0]);
    }

    [Fact]
    public void SaturateClampsInfinities()
    {
        var p = QuantizationPolicy.Default with { Specials = SpecialsPolicy.Saturate };
        // gfloat block.py compute_scale_amax: amax = Inf, floor(log2 Inf) − emax clips to 127, so the scale is 2^127
        // (0xFE); 1 / 2^127 underflows to +0 and ±Inf saturate to ±448 (0x7E / 0xFE).
        var b = Q(StandardFormats.E4M3, [F(1), Inf, NegInf], p);
        Assert.Equal(0xFE, b.Scales[0]);
        Assert.Equal([0x00u, 0x7Eu, 0xFEu], b.Elements[..3]);
    }

    [Fact]
    public void SaturateGivesNanScaleForNanAndClampsInfToMax()
    {
        var p = QuantizationPolicy.Default with { Specials = SpecialsPolicy.Saturate };
        Assert.Equal(0xFF, Q(StandardFormats.E4M3, [F(1), NaN], p).Scales[0]);
        Assert.Equal(0xFF, Q(StandardFormats.E3M2, [F(1), NaN], p).Scales[0]);
        // MXINT8 ±Inf: symmetric ±127, full range −2 for −Inf; the scale is 2^127.
        Assert.Equal([0x00u, 0x7Fu, 0x81u], Q(StandardFormats.Int8, [F(1), Inf, NegInf], p).Elements[..3]);
        var full = p with { IntegerRange = IntegerRange.Full };
        Assert.Equal(0x80u, Q(StandardFormats.Int8, [F(1), NegInf], full).Elements[1]);
    }

    [Fact]
    public void Int8FullRangeAllowsMinusTwo()
    {
        // max 1.998 → 2^0; −1.998·64 = −127.87 rounds to −128: 0x80 under full, saturates to −127 (0x81) under symmetric.
        uint[] x = [F(-1.998f), F(1)];
        Assert.Equal(0x81u, Q(StandardFormats.Int8, x).Elements[0]);
        Assert.Equal(0x80u, Q(StandardFormats.Int8, x, QuantizationPolicy.Default with { IntegerRange = IntegerRange.Full }).Elements[0]);
    }

    [Fact]
    public void FlushTurnsFp32SubnormalsIntoSignedZeros()
    {
        uint sub = 0x00000400, negSub = 0x80000400; // 2^-139
        var flush = QuantizationPolicy.Default with { FlushSubnormalInputs = true };
        var b = Q(StandardFormats.E4M3, [sub, negSub], flush);
        Assert.Equal(0x00, b.Scales[0]);
        Assert.Equal([0x00u, 0x80u], b.Elements[..2]);
        // Kept: 2^-139 → shared_exp −147 clamps to −127, P = 2^-12 is below e4m3's 2^-9: rne gives 0, rup 2^-9.
        var kept = Q(StandardFormats.E4M3, [sub, negSub]);
        Assert.Equal(0x00, kept.Scales[0]);
        Assert.Equal([0x00u, 0x80u], kept.Elements[..2]);
        Assert.Equal(0x01u, Q(StandardFormats.E4M3, [sub], QuantizationPolicy.Default with { Rounding = RoundingMode.Up }).Elements[0]);
    }

    [Fact]
    public void StochasticBitsComeFromTheSeededGenerator()
    {
        var rng = new MxRandom(99);
        var x = TestBlocks.Normal(ref rng, 70, 3, 6);
        var p = QuantizationPolicy.Default with { Rounding = RoundingMode.Stochastic, StochasticSeed = 42, StochasticWidth = 12 };
        var draws = new MxRandom(42);
        var given = x.Select(_ => (uint)(draws.NextUInt64() >> (64 - 12))).ToArray();
        foreach (var f in StandardFormats.Elements)
            Assert.Equal(MxQuantizer.Quantize(f, x, 32, p, given).Elements, MxQuantizer.Quantize(f, x, 32, p).Elements);
        Assert.Equal(BdrQuantizer.Quantize(BlockFormat.Mx6, x, p, given).Elements, BdrQuantizer.Quantize(BlockFormat.Mx6, x, p).Elements);
        Assert.NotEqual(MxQuantizer.Quantize(StandardFormats.E2M1, x, 32, p).Elements,
            MxQuantizer.Quantize(StandardFormats.E2M1, x, 32, p with { StochasticSeed = 43 }).Elements);
    }

    [Fact]
    public void Mx4SubBlockBelowTheMaximumBinadeShiftsByOne()
    {
        // Worked from the definition (docs/quantization.md): E = 0. Sub-block {1, 0.25}: τ 0, grid 0.5: 1 → M 2,
        // 0.25 → tie → 0 (even). Sub-block {0.5, −0.375}: both below 2^0, τ 1, grid 0.25: 0.5 → M 2, −0.375 → tie → −2.
        // The remaining six sub-blocks are padding (zero): τ 1.
        var b = BdrQuantizer.Quantize(BlockFormat.Mx4, [F(1), F(0.25f), F(0.5f), F(-0.375f)]);
        Assert.Equal(127, b.Scales[0]);
        Assert.Equal(new byte[] { 0, 1, 1, 1, 1, 1, 1, 1 }, b.Microexponents);
        Assert.Equal([0x2u, 0x0u, 0x2u, 0x6u], b.Elements[..4]);
        Assert.Equal([1f, 0f, 0.5f, -0.5f], BdrQuantizer.Dequantize(b)[..4].Select(BitConverter.UInt32BitsToSingle).ToArray());
    }

    [Fact]
    public void Mx9ElementsAreMxint8MagnitudesInSignMagnitude()
    {
        // MX9's 7 magnitude bits on the grid 2^-6 are MXINT8's (OCP MX v1.0 Table 1) in sign-magnitude: −1.5 → 0x80 | 96.
        var b = BdrQuantizer.Quantize(BlockFormat.Mx9, [F(1.5f), F(-1.5f)]);
        Assert.Equal([96u, 0x80u | 96u], b.Elements[..2]);
        Assert.Equal(9.0, BlockFormat.Mx9.BitsPerElement);
        Assert.Equal(6.0, BlockFormat.Mx6.BitsPerElement);
        Assert.Equal(4.0, BlockFormat.Mx4.BitsPerElement);
    }

    [Theory]
    [InlineData("bdr-16-8-2-1-7", true)]
    [InlineData("bdr-16-8-3-1-7", false)]
    [InlineData("bdr-16-9-2-1-7", false)]
    [InlineData("bdr-16-8-2-1", false)]
    [InlineData("mx5", false)]
    public void BdrShapesParse(string name, bool valid) => Assert.Equal(valid, BlockFormat.TryParse(name) is { HasMicroexponents: true });
}
