using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>
/// Constructed vectors for each implementation-profile knob (docs/semantics.md, "Implementation profiles"): the default
/// model and the knob differ exactly as the rule says. Element codes from OCP MX v1.0 Table 1 (e4m3 0x38 = 1.0,
/// 0x3A = 1.25, 0x3C = 1.5, 0x01 = 2^-9, 0x7F = NaN; e5m2 0x3C = 1.0, 0x7B = 57344, 0x7D = sNaN, 0x7E = qNaN), E8M0
/// 0x7F = 2^0; FP32 results are IEEE 754 binary32 encodings.
/// </summary>
public class ProfileTests
{
    private const int E4M3 = 0, E5M2 = 1;
    private const int RNE = 0, RTZ = 1, RDN = 2, RUP = 3;
    private const byte One = 0x7F;

    private static DotCase Case(int f, byte[] a, byte sa, byte[] b, byte sb, uint c, int rm) => new(f, a, sa, f, b, sb, c, rm);

    private static DotResult Run(DotCase t, string profile, AccumulationModel? model = null)
    {
        var p = ImplementationProfile.TryParse(profile, out string? error) ?? throw new ArgumentException(error);
        return MxDot.Dot(t.Block, t.C, (RoundingMode)t.Rm, StandardFormats.Fp32, model ?? AccumulationModel.Fused, p);
    }

    private static void Expect(uint bits, int flags, DotResult r)
    {
        Assert.Equal(bits.ToString("x8"), r.Bits.ToString("x8"));
        Assert.Equal(ExceptionFlagNames.Format((ExceptionFlags)flags), ExceptionFlagNames.Format(r.Flags));
    }

    /// <summary>Checks the default model's answer and the profile's answer on one vector.</summary>
    private static void Differ(DotCase t, string profile, uint defaultBits, int defaultFlags, uint profileBits, int profileFlags)
    {
        Expect(defaultBits, defaultFlags, t.Model());
        Expect(defaultBits, defaultFlags, Run(t, "default"));
        Expect(profileBits, profileFlags, Run(t, profile));
    }

    // Behaviour 1: the accumulator shortcut. C = 1.0 (E_C = 0) and a product 2^-71 lies 71 > 70 bits below.
    [Fact] public void ShortcutUnderRtzReturnsCOneUlpAboveIeee() =>
        Differ(Case(E4M3, [0xB8], 0x38, [0x38], One, 0x3F800000, RTZ), "shortcut=threshold:70", 0x3F7FFFFF, 1, 0x3F800000, 1);
    [Fact] public void ShortcutUnderRdnReturnsCOneUlpAboveIeee() =>
        Differ(Case(E4M3, [0xB8], 0x38, [0x38], One, 0x3F800000, RDN), "shortcut=threshold:70", 0x3F7FFFFF, 1, 0x3F800000, 1);
    [Fact] public void ShortcutUnderRupReturnsCOneUlpBelowIeee() =>
        Differ(Case(E4M3, [0x38], 0x38, [0x38], One, 0x3F800000, RUP), "shortcut=threshold:70", 0x3F800001, 1, 0x3F800000, 1);
    [Fact] public void ShortcutUnderRneAgreesWithIeee() =>
        Differ(Case(E4M3, [0xB8], 0x38, [0x38], One, 0x3F800000, RNE), "shortcut=threshold:70", 0x3F800000, 1, 0x3F800000, 1);
    [Fact] public void ShortcutNeedsMoreThanNBits() // 2^-70: distance exactly 70, no shortcut
        => Differ(Case(E4M3, [0xB8], 0x39, [0x38], One, 0x3F800000, RTZ), "shortcut=threshold:70", 0x3F7FFFFF, 1, 0x3F7FFFFF, 1);
    [Fact] public void ShortcutDropsUnderflowWhenCIsZero() // 2^-200 against C = +0 (E_C = -126): rup gives the smallest subnormal with UF
        => Differ(Case(E4M3, [0x38], 0x1B, [0x38], 0x1B, 0x00000000, RUP), "shortcut=threshold:70", 0x00000001, 3, 0x00000000, 1);
    [Fact] public void ShortcutDropsUnderflowWhenCIsSubnormal()
        => Differ(Case(E4M3, [0x38], 0x1B, [0x38], 0x1B, 0x00000001, RNE), "shortcut=threshold:70", 0x00000001, 3, 0x00000001, 1);
    [Fact] public void ShortcutReturnsPositiveZeroCWhereTheNegativeSumShouldShow() // −2^-200 + (+0): IEEE −0 with UF
        => Differ(Case(E4M3, [0xB8], 0x1B, [0x38], 0x1B, 0x00000000, RNE), "shortcut=threshold:70", 0x80000000, 3, 0x00000000, 1);
    [Fact] public void ShortcutReturnsNegativeZeroCWhereThePositiveSumShouldShow()
        => Differ(Case(E4M3, [0x38], 0x1B, [0x38], 0x1B, 0x80000000, RNE), "shortcut=threshold:70", 0x00000000, 3, 0x80000000, 1);

