using FsCheck.Xunit;
using MxRef.DropBack;
using MxRef.Random;
using Xunit;

namespace MxRef.Tests.DropBack;

/// <summary>
/// The training step's FP32 multiply and subtract against the machine's IEEE 754 binary32 arithmetic (round to
/// nearest even, gradual underflow: .NET does not flush subnormals), which is an independent oracle for them.
/// </summary>
public class Fp32ArithmeticTests
{
    [Fact]
    public void AgreesWithTheFpuOnRandomAndSpecialOperands()
    {
        var rng = new MxRandom(21);
        for (int n = 0; n < 500_000; n++)
        {
            uint a = Operand(ref rng), b = Operand(ref rng);
            Check(a, b);
        }
    }

    [Property(MaxTest = 2000)]
    public void AgreesWithTheFpu(uint a, uint b) => Check(a, b);

    [Theory]
    [InlineData(0x3F800000u, 0x3F800000u)] // 1 − 1 = +0
    [InlineData(0x80000000u, 0x00000000u)] // −0 − 0 = −0
    [InlineData(0x00000000u, 0x00000000u)] // 0 − 0 = +0
    [InlineData(0x7F800000u, 0x7F800000u)] // Inf − Inf = NaN
    [InlineData(0x3F800000u, 0x0C000000u)] // 1 − tiny: far below the last bit, sticky only
    [InlineData(0x4B800000u, 0x3F000001u)] // 2^24 − (0.5 + ulp): rounds down across the binade
    [InlineData(0x00000001u, 0x80000001u)] // subnormal + subnormal
    public void EdgeCases(uint a, uint b) => Check(a, b);

    private static void Check(uint a, uint b)
    {
        float x = BitConverter.UInt32BitsToSingle(a), y = BitConverter.UInt32BitsToSingle(b);
        AssertSame(BitConverter.SingleToUInt32Bits(x * y), Fp32Arithmetic.Multiply(a, b), $"0x{a:x8} * 0x{b:x8}");
        AssertSame(BitConverter.SingleToUInt32Bits(x - y), Fp32Arithmetic.Subtract(a, b), $"0x{a:x8} - 0x{b:x8}");
        AssertSame(BitConverter.SingleToUInt32Bits(x + y), Fp32Arithmetic.Add(a, b), $"0x{a:x8} + 0x{b:x8}");
    }

    /// <summary>NaN payloads are the FPU's business; the model always answers the canonical quiet NaN.</summary>
    private static void AssertSame(uint fpu, uint model, string what)
    {
        bool fpuNan = (fpu & 0x7FFFFFFF) > 0x7F800000;
        if (fpuNan ? model != Fp32Arithmetic.QuietNan : model != fpu)
            Assert.Fail($"{what}: model 0x{model:x8}, FPU 0x{fpu:x8}");
    }

    /// <summary>Mostly nearby exponents (real cancellation), sometimes anything, sometimes a special.</summary>
    private static uint Operand(ref MxRandom rng)
    {
        uint sign = (uint)rng.NextBits(1) << 31, mantissa = (uint)rng.NextBits(23);
        return rng.NextInt(0, 16) switch
        {
            0 => sign,
            1 => sign | 0x7F800000,
            2 => sign | mantissa,
            3 => (uint)rng.NextUInt32(),
            _ => sign | (uint)rng.NextInt(100, 130) << 23 | mantissa,
        };
    }
}
