using MxRef.Dot;
using MxRef.Formats;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Text;

/// <summary>Runs the golden shared-microexponent dot product on a parsed vector.</summary>
public static class MicroexponentDotEvaluation
{
    public static DotResult Evaluate(this MicroexponentDotVector v, NumberFormat output, AccumulationModel model) =>
        SharedMicroexponentDot.Dot(v.Format, new MicroexponentBlock(v.ScaleA, v.MicroA, v.A), new MicroexponentBlock(v.ScaleB, v.MicroB, v.B),
            v.C, v.Rounding, output, model);
}
