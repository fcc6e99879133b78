using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Text;

/// <summary>Runs the golden model on a parsed dot vector.</summary>
public static class DotEvaluation
{
    public static DotResult Evaluate(this DotVector v, NumberFormat output, AccumulationModel model)
    {
        var block = new BlockPair(ElementTable.For(v.FormatA), v.A, v.ScaleA, ElementTable.For(v.FormatB), v.B, v.ScaleB, v.Scales);
        return MxDot.Dot(block, v.C, v.Rounding, output, model);
    }

    /// <summary>The vector's result under an implementation profile (the default profile: <see cref="Evaluate(DotVector, NumberFormat, AccumulationModel)"/>).</summary>
    public static DotResult Evaluate(this DotVector v, NumberFormat output, AccumulationModel model, ImplementationProfile profile)
    {
        var block = new BlockPair(ElementTable.For(v.FormatA), v.A, v.ScaleA, ElementTable.For(v.FormatB), v.B, v.ScaleB, v.Scales);
        return MxDot.Dot(block, v.C, v.Rounding, output, model, profile);
    }
}
