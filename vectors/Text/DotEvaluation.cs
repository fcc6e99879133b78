using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Text;

/// <summary>Runs the golden model on a parsed dot vector.</summary>
public static class DotEvaluation
{
    public static DotResult Evaluate(this DotVector v, NumberFormat output, AccumulationModel model)
    {
        var block = new BlockPair(ElementTable.ForCode(v.FormatA), v.A, v.ScaleA, ElementTable.ForCode(v.FormatB), v.B, v.ScaleB);
        return MxDot.Dot(block, v.C, (RoundingMode)v.Rounding, output, model);
    }
}
