using System.Numerics;
using MxRef.Tests.Oracle;

namespace MxRef.Tests.DropBack;

/// <summary>
/// W0 from the definitions in docs/dropback.md, independently of the model: the draws come from
/// <see cref="PhiloxOracle"/>, the value S·2^−24·a is formed exactly as a BigInteger and rounded by the rounding
/// oracle (<see cref="ConversionOracle"/>).
/// </summary>
public static class InitialWeightOracle
{
    public static uint Weight(ulong seed, uint layer, uint index, int terms, uint a)
    {
        BigInteger sum = 0;
        for (uint t = 0; t < terms; t++)
        {
            uint word = PhiloxOracle.Philox4x32([index / 4, layer, t, 0], [(uint)seed, (uint)(seed >> 32)], 10)[index % 4];
            sum += 2 * (BigInteger)(word >> 8) + 1 - (1 << 24);
        }
        return Scaled(sum, a);
    }

    /// <summary>RN_fp32(sum × 2^−24 × a).</summary>
    public static uint Scaled(BigInteger sum, uint a)
    {
        var x = ConversionOracle.Decode(OracleFormat.Fp32, a);
        var (v, _) = ConversionOracle.Round(OracleFormat.Fp32, sum.Sign < 0, BigInteger.Abs(sum) * x.Mag, x.Exp - 24, "rne", saturate: false);
        return DotOracle.Encode(OracleFormat.Fp32, v);
    }
}
