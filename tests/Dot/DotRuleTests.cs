using MxRef.Dot;
using MxRef.Formats;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>
/// Constructed cases for each rule of the reference dot product (issue 4, rules 1–5). Element codes come from OCP MX
/// v1.0 Table 1 (e4m3 0x38 = 1.0, 0x7E = 448, 0x7F = NaN; e5m2 0x3C = 1.0, 0x7B = 57344, 0x7C = Inf, 0x7D = NaN;
/// int8 0x80 = −2, 0x40 = 1.0); FP32 results are IEEE 754 binary32 encodings.
/// </summary>
public class DotRuleTests
{
    private const int E4M3 = 0, E5M2 = 1, INT8 = 5;
    private const int RNE = 0, RTZ = 1, RDN = 2, RUP = 3, RNA = 4, RTO = 5;
    private const byte One = 0x7F; // E8M0 2^0

    private static DotResult Dot(int fa, byte[] a, byte sa, int fb, byte[] b, byte sb, uint c, int rm) =>
        new DotCase(fa, a, sa, fb, b, sb, c, rm).Model();

    private static byte[] Block(params byte[] codes) => codes;

    private static void Expect(uint bits, int flags, DotResult r)
    {
        Assert.Equal(bits.ToString("x8"), r.Bits.ToString("x8"));
        Assert.Equal(flags, (int)r.Flags);
    }

    // Rule 1 and 2: NaN results and when they raise NV.
    [Fact] public void NanScaleGivesQuietNanWithoutFlags() => Expect(0x7FC00000, 0, Dot(E4M3, Block(0x38), 0xFF, E4M3, Block(0x38), One, 0, RNE));
    [Fact] public void SignalingNanCRaisesInvalid() => Expect(0x7FC00000, 0x10, Dot(E4M3, Block(0x38), One, E4M3, Block(0x38), One, 0x7F800001, RNE));
    [Fact] public void QuietNanCIsQuiet() => Expect(0x7FC00000, 0, Dot(E4M3, Block(0x38), One, E4M3, Block(0x38), One, 0xFFC00001, RNE));
    [Fact] public void NanElementIsQuiet() => Expect(0x7FC00000, 0, Dot(E4M3, Block(0x7F, 0x38), One, E4M3, Block(0x38, 0x38), One, 0, RNE));
    [Fact] public void InfinityTimesZeroIsInvalid() => Expect(0x7FC00000, 0x10, Dot(E5M2, Block(0x7C), One, E5M2, Block(0x00), One, 0, RNE));
    [Fact] public void InfinityTimesZeroIsInvalidEvenBesideANan() => Expect(0x7FC00000, 0x10, Dot(E5M2, Block(0x7C, 0x7D), One, E5M2, Block(0x80, 0x3C), One, 0, RNE));
    [Fact] public void OppositeInfiniteProductsAreInvalid() => Expect(0x7FC00000, 0x10, Dot(E5M2, Block(0x7C, 0xFC), One, E5M2, Block(0x3C, 0x3C), One, 0, RNE));
    [Fact] public void OppositeInfinitiesBesideANanInputAreQuiet() => Expect(0x7FC00000, 0, Dot(E5M2, Block(0x7C, 0xFC), One, E5M2, Block(0x3C, 0x3C), One, 0x7FC00000, RNE));
    [Fact] public void InfiniteProductAgainstOppositeInfiniteCIsInvalid() => Expect(0x7FC00000, 0x10, Dot(E5M2, Block(0x7C), One, E5M2, Block(0x3C), One, 0xFF800000, RNE));

    // Rule 3: a lone infinity wins, without flags, whatever the scales.
    [Fact] public void InfiniteProductGivesInfinity() => Expect(0xFF800000, 0, Dot(E5M2, Block(0x7C, 0x3C), 0x00, E5M2, Block(0xBC, 0x3C), 0x00, 0x3F800000, RNE));
    [Fact] public void InfiniteCGivesInfinity() => Expect(0x7F800000, 0, Dot(E5M2, Block(0x7B), 0xFE, E5M2, Block(0xFB), 0xFE, 0x7F800000, RNE));

    // Rule 4: the sign of an exact zero.
    [Fact] public void AllNegativeZeroTermsGiveNegativeZero() => Expect(0x80000000, 0, Dot(E4M3, Block(0x80, 0x00), One, E4M3, Block(0x00, 0x80), One, 0x80000000, RNE));
    [Fact] public void MixedZeroTermsGivePositiveZero() => Expect(0x00000000, 0, Dot(E4M3, Block(0x80, 0x00), One, E4M3, Block(0x00, 0x00), One, 0x80000000, RNE));
    [Fact] public void MixedZeroTermsUnderRdnGiveNegativeZero() => Expect(0x80000000, 0, Dot(E4M3, Block(0x80, 0x00), One, E4M3, Block(0x00, 0x00), One, 0x80000000, RDN));
    [Fact] public void PositiveZeroTermsUnderRdnGivePositiveZero() => Expect(0x00000000, 0, Dot(E4M3, Block(0x00), One, E4M3, Block(0x00), One, 0x00000000, RDN));
    [Fact] public void CancellationGivesPositiveZero() => Expect(0x00000000, 0, Dot(E4M3, Block(0x38), One, E4M3, Block(0x38), One, 0xBF800000, RNE));
    [Fact] public void CancellationUnderRdnGivesNegativeZero() => Expect(0x80000000, 0, Dot(E4M3, Block(0x38), One, E4M3, Block(0x38), One, 0xBF800000, RDN));
    [Fact] public void Int8ZeroIsPositive() => Expect(0x00000000, 0, Dot(INT8, Block(0x00), One, E4M3, Block(0x00), One, 0x80000000, RNE));
    [Fact] public void TinyNegativeResultKeepsItsSignWhenItRoundsToZero() => Expect(0x80000000, 0x03, Dot(E4M3, Block(0xB8), 0x00, E4M3, Block(0x38), 0x00, 0, RNE));

