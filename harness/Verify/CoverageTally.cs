using MxRef.Formats;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Harness.Verify;

/// <summary>
/// Coverage of the compared vectors in the classes of the vector generator (docs/vectors.md: format pairs, modes,
/// operand and scale classes, C classes, alignment, zero signs, result classes, rounding boundaries), counted by
/// <see cref="DotClassifier"/> from the inputs and the golden result.
/// </summary>
public static class CoverageTally
{
    public static int Size => CoverageClasses.Count;
    public static IReadOnlyList<string> Names => CoverageClasses.Names;

    [ThreadStatic] private static DotOutputClassifier? t_classifier;

    /// <summary>This thread's classifier (each vector against its own output format), for loops that classify many vectors.</summary>
    public static DotOutputClassifier Classifier => t_classifier ??= new DotOutputClassifier();
}
