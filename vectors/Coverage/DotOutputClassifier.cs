using MxRef.Formats;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// The coverage classes of dot vectors of any output format (<see cref="DotVector.Output"/>): each vector is classified
/// by the <see cref="DotClassifier"/> of its own output (thresholds, ulps and boundaries of FP32, BF16 or FP16), and a
/// BF16 or FP16 vector also counts its <c>out:FMT:</c> classes (<see cref="CoverageClasses.OutputResults"/>): D's kind
/// and flags in that format, and whether the classifier found a rounding boundary at the output's overflow threshold,
/// among its subnormals, or at its underflow threshold. One instance per thread; no allocation per vector.
/// </summary>
public sealed class DotOutputClassifier
{
    private readonly DotClassifier?[] _classifiers = new DotClassifier?[StandardFormats.Outputs.Count];
    // Read per vector from a field: the NativeAOT CLI checks StandardFormats' static constructor before every static read.
    private readonly NumberFormat _fp32 = StandardFormats.Fp32;

    public void Classify(DotVector v, long[] counts) => Classify(v, default, counts);

    /// <summary>
    /// <see cref="Classify(DotVector, long[])"/> given the golden model's outcome for <paramref name="v"/> in its output
    /// format: the classifier reads the exact product sum the model formed instead of forming it again.
    /// </summary>
    public void Classify(DotVector v, in Dot.DotOutcome model, long[] counts) => Classify(v, model, counts, deferred: false);

    /// <summary>
    /// <see cref="Classify(DotVector, in Dot.DotOutcome, long[])"/> in a loop over many vectors into one array: some
    /// classes reach <paramref name="counts"/> only at <see cref="Flush"/> (<see cref="DotClassifier.ClassifyDeferred"/>).
    /// </summary>
    public void ClassifyDeferred(DotVector v, in Dot.DotOutcome model, long[] counts) => Classify(v, model, counts, deferred: true);

    /// <summary>Adds what <see cref="ClassifyDeferred"/> held back to its counts array: call it before reading the counts.</summary>
    public void Flush()
    {
        foreach (var c in _classifiers) c?.Flush();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private void Classify(DotVector v, in Dot.DotOutcome model, long[] counts, bool deferred)
    {
        var output = v.Output;
        if (ReferenceEquals(output, _fp32))
        {
            Classify(_classifiers[0] ??= new DotClassifier(output), v, model, counts, deferred);
            return;
        }
        int code = DotLine.OutputCodeOf(output);
        var classifier = _classifiers[code] ??= new DotClassifier(output);
        if (code == 0)
        {
            Classify(classifier, v, model, counts, deferred);
            return;
        }
        // The boundary classes this vector could reach (its mode's), summed before and after: whatever the classifier
        // added there is this output's boundary.
        var mode = v.Rounding;
        long overflow0 = BoundarySum(2, mode, counts), subnormal0 = BoundarySum(1, mode, counts), tiny0 = TinySum(mode, counts);
        Classify(classifier, v, model, counts, deferred);
        int first = CoverageClasses.OutputResult(code);
        uint sign = 1u << (output.Bits - 1), mag = v.D & (sign - 1);
        uint expField = mag >> output.MantissaBits, fraction = mag & ((1u << output.MantissaBits) - 1);
        int kind = expField == (uint)output.ExponentFieldMax ? (fraction == 0 ? 4 : 5) // inf, nan
            : mag == 0 ? 2 : expField == 0 ? 1 : 0;                                    // zero, subnormal, normal
        counts[first + kind]++;
        if (mag == output.MaxFiniteCode) counts[first + 3]++;
        if ((v.Flags & 0x04) != 0) counts[first + 6]++;
        if ((v.Flags & 0x02) != 0) counts[first + 7]++;
        if ((v.Flags & 0x01) != 0) counts[first + 8]++;
        if (BoundarySum(2, mode, counts) != overflow0) counts[first + 9]++;
        if (BoundarySum(1, mode, counts) != subnormal0) counts[first + 10]++;
        if (TinySum(mode, counts) != tiny0) counts[first + 11]++;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Classify(DotClassifier classifier, DotVector v, in Dot.DotOutcome model, long[] counts, bool deferred)
    {
        if (deferred) classifier.ClassifyDeferred(v, model, counts);
        else classifier.Classify(v, model, counts);
    }

    /// <summary>The counts of the rounding-boundary classes of one magnitude (1 subnormal, 2 overflow) under one mode.</summary>
    private static long BoundarySum(int magnitude, Rounding.RoundingMode mode, long[] counts)
    {
        long sum = 0;
        for (int kind = 0; kind < CoverageClasses.BoundaryKinds.Length; kind++) sum += counts[CoverageClasses.Boundary(kind, magnitude, mode)];
        return sum;
    }

    /// <summary>The counts of the underflow-boundary classes (<c>tiny:</c>) under one mode.</summary>
    private static long TinySum(Rounding.RoundingMode mode, long[] counts)
    {
        long sum = counts[CoverageClasses.TinyExact(false, mode)] + counts[CoverageClasses.TinyExact(true, mode)];
        for (int b = 0; b < CoverageClasses.TinyBoundaries.Length; b++)
            for (int k = 0; k < CoverageClasses.TinyKinds.Length; k++)
                sum += counts[CoverageClasses.Tiny(b, k, false, mode)] + counts[CoverageClasses.Tiny(b, k, true, mode)];
        return sum;
    }
}
