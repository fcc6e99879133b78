using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;

namespace MxRef.Bench;

/// <summary>
/// The golden model's step of <c>mxref verify --top mx_dot --param K=32 --random</c>: the run's first
/// <see cref="Count"/> weighted-random vectors (every format pair and deterministic mode, seed 1), drawn once, then
/// <see cref="DotEvaluation.Outcome"/> on each as the dot unit calls it. The mix differs from DotInputs' finite blocks
/// near unity: special elements and scales, C far from the sum or cancelling it, exact zeros, every rounding mode.
/// </summary>
internal sealed class VerifyMix
{
    public const int Count = 1 << 16;
    private readonly DotVector[] _vectors = new DotVector[Count];

    public VerifyMix()
    {
        var options = DotGeneratorOptions.AllFormatsAndModes(1, Count) with { Corners = false };
        var generator = new DotVectorGenerator(options);
        for (int i = 0; i < Count; i++)
        {
            _vectors[i] = new DotVector(32);
            generator.GenerateInputs(i, _vectors[i]);
        }
    }

    public uint EvaluateAll() => EvaluateAll(_vectors);

    private static uint EvaluateAll(DotVector[] vectors)
    {
        uint acc = 0;
        foreach (var v in vectors) acc += v.Outcome(v.Output, AccumulationModel.Fused, ImplementationProfile.Default).Result.Bits;
        return acc;
    }

    /// <summary>The vectors by what decides the model's path, each group timed on its own with <paramref name="measure"/>.</summary>
    public IEnumerable<(string Name, double Share, double Ns)> Split(Func<Func<uint>, int, (double, double)> measure)
    {
        var groups = _vectors.GroupBy(Group).OrderBy(g => g.Key);
        foreach (var g in groups)
        {
            var vs = g.Select(v => v.CopyInputs()).ToArray(); // contiguous again: a scattered group would time cache misses
            var (fastest, _) = measure(() => EvaluateAll(vs), vs.Length);
            yield return (g.Key, (double)vs.Length / Count, fastest);
        }
    }

    private static string Group(DotVector v)
    {
        var block = new BlockPair(v.CodesA!.Table, v.A, v.ScaleA, v.CodesB!.Table, v.B, v.ScaleB, v.Scales);
        var (sum, classes) = MxDot.ProductSum(block);
        var c = Codec.Decode(StandardFormats.Fp32, v.C);
        if ((classes & (ElementTable.ClassNaN | ElementTable.ClassInfinity)) != 0 || block.ScaleIsNaN || !c.IsFinite)
            return "1 NaN/Inf element or C, NaN scale";
        var r = v.Outcome(v.Output, AccumulationModel.Fused, ImplementationProfile.Default).Result;
        if ((r.Bits & 0x7FFFFFFF) == 0 && r.Flags == 0) return "2 exact zero result";
        if (sum == 0 || c.IsZero) return "3 product sum or C zero";
        return $"4 other, {v.Rounding.ShortName()}";
    }
}
