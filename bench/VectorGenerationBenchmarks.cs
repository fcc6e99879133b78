using MxRef.Formats;
using BenchmarkDotNet.Attributes;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;

namespace MxRef.Bench;

/// <summary>
/// Random e4m3×e4m3 k = 32 dot vectors, all modes: the stages of <c>mxref vectors gen</c> per vector on one core
/// (draw the inputs, golden model, coverage classification, format + CRC-32).
/// </summary>
[MemoryDiagnoser]
public class VectorGenerationBenchmarks
{
    private const int N = 4096;
    private readonly DotGeneratorOptions _options = new()
    {
        FormatsA = [StandardFormats.E4M3], FormatsB = [StandardFormats.E4M3], Modes = RoundingModes.Deterministic, Block = 32, Seed = 1, Count = 1_000_000, Random = true,
    };
    private DotVectorGenerator _gen = null!;
    private readonly DotVector _v = new(32);
    private readonly DotVector[] _vectors = new DotVector[N]; // the first N vectors of the run, for the later stages
    private DotClassifier _classifier = null!;
    private readonly long[] _counts = CoverageReport.NewCounters();
    private readonly byte[] _line = new byte[MxvLine.MaxLength(32)];

    [GlobalSetup]
    public void Setup()
    {
        _gen = new DotVectorGenerator(_options);
        _classifier = new DotClassifier(_options.Output);
        for (int i = 0; i < N; i++) _gen.Generate(i, _vectors[i] = new DotVector(32));
    }

    [Benchmark(OperationsPerInvoke = N)]
    public uint DrawInputs()
    {
        uint acc = 0;
        for (int i = 0; i < N; i++) { _gen.GenerateInputs(i, _v); acc += _v.C; }
        return acc;
    }

    [Benchmark(OperationsPerInvoke = N)]
    public uint DrawInputsAndModel()
    {
        uint acc = 0;
        for (int i = 0; i < N; i++) { _gen.Generate(i, _v); acc += _v.D; }
        return acc;
    }

    /// <summary>The golden model alone, on the run's own vectors (their mix of formats, modes, scales and specials).</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public uint Model()
    {
        uint acc = 0;
        foreach (var v in _vectors) acc += v.Evaluate(_options.Output, _options.Model, _options.Profile).Bits;
        return acc;
    }

    [Benchmark(OperationsPerInvoke = N)]
    public long Classify()
    {
        foreach (var v in _vectors) _classifier.Classify(v, _counts);
        return _counts[0];
    }

    [Benchmark(OperationsPerInvoke = N)]
    public uint FormatAndChecksum()
    {
        uint crc = 0;
        foreach (var v in _vectors) crc = Crc32.Update(crc, _line.AsSpan(0, MxvLine.FormatDot(v, _options.Output, _line)));
        return crc;
    }
}

/// <summary>
/// The whole <c>mxref vectors gen</c> run, 1 M vectors, all cores, to a file: one op = one vector (wall-clock only:
/// the CPU-time runner sees only the writing thread, so measure the CLI with <c>/usr/bin/time</c> instead).
/// </summary>
public class GenerationRunBenchmarks
{
    private readonly DotGeneratorOptions _options = new()
    {
        FormatsA = [StandardFormats.E4M3], FormatsB = [StandardFormats.E4M3], Modes = RoundingModes.Deterministic, Block = 32, Seed = 1, Count = 1_000_000, Random = true,
    };
    private string _path = "";

    [GlobalSetup]
    public void Setup() => _path = Path.Combine(Path.GetTempPath(), $"mxref-bench-run-{Environment.ProcessId}.mxv");

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    [Benchmark(OperationsPerInvoke = 1_000_000)]
    public long WholeRunToFile() =>
        GenerationRun.Write(new DotVectorGenerator(_options), new MxvHeader { Block = 32 }, _path).Vectors;
}
