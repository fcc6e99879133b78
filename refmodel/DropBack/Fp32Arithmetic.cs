using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.DropBack;

/// <summary>
/// The FP32 multiply and subtract of the DropBack training step (IEEE 754 binary32, round to nearest even, IEEE
/// overflow), each the exact operation followed by one rounding (Fp32Arith, shared with the fp32-sum dot model) — the same
/// result as the hardware FPU of the trainer, without relying on it.
/// </summary>
public static class Fp32Arithmetic
{
    public const uint QuietNan = 0x7FC00000;
    private static readonly NumberFormat Fp32 = StandardFormats.Fp32;
    private static readonly RoundingContext Nearest = new(RoundingMode.NearestEven, OverflowPolicy.Ieee);

    /// <summary>RN(a × b), through the dot model's FP32 arithmetic (the exact product, one rounding).</summary>
    public static uint Multiply(uint a, uint b)
    {
        var flags = ExceptionFlags.None;
        return Fp32Arith.Multiply(a, b, Fp32, Nearest, ref flags);
    }

    /// <summary>RN(a − b).</summary>
    public static uint Subtract(uint a, uint b) => Add(a, b ^ 0x80000000);

    /// <summary>RN(a + b), through the dot model's FP32 arithmetic (the exact sum, one rounding; IEEE 754 §6.3 zero signs).</summary>
    public static uint Add(uint a, uint b)
    {
        var flags = ExceptionFlags.None;
        return Fp32Arith.Add(a, b, Fp32, Nearest, ref flags);
    }
}
