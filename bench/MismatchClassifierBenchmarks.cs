using BenchmarkDotNet.Attributes;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;

namespace MxRef.Bench;

/// <summary>
/// What classifying mismatches costs when many vectors mismatch (docs/PERFORMANCE.md, "Mismatch classification"): the
/// compare-and-record step of <c>mxref verify</c> (harness/Verify RunContext.Record: MismatchClassifier.Diagnose, then
/// MismatchTable.Add) over a stream of weighted-random vectors (K = 32, every format pair and mode, FP32), of which
/// <see cref="MismatchPercent"/> % come back wrong. A wrong result is what a unit with
/// <see cref="Design"/>'s behaviours gives where that differs from the reference, else the expected result one ulp off
/// (a datapath bug no knob explains) — so a 50 % run is mostly unexplained mismatches, the classifier's dearest case.
/// One op is one vector of the stream (matching or not); the cost per mismatch is the figure / (percent / 100).
/// </summary>
public class MismatchClassifierBenchmarks
{
    private const int Vectors = 4000;

    [Params(1, 50)]
    public int MismatchPercent { get; set; }

    /// <summary>The profile the simulated design follows, on top of its one-ulp bugs.</summary>
    [Params("tininess=on-result,zero-sign=positive")]
    public string Design { get; set; } = "";

    private DotVector[] _vectors = [];
    private uint[] _actualD = [];
    private byte[] _actualFlags = [];
    private MismatchClassifier _classifier = null!;

    [GlobalSetup]
    public void Setup()
    {
        var design = ImplementationProfile.TryParse(Design, out string? error) ?? throw new ArgumentException(error);
        var generator = new DotVectorGenerator(DotGeneratorOptions.AllFormatsAndModes(seed: 5, count: Vectors) with { Corners = false, Random = true });
        _vectors = new DotVector[Vectors];
        _actualD = new uint[Vectors];
        _actualFlags = new byte[Vectors];
        var v = new DotVector(32);
        ulong mix = 0x9E3779B97F4A7C15;
        for (int i = 0; i < Vectors; i++)
        {
            generator.Generate(i, v);
            var copy = v.CopyInputs();
            copy.D = v.D;
            copy.Flags = v.Flags;
            _vectors[i] = copy;
            _actualD[i] = v.D;
            _actualFlags[i] = v.Flags;
            mix = mix * 6364136223846793005 + 1442695040888963407; // which vectors mismatch: a fixed LCG, not the model's random source
            if ((int)((mix >> 33) % 100) >= MismatchPercent) continue;
            var r = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, design);
            if (r.Bits != v.D || (byte)r.Flags != v.Flags) (_actualD[i], _actualFlags[i]) = (r.Bits, (byte)r.Flags);
            else _actualD[i] = v.D ^ 1;
        }
        _classifier = new MismatchClassifier(StandardFormats.Fp32, AccumulationModel.Fused, ImplementationProfile.Default);
    }

    /// <summary>Every vector compared; each mismatch diagnosed and counted in a table keeping 5 examples per class.</summary>
    [Benchmark(OperationsPerInvoke = Vectors)]
    public long CompareAndClassify()
    {
        var table = new MismatchTable<DotVector>(5);
        for (int i = 0; i < _vectors.Length; i++)
        {
            var v = _vectors[i];
            if (_actualD[i] == v.D && _actualFlags[i] == v.Flags) continue;
            var d = _classifier.Diagnose(v, v.D, v.Flags, _actualD[i], _actualFlags[i]);
            table.Add(d, i, () => v);
        }
        return table.Total;
    }

    /// <summary>
    /// The yardstick: one golden-model evaluation (the run's own profile) per mismatching vector, nothing else. The
    /// classification's figure over this one is the number of evaluations a diagnosis is worth.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Vectors)]
    public long OneModelEvaluationPerMismatch() => EvaluateMismatches(ImplementationProfile.Default);

    /// <summary>As above under a one-knob profile (<c>tininess=on-result</c>): the path every re-run of a diagnosis takes.</summary>
    [Benchmark(OperationsPerInvoke = Vectors)]
    public long OneProfiledEvaluationPerMismatch() => EvaluateMismatches(OnResult);

    private static readonly ImplementationProfile OnResult = ImplementationProfile.Default with { Tininess = MxRef.Rounding.Tininess.OnResult };

    private long EvaluateMismatches(ImplementationProfile profile)
    {
        long sum = 0;
        for (int i = 0; i < _vectors.Length; i++)
        {
            var v = _vectors[i];
            if (_actualD[i] == v.D && _actualFlags[i] == v.Flags) continue;
            sum += v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, profile).Bits;
        }
        return sum;
    }
}
