using System.Runtime.InteropServices;
using MxRef.Quantization;
using MxRef.Rounding;

namespace MxRef.Cosim.Abi;

/// <summary>
/// <c>mxref_quant_policy</c> of mxref.h, field for field (six ints, then a 64-bit seed at offset 24 — the same layout
/// under the System V and Windows C ABIs). A NULL policy pointer means <see cref="QuantizationPolicy.Default"/>.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct QuantizationPolicyAbi
{
    public int Rounding;              // 0..5, or 8 = sr
    public int ScaleRule;             // 0 floor, 1 ceil
    public int Specials;              // 0 nan-scale, 1 preserve, 2 saturate
    public int Int8FullRange;         // 0 symmetric, 1 full
    public int FlushSubnormalInputs;  // 0 / 1
    public int SrWidth;               // 1..31, read for sr only
    public ulong SrSeed;              // read for sr without explicit random bits

    public const int StochasticCode = (int)RoundingMode.Stochastic;

    /// <summary>The policy, or the status code of the first field out of range.</summary>
    public readonly int TryConvert(out QuantizationPolicy policy)
    {
        policy = QuantizationPolicy.Default;
        if (!Arguments.IsRoundingMode(Rounding) && Rounding != StochasticCode) return Status.Rounding;
        if (ScaleRule is not (0 or 1) || Specials is < 0 or > 2 || Int8FullRange is not (0 or 1) || FlushSubnormalInputs is not (0 or 1))
            return Status.Argument;
        if (Rounding == StochasticCode && SrWidth is < 1 or > 31) return Status.Argument;
        policy = new QuantizationPolicy
        {
            Rounding = (RoundingMode)Rounding,
            ScaleRule = ScaleRule == 0 ? Quantization.ScaleRule.Floor : Quantization.ScaleRule.Ceil,
            Specials = (SpecialsPolicy)Specials,
            IntegerRange = Int8FullRange == 0 ? IntegerRange.Symmetric : IntegerRange.Full,
            FlushSubnormalInputs = FlushSubnormalInputs == 1,
            StochasticWidth = Rounding == StochasticCode ? SrWidth : 8,
            StochasticSeed = SrSeed,
        };
        return Status.Ok;
    }
}
