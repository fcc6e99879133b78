using MxRef.Dot;
using MxRef.Formats;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Text;

/// <summary>Runs the golden decode unit on a parsed decode vector.</summary>
public static class DecodeEvaluation
{
    /// <summary>Writes the k results into <paramref name="results"/>; returns the OR of their flags.</summary>
    public static byte Evaluate(this DecodeVector v, NumberFormat output, ImplementationProfile profile, Span<uint> results) =>
        (byte)MxDecode.Block(v.Format, v.A, v.Scales, v.Scale, output, v.Rounding, profile, results);
}