    // Rule 5: overflow per rounding mode (IEEE 754 §7.4); 32 × 57344² × 2^254 is far beyond FP32.
    [Theory]
    [InlineData(RNE, 0x7F800000u)]
    [InlineData(RNA, 0x7F800000u)]
    [InlineData(RTZ, 0x7F7FFFFFu)]
    [InlineData(RTO, 0x7F7FFFFFu)]
    [InlineData(RUP, 0x7F800000u)]
    [InlineData(RDN, 0x7F7FFFFFu)]
    public void PositiveOverflowFollowsTheMode(int rm, uint expected) =>
        Expect(expected, 0x05, Dot(E5M2, Block(0x7B), 0xFE, E5M2, Block(0x7B), 0xFE, 0, rm));

    [Theory]
    [InlineData(RNE, 0xFF800000u)]
    [InlineData(RTZ, 0xFF7FFFFFu)]
    [InlineData(RUP, 0xFF7FFFFFu)]
    [InlineData(RDN, 0xFF800000u)]
    public void NegativeOverflowFollowsTheMode(int rm, uint expected) =>
        Expect(expected, 0x05, Dot(E5M2, Block(0xFB), 0xFE, E5M2, Block(0x7B), 0xFE, 0, rm));

    // Scale sums at the extremes: sa + sb − 254 = −254 → 2^-254 underflows; rup gives the smallest subnormal.
    [Fact] public void SmallestScaleSumUnderflowsToZero() => Expect(0x00000000, 0x03, Dot(E4M3, Block(0x38), 0x00, E4M3, Block(0x38), 0x00, 0, RNE));
    [Fact] public void SmallestScaleSumRoundsUpToTheSmallestSubnormal() => Expect(0x00000001, 0x03, Dot(E4M3, Block(0x38), 0x00, E4M3, Block(0x38), 0x00, 0, RUP));

    // Halfway between 1.0 and its successor: C = 1.0, product = 2^-24 (e4m3 1.0 × 1.0 with scales 2^-24 · 2^0).
    [Theory]
    [InlineData(RNE, 0x3F800000u)]
    [InlineData(RNA, 0x3F800001u)]
    [InlineData(RTZ, 0x3F800000u)]
    [InlineData(RDN, 0x3F800000u)]
    [InlineData(RUP, 0x3F800001u)]
    [InlineData(RTO, 0x3F800001u)]
    public void ExactTieAboveOne(int rm, uint expected) =>
        Expect(expected, 0x01, Dot(E4M3, Block(0x38), 127 - 24, E4M3, Block(0x38), One, 0x3F800000, rm));

    [Fact] public void JustAboveTheTieRoundsUp() =>
        // 2^-24 + 2^-24·2^-9·… : e4m3 min subnormal 2^-9 as a second product pushes the sum past the tie.
        Expect(0x3F800001, 0x01, Dot(E4M3, Block(0x38, 0x01), 127 - 24, E4M3, Block(0x38, 0x38), One, 0x3F800000, RNE));

    [Fact] public void JustBelowTheTieRoundsDown() =>
        Expect(0x3F800000, 0x01, Dot(E4M3, Block(0x38, 0x81), 127 - 24, E4M3, Block(0x38, 0x38), One, 0x3F800000, RNE));

    [Fact] public void Int8MostNegativeCodesMultiply() =>
        // −2 × −2 = 4.0 (OCP MX v1.0 Table 1: INT8 two's complement × 2^-6; 0x80 = −128/64).
        Expect(0x40800000, 0, Dot(INT8, Block(0x80), One, INT8, Block(0x80), One, 0, RNE));

    [Fact] public void CancellationIntoTheSubnormalRangeIsExact()
    {
        // C = −2^-126 (min normal) and a product of 2^-126 + 2^-135: leaves exactly 2^-135, a subnormal, no flags.
        // e4m3 0x38 = 1.0, 0x01 = 2^-9; scales 2^-126 → sa = 1, sb = 127.
        Expect(0x00004000, 0, Dot(E4M3, Block(0x38, 0x01), 1, E4M3, Block(0x38, 0x38), One, 0x80800000, RNE));
    }
}
