using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>How the shared exponent of a block is chosen from its largest magnitude (docs/quantization.md).</summary>
public enum ScaleRule
{
    /// <summary>
    /// <c>floor</c>: shared_exp = floor(log2(max|v|)) − emax_elem (OCP MX v1.0 §6.3, the MX paper's Algorithm 1;
    /// microxcaling, gfloat). The largest element may exceed max normal and then saturates.
    /// </summary>
    Floor,
    /// <summary>
    /// <c>ceil</c>: the smallest shared_exp with max|v| / 2^shared_exp ≤ max normal, so no element saturates
    /// (the amax / max-normal rounded up to a power of two of several GPU stacks). It is floor or floor + 1.
    /// </summary>
    Ceil,
}

/// <summary>What a block holding NaN or ±Inf becomes.</summary>
public enum SpecialsPolicy
{
    /// <summary><c>nan-scale</c>: scale code NaN (0xFF), every element code 0 (microxcaling: the whole block is NaN).</summary>
    NanScale,
    /// <summary>
    /// <c>preserve</c>: the scale comes from the finite values; NaN and ±Inf are kept as element codes when the element
    /// format has them (NaN: e4m3, e5m2; Inf: e5m2); a block holding one the format lacks gets the NaN scale.
    /// </summary>
    Preserve,
    /// <summary>
    /// <c>saturate</c>, as gfloat's <c>quantize_block</c> with <c>compute_scale_amax</c> and sat=True: ±Inf makes the
    /// block maximum infinite, so shared_exp clamps to its top (127) and ±Inf becomes ±max finite; the finite values
    /// are divided by 2^127 (and mostly underflow). A NaN gives the NaN scale with element codes 0.
    /// </summary>
    Saturate,
}

/// <summary>The range of MXINT8 (and any integer element format).</summary>
public enum IntegerRange
{
    /// <summary><c>symmetric</c>: ±127/64; −2 (0x80) is never produced (OCP MX v1.0 §5.3.4 "may be left unused"; microxcaling).</summary>
    Symmetric,
    /// <summary><c>full</c>: −2 (0x80) may be produced (gfloat, TOSA).</summary>
    Full,
}

/// <summary>
/// Every choice a quantizer makes beyond the element format and the block size. <see cref="Default"/> is the OCP
/// recommendation (OCP MX v1.0 §6.3): floor rule, rne, NaN scale for specials, symmetric INT8, subnormal inputs kept.
/// </summary>
public sealed record QuantizationPolicy
{
    public static readonly QuantizationPolicy Default = new();

    /// <summary>Rounding of each v_i / 2^shared_exp to the element format (any mode of the rounding core).</summary>
    public RoundingMode Rounding { get; init; } = RoundingMode.NearestEven;
    public ScaleRule ScaleRule { get; init; } = ScaleRule.Floor;
    public SpecialsPolicy Specials { get; init; } = SpecialsPolicy.NanScale;
    public IntegerRange IntegerRange { get; init; } = IntegerRange.Symmetric;

    /// <summary>FP32 subnormal inputs become a zero of the same sign before anything else (MX paper, Algorithm 1).</summary>
    public bool FlushSubnormalInputs { get; init; }

    /// <summary>
    /// For <c>sr</c>: the seed of the <see cref="Random.MxRandom"/> that draws the random bits when none are given.
    /// Input element i (0-based, in input order, padding excluded) takes the top <see cref="StochasticWidth"/> bits of
    /// the generator's i-th 64-bit output — one draw per input element, whether or not it needs rounding.
    /// </summary>
    public ulong StochasticSeed { get; init; }

    /// <summary>For <c>sr</c>: n, the number of random bits per element (1..31; 8 by default, as <c>mxref convert</c>).</summary>
    public int StochasticWidth { get; init; } = 8;

    /// <summary>The rounding context of the element conversions: the policy's mode, saturating overflow (§6.3).</summary>
    public RoundingContext ElementContext() => new(Rounding, OverflowPolicy.Saturate)
    {
        IntegerFullRange = IntegerRange == IntegerRange.Full,
        RandomWidth = Rounding == RoundingMode.Stochastic ? StochasticWidth : 0,
    };

    public void Validate()
    {
        if (Rounding == RoundingMode.Stochastic && StochasticWidth is < 1 or > 31)
            throw new ArgumentOutOfRangeException(nameof(StochasticWidth), StochasticWidth, "stochastic rounding takes 1..31 random bits");
    }
}

public static class PolicyNames
{
    public static string Name(this ScaleRule r) => r == ScaleRule.Floor ? "floor" : "ceil";
    public static string Name(this SpecialsPolicy s) => s switch
    {
        SpecialsPolicy.NanScale => "nan-scale",
        SpecialsPolicy.Preserve => "preserve",
        _ => "saturate",
    };
    public static string Name(this IntegerRange r) => r == IntegerRange.Symmetric ? "symmetric" : "full";

    public static ScaleRule? ParseScaleRule(string s) => s.Trim().ToLowerInvariant() switch
    {
        "floor" => ScaleRule.Floor,
        "ceil" => ScaleRule.Ceil,
        _ => null,
    };

    public static SpecialsPolicy? ParseSpecials(string s) => s.Trim().ToLowerInvariant() switch
    {
        "nan-scale" => SpecialsPolicy.NanScale,
        "preserve" => SpecialsPolicy.Preserve,
        "saturate" => SpecialsPolicy.Saturate,
        _ => null,
    };

    public static IntegerRange? ParseIntegerRange(string s) => s.Trim().ToLowerInvariant() switch
    {
        "symmetric" => IntegerRange.Symmetric,
        "full" => IntegerRange.Full,
        _ => null,
    };
}
