using MxRef.Dot;
using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Every NaN and Inf encoding of both element formats as an operand, not only the canonical one (OCP MX v1.0 §5.3:
/// E5M2 has three NaN mantissas per sign — 0x7D/0xFD with the quiet bit clear, 0x7E/0xFE, 0x7F/0xFF — and ±Inf
/// 0x7C/0xFC; E4M3 has NaN 0x7F/0xFF only), each against a one of the other format with C = +0 or 1.0; then the NaN
/// scale on A's side only and on B's side only.
/// </summary>
internal sealed class SpecialCodeCorners : CornerFamily
{
    public override string Name => "special-codes";

    /// <summary>The codes of a format whose value is NaN or infinite, in code order.</summary>
    public static byte[] Codes(ElementCodes e) => Enumerable.Range(0, (int)e.Format.CodeMask + 1)
        .Where(c => (e.Table.Class[c] & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0).Select(c => (byte)c).ToArray();

    public override int Variants(ElementCodes a, ElementCodes b) => Codes(a).Length + Codes(b).Length + 2;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        var ca = Codes(cell.A); var cb = Codes(cell.B);
        Clear(v, cell, c: (variant & 1) == 0 ? Fp32Values.PlusZero : Fp32Values.One);
        int slot = variant % v.K;
        v.A[slot] = cell.A.One; v.B[slot] = cell.B.One;
        if (variant < ca.Length) v.A[slot] = ca[variant];
        else if (variant < ca.Length + cb.Length) v.B[slot] = cb[variant - ca.Length];
        else
        {
            var scales = ScalePowers.For(v.Scales);
            if (variant == ca.Length + cb.Length) v.ScaleA = scales.Nan; else v.ScaleB = scales.Nan;
        }
    }
}
