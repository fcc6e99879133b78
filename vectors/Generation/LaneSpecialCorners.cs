using MxRef.Formats;
using MxRef.Random;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Every NaN and Inf encoding of both element formats (OCP MX v1.0 §5.3; the codes of <see cref="SpecialCodeCorners"/>)
/// in every lane of the block: a k-lane unit has k copies of the element decoder and of the product's special-value
/// logic, and a fault in one copy shows only when that lane holds the special. Variant v puts code v / k in lane v % k
/// (A's codes against B = 1.0, then B's codes against A = 1.0), every other lane +0·+0, C = +0, so the result is the
/// special's own (±Inf, or NaN) and any lane that decodes it differently changes it. 1.0 has a zero mantissa field, so
/// a decoder that takes "mantissa zero" for "zero" in one lane turns 1.0 × Inf there into Inf × 0 (NaN, NV).
/// (Families that move one slot through the block meet each code in one lane only.) k·(codes of A + codes of B)
/// variants per format pair.
/// </summary>
internal sealed class LaneSpecialCorners : CornerFamily
{
    private static readonly byte[][] CodesOf = StandardFormats.Elements.Select(f => SpecialCodeCorners.Codes(ElementCodes.For(f))).ToArray();

    public override string Name => "special-lanes";

    /// <summary>Per lane; the generator asks with the block size (<see cref="Variants(ElementCodes, ElementCodes, ScaleCodec, int)"/>).</summary>
    public override int Variants(ElementCodes a, ElementCodes b) => CodesOf[a.Index].Length + CodesOf[b.Index].Length;

    public override int Variants(ElementCodes a, ElementCodes b, ScaleCodec scales, int block) => Variants(a, b) * block;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        byte[] ca = CodesOf[cell.A.Index], cb = CodesOf[cell.B.Index];
        int code = variant / v.K, lane = variant % v.K;
        Clear(v, cell);
        v.A[lane] = code < ca.Length ? ca[code] : cell.A.One;
        v.B[lane] = code < ca.Length ? cell.B.One : cb[code - ca.Length];
    }
}
