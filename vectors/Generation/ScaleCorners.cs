using MxRef.Random;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Scale corners: every pair of 0x00, 0x01, 0x7F, 0xFE, 0xFF (so the sum reaches both extremes, 0 and 508, and the
/// NaN scale meets every other), with a single one×one product or a block full of max×max products.
/// </summary>
internal sealed class ScaleCorners : CornerFamily
{
    private static readonly byte[] Scales = [0x00, 0x01, 0x7F, 0xFE, 0xFF];

    public override string Name => "scales";

    public override int Variants(ElementCodes a, ElementCodes b) => Scales.Length * Scales.Length * 2;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        int n = Scales.Length;
        Clear(v, cell, Scales[variant % n], Scales[variant / n % n]);
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
