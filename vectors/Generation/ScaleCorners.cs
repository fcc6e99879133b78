using MxRef.Formats;
using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Scale corners: every pair of the scale format's smallest code, the next one, (a float scale's largest subnormal,)
/// unity, the largest finite code and NaN — E8M0 0x00, 0x01, 0x7F, 0xFE, 0xFF, so the exponent sum reaches both
/// extremes and the NaN scale meets every other; UE4M3 0x00 (zero), 0x01, 0x07 (subnormals), 0x38 (1.0), 0x7E (448),
/// 0x7F (NaN) — with a single one×one product or a block full of max×max products. The scale format is the run's, so
/// the variant count is fixed per run.
/// </summary>
internal sealed class ScaleCorners : CornerFamily
{
    public override string Name => "scales";

    /// <summary>The corner codes of a scale format, asked of its codec.</summary>
    public static byte[] Codes(ScaleCodec s)
    {
        var f = s.Format;
        var codes = new List<byte> { 0x00, 0x01 };
        if (!s.IsPowerOfTwo) codes.Add((byte)((1u << f.MantissaBits) - 1)); // largest subnormal
        codes.AddRange([(byte)s.UnitCode, (byte)f.MaxFiniteCode, (byte)s.NanCode]);
        return codes.Distinct().ToArray();
    }

    public override int Variants(ElementCodes a, ElementCodes b) => Variants(a, b, ScaleCodec.E8M0);

    public override int Variants(ElementCodes a, ElementCodes b, ScaleCodec scales) => Codes(scales).Length * Codes(scales).Length * 2;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        var scales = Codes(v.Scales);
        int n = scales.Length;
        Clear(v, cell, scales[variant % n], scales[variant / n % n]);
        if (variant / (n * n) == 0)
        {
            v.A[0] = cell.A.One; v.B[0] = cell.B.One;
        }
        else
        {
            Array.Fill(v.A, cell.A.MaxNormal);
            Array.Fill(v.B, cell.B.MaxNormal);
        }
    }
}
