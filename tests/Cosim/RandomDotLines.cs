using MxRef.Tests.Support;
using MxRef.Rounding;
using MxRef.Formats;
using System.Text;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Tests.Cosim;

/// <summary>Random `mxref dot` input lines: every format pair and mode, random codes (NaN/Inf included), varied C.</summary>
public static class RandomDotLines
{
    public static string Make(int count, int k, int seed)
    {
        var rng = new SeededRandom((ulong)seed);
        var v = new DotVector(k);
        var sb = new StringBuilder();
        for (int n = 0; n < count; n++)
        {
            v.FormatA = StandardFormats.Elements[rng.Next(6)];
            v.FormatB = StandardFormats.Elements[rng.Next(6)];
            v.Rounding = (RoundingMode)rng.Next(6);
            v.ScaleA = Scale(rng);
            v.ScaleB = Scale(rng);
            bool sparse = rng.Next(8) == 0; // exact zeros and cancellation
            for (int i = 0; i < k; i++)
            {
                v.A[i] = sparse && rng.Next(4) != 0 ? (byte)0 : Code(rng, v.FormatA);
                v.B[i] = Code(rng, v.FormatB);
            }
            v.C = Fp32(rng);
            DotLine.AppendInputs(sb, v);
            sb.Append('\n');
        }
        return sb.ToString();
    }

    private static byte Code(SeededRandom rng, NumberFormat format) => (byte)rng.Next(1 << DotLine.ElementWidth(format));

    private static byte Scale(SeededRandom rng) => rng.Next(32) switch
    {
        0 => 0xFF,
        1 => (byte)rng.Next(256),
        _ => (byte)rng.Next(107, 148),
    };

    private static uint Fp32(SeededRandom rng)
    {
        uint sign = (uint)rng.Next(2) << 31, bits = (uint)rng.Next() & 0x7FFFFF;
        return rng.Next(16) switch
        {
            0 => sign,
            1 => sign | 0x7F800000,
            2 => sign | 0x7F800000 | bits | 1, // NaN, quiet or signalling
            3 => sign | bits,                  // subnormal
            _ => sign | (uint)rng.Next(112, 142) << 23 | bits,
        };
    }
}