    // Behaviour 2: products summing to exactly zero give D = C, C = −0 included.
    [Fact] public void CPassthroughKeepsNegativeZeroC() =>
        Differ(Case(E4M3, [0x00], One, [0x38], One, 0x80000000, RNE), "zero-sign=c-passthrough", 0x00000000, 0, 0x80000000, 0);
    [Fact] public void CPassthroughWhenProductsCancel() =>
        Differ(Case(E4M3, [0x38, 0xB8], One, [0x38, 0x38], One, 0x80000000, RUP), "zero-sign=c-passthrough", 0x00000000, 0, 0x80000000, 0);
    [Fact] public void CPassthroughLeavesCancellationAgainstCToIeee() // 1 + (−1) under rdn: −0 either way
        => Differ(Case(E4M3, [0x38], One, [0x38], One, 0xBF800000, RDN), "zero-sign=c-passthrough", 0x80000000, 0, 0x80000000, 0);

    // Behaviour 3: an exact zero is always +0.
    [Fact] public void PositiveZeroUnderRdnCancellation() =>
        Differ(Case(E4M3, [0x38], One, [0x38], One, 0xBF800000, RDN), "zero-sign=positive", 0x80000000, 0, 0x00000000, 0);
    [Fact] public void PositiveZeroWhenEveryTermIsNegativeZero() =>
        Differ(Case(E4M3, [0x80], One, [0x38], One, 0x80000000, RNE), "zero-sign=positive", 0x80000000, 0, 0x00000000, 0);
    [Fact] public void PositiveAndCPassthroughCombine() // the zero sum passes C = −0; cancellation against C gives +0
    {
        Expect(0x80000000, 0, Run(Case(E4M3, [0x00], One, [0x38], One, 0x80000000, RDN), "zero-sign=positive+c-passthrough"));
        Expect(0x00000000, 0, Run(Case(E4M3, [0x38], One, [0x38], One, 0xBF800000, RDN), "zero-sign=positive+c-passthrough"));
    }

    // Behaviour 4: e5m2 signalling-NaN codes (quiet bit clear) raise NV.
    [Theory, InlineData(0x7D), InlineData(0xFD)]
    public void SignalingNanElementRaisesInvalid(int code) =>
        Differ(Case(E5M2, [(byte)code], One, [0x3C], One, 0, RNE), "snan-elements=signal", 0x7FC00000, 0, 0x7FC00000, 0x10);
    [Fact] public void QuietNanElementStaysQuiet() =>
        Differ(Case(E5M2, [0x7E], One, [0x3C], One, 0, RNE), "snan-elements=signal", 0x7FC00000, 0, 0x7FC00000, 0);

    // Behaviour 5: tininess on the destination-rounded result. C = 2^-126 − 2u (0x007FFFFF, u = 2^-150) plus 1.25u
    // is 2^-126 − 0.75u: tiny after rounding to 24 bits (2^-126 − u), but the destination rounds it to 2^-126.
    [Fact] public void OnResultTininessGivesInexactWithoutUnderflow() =>
        Differ(Case(E4M3, [0x3A], 0x34, [0x38], 0x34, 0x007FFFFF, RNE), "tininess=on-result", 0x00800000, 3, 0x00800000, 1);
    [Fact] public void OnResultTininessStillUnderflowsOnASubnormalResult() // 2^-126 − 2u + 0.5u rounds to 2^-126 − 2u
        => Differ(Case(E4M3, [0x30], 0x34, [0x38], 0x34, 0x007FFFFF, RNE), "tininess=on-result", 0x007FFFFF, 3, 0x007FFFFF, 3);
    [Fact] public void BeforeRoundingTininessUnderflowsJustBelowTheNormalRange() // 2^-126 − 0.25u: after rounding it is 2^-126
        => Differ(Case(E4M3, [0x3C], 0x34, [0x38], 0x34, 0x007FFFFF, RNE), "tininess=before-rounding", 0x00800000, 1, 0x00800000, 3);

