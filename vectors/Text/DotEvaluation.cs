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
        var block = Block(v);
        return MxDot.Dot(block, v.C, v.Rounding, output, model);
    }

    /// <summary>The vector's operands; the element tables of MX element formats as the vector has found them once.</summary>
    private static BlockPair Block(DotVector v) => new(v.CodesA?.Table ?? ElementTable.For(v.FormatA), v.A, v.ScaleA,
        v.CodesB?.Table ?? ElementTable.For(v.FormatB), v.B, v.ScaleB, v.Scales);

    /// <summary>The vector's result under an implementation profile (the default profile: <see cref="Evaluate(DotVector, NumberFormat, AccumulationModel)"/>).</summary>
    public static DotResult Evaluate(this DotVector v, NumberFormat output, AccumulationModel model, ImplementationProfile profile)
    {
        var block = Block(v);
        return MxDot.Dot(block, v.C, v.Rounding, output, model, profile);
    }

    /// <summary>
    /// The vector's result with the exact product sum the model formed for it (<see cref="MxDot.Evaluate"/>), for a
    /// coverage classifier that reads the sum instead of forming it again (<c>DotClassifier.Classify</c>).
    /// </summary>
    public static DotOutcome Outcome(this DotVector v, NumberFormat output, AccumulationModel model, ImplementationProfile profile)
    {
        var block = Block(v);
        return MxDot.Evaluate(block, v.C, v.Rounding, output, model, profile);
    }
}
