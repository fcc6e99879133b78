using MxRef.Formats;
using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Every code of a scale format that is not a power of two (NVFP4's UE4M3: 0x00 zero, 0x01..0x07 subnormals, normals
/// up to 0x7E = 448, 0x7F NaN), on each side against the unit scale, and a zero scale under products of one sign.
/// <list type="bullet">
/// <item>Codes: scale A = c with B = 1.0, and A = 1.0 with B = c, for c = 0 .. the largest code. The block carries
///   max × max, one × one and min-subnormal × min-subnormal in its first three lanes (C = +0), so the exact result is
///   a fixed multiple of the scale's value and every significand bit, the subnormal exponent and the NaN and zero
///   codes are read once per side. The <c>scales</c> family pairs only six UE4M3 codes; a decoder that is wrong for
///   one exponent field (say, E = 8 read as a subnormal) is reached by no other corner.</item>
/// <item>Zero scale: one side's scale 0x00 makes every product a zero of sign sign(a_i)·sign(b_i) (the golden
///   model's product sa·sb·a_i·b_i, IEEE 754-2019 §6.3 for its sign); with every lane's product of one sign and C = ±0
///   the result is a zero whose sign only this case decides: −0 when every term is −0, otherwise +0 (−0 under rdn).
///   2 sides × 2 product signs × 2 zero signs of C.</item>
/// </list>
/// A power-of-two scale (E8M0) has no significand to decode and no zero: the family is empty for it, so the E8M0
/// corner set is unchanged.
/// </summary>
internal sealed class ScaleCodeCorners : CornerFamily
{
    public override string Name => "scale-codes";

    public override int Variants(ElementCodes a, ElementCodes b) => Variants(a, b, ScaleCodec.E8M0);

    public override int Variants(ElementCodes a, ElementCodes b, ScaleCodec scales) => Applies(scales) ? CodeVariants(scales) + ZeroVariants : 0;

    /// <summary>Only a scale with a significand (and, for the zero part, a zero code) has codes to decode.</summary>
    public static bool Applies(ScaleCodec scales) => !scales.IsPowerOfTwo && ZeroCode(scales) is not null;

    private static int CodeVariants(ScaleCodec scales) => 2 * ((int)scales.MaxCode + 1);

    private const int ZeroVariants = 8;

    /// <summary>The scale format's code of value zero (UE4M3 0x00), or null when it has none.</summary>
    public static byte? ZeroCode(ScaleCodec scales)
    {
        for (uint c = 0; c <= scales.MaxCode; c++)
            if (scales.IsZero(c)) return (byte)c;
        return null;
    }

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        var scales = v.Scales;
        byte unit = (byte)scales.UnitCode;
        int codes = CodeVariants(scales);
        if (variant < codes)
        {
            byte code = (byte)(variant >> 1);
            bool onB = (variant & 1) != 0;
            Clear(v, cell, onB ? unit : code, onB ? code : unit, Fp32Values.PlusZero);
            v.A[0] = cell.A.MaxNormal; v.B[0] = cell.B.MaxNormal;
            if (v.K > 1) { v.A[1] = cell.A.One; v.B[1] = cell.B.One; }
            if (v.K > 2) { v.A[2] = cell.A.MinSubnormal; v.B[2] = cell.B.MinSubnormal; }
            return;
        }
        int z = variant - codes;
        bool zeroOnB = (z & 1) != 0, negativeProducts = (z & 2) != 0, negativeC = (z & 4) != 0;
        byte zero = ZeroCode(scales)!.Value;
        Clear(v, cell, zeroOnB ? unit : zero, zeroOnB ? zero : unit, negativeC ? Fp32Values.MinusZero : Fp32Values.PlusZero);
        // Nonzero elements (the zero comes from the scale alone), the sign on A; B positive.
        byte a = negativeProducts ? cell.A.Negate(cell.A.MaxNormal) : cell.A.MaxNormal;
        Array.Fill(v.A, a);
        Array.Fill(v.B, cell.B.One);
    }
}
