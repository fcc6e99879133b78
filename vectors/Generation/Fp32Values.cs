using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Generation;

/// <summary>Exact value → bit pattern helpers for constructing C and expected values.</summary>
internal static class Fp32Values
{
    private static readonly RoundingContext Exact = new(RoundingMode.NearestEven, OverflowPolicy.Ieee);

    /// <summary>±sig·2^exp in <paramref name="f"/>; null when not exactly representable.</summary>
    public static uint? Encode(NumberFormat f, bool negative, ulong sig, int exp)
    {
        if (sig == 0) return negative ? f.NegativeZeroCode : 0u;
        var r = RoundingCore.Round(f, negative, sig, exp, false, Exact);
        return r.Flags == ExceptionFlags.None ? r.Code : null;
    }

    public static uint Fp32(bool negative, ulong sig, int exp) =>
        Encode(StandardFormats.Fp32, negative, sig, exp) ?? throw new InvalidOperationException($"{sig}·2^{exp} is not an FP32 value");

    public const uint PlusZero = 0, MinusZero = 0x80000000, One = 0x3F800000, PlusInf = 0x7F800000, MinusInf = 0xFF800000;
    public const uint QuietNaN = 0x7FC00000, SignalingNaN = 0x7FA00000, MaxFinite = 0x7F7FFFFF, MinNormal = 0x00800000;
    public const uint MinSubnormal = 1, MaxSubnormal = 0x007FFFFF;
}