    // The other knobs.
    [Fact] public void FlushInputsZeroesSubnormalElements() =>
        Differ(Case(E4M3, [0x01], One, [0x38], One, 0, RNE), "flush-inputs=on", 0x3B000000, 0, 0x00000000, 0);
    [Fact] public void FlushInputsKeepsTheSign() =>
        Differ(Case(E4M3, [0x81], One, [0x38], One, 0x80000000, RNE), "flush-inputs=on", 0xBB000000, 0, 0x80000000, 0);
    [Fact] public void FlushCZeroesASubnormalC() =>
        Differ(Case(E4M3, [0x80], One, [0x38], One, 0x80000001, RNE), "flush-c=on", 0x80000001, 0, 0x80000000, 0);
    [Fact] public void FlushResultKeepsTheSign() // −(3·2^-149) − 2^-149 = −4·2^-149, exact but subnormal
        => Differ(Case(E4M3, [0xB8], 0x35, [0x38], 0x34, 0x80000003, RNE), "flush-result=on", 0x80000004, 0, 0x80000000, 3);
    [Fact] public void SaturateClampsOverflow() =>
        Differ(Case(E5M2, [0x7B], 0xFE, [0x7B], 0xFE, 0, RNE), "overflow=saturate", 0x7F800000, 5, 0x7F7FFFFF, 5);
    [Fact] public void NanScaleAsNumberReadsTwoToThe128() // 2^128 · 2^-2 · 1 · 1 = 2^126
        => Differ(Case(E4M3, [0x38], 0xFF, [0x38], 0x7D, 0, RNE), "nan-scale=as-number", 0x7FC00000, 0, 0x7E800000, 0);
    [Fact] public void DominantNanCPassesUnchanged() =>
        Differ(Case(E4M3, [0x38], One, [0x38], One, 0x7FC00001, RNE), "special-c=passthrough-when-dominant", 0x7FC00000, 0, 0x7FC00001, 0);
    [Fact] public void DominantSignalingNanCPassesWithoutInvalid() =>
        Differ(Case(E4M3, [0x38], One, [0x38], One, 0x7F800001, RNE), "special-c=passthrough-when-dominant", 0x7FC00000, 0x10, 0x7F800001, 0);
    [Fact] public void InfinityCBelowTheSumIsTheNumberTwoToThe128() // +Inf read as 2^128, plus −57344·2^127: overflows to −Inf
        => Differ(Case(E5M2, [0xFB], 0xFE, [0x3C], One, 0x7F800000, RNE), "special-c=passthrough-when-dominant", 0x7F800000, 0, 0xFF800000, 5);
    [Fact] public void PropagateKeepsTheNanCPayload() =>
        Differ(Case(E4M3, [0x38], One, [0x38], One, 0x7F800001, RNE), "nan-result=propagate", 0x7FC00000, 0x10, 0x7FC00001, 0x10);
    [Fact] public void PropagateKeepsTheNanElementSign() =>
        Differ(Case(E4M3, [0xFF], One, [0x38], One, 0, RNE), "nan-result=propagate", 0x7FC00000, 0, 0xFFC00000, 0);

    // All five behaviours of one unit together, and with chunked accumulation.
    private const string FiveBehaviours = "tininess=on-result,zero-sign=positive+c-passthrough,shortcut=threshold:70,snan-elements=signal";

    [Fact]
    public void TheFiveKnobsCombine()
    {
        Expect(0x3F800000, 1, Run(Case(E4M3, [0xB8], 0x38, [0x38], One, 0x3F800000, RTZ), FiveBehaviours));
        Expect(0x80000000, 0, Run(Case(E4M3, [0x00], One, [0x38], One, 0x80000000, RNE), FiveBehaviours));
        Expect(0x00000000, 0, Run(Case(E4M3, [0x38], One, [0x38], One, 0xBF800000, RDN), FiveBehaviours));
        Expect(0x7FC00000, 0x10, Run(Case(E5M2, [0x7D], One, [0x3C], One, 0, RNE), FiveBehaviours));
        Expect(0x00800000, 1, Run(Case(E4M3, [0x3A], 0x34, [0x38], 0x34, 0x007FFFFF, RNE), FiveBehaviours));
    }

    [Fact]
    public void ChunkedAppliesTheProfileToEachStep() // the first chunk's zero sum passes C = −0 on to the second
    {
        var t = Case(E4M3, [0x00, 0x80], One, [0x38, 0x38], One, 0x80000000, RNE);
        Expect(0x80000000, 0, Run(t, "zero-sign=c-passthrough", AccumulationModel.Chunked(1)));
        Expect(0x00000000, 0, Run(t, "zero-sign=positive", AccumulationModel.Chunked(1)));
    }

    [Fact]
    public void Fp32SumRejectsANonDefaultProfile() =>
        Assert.Throws<ArgumentException>(() => Run(Case(E4M3, [0x38], One, [0x38], One, 0, RNE), "overflow=saturate", AccumulationModel.Fp32Sum));
}
