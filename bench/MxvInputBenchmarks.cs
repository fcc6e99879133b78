using BenchmarkDotNet.Attributes;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;

namespace MxRef.Bench;

/// <summary>
/// <c>.mxv</c> input per vector (random e4m3×e4m3 k = 32 lines, all modes): the in-order framing
/// (<see cref="MxvReader.NextDataLine"/>: line, printable check, CRC-32, trailer), the parse of a line into a
/// <see cref="DotVector"/> (<see cref="DotLine.Parse"/>), and both as <c>mxref verify --vectors</c> does them for the
/// dot unit: <see cref="MxvReader.ReadBlock"/> into a batch's vectors.
/// </summary>
[MemoryDiagnoser]
public class MxvInputBenchmarks
{
    private const int N = 16384;
    private string _path = "";
    private readonly string[] _lines = new string[N];
    private readonly DotVector _v = new(32);
    private readonly DotVector[] _batch = Enumerable.Range(0, 1024).Select(_ => new DotVector(32)).ToArray();
    private readonly long[] _lineNumbers = new long[1024];

    [GlobalSetup]
    public void Setup()
    {
        var options = new DotGeneratorOptions
        {
            FormatsA = [StandardFormats.E4M3], FormatsB = [StandardFormats.E4M3], Modes = RoundingModes.Deterministic, Block = 32, Seed = 1, Count = N, Random = true,
        };
        _path = Path.Combine(Path.GetTempPath(), $"mxref-bench-input-{Environment.ProcessId}.mxv");
        GenerationRun.Write(new DotVectorGenerator(options), new MxvHeader { Block = 32 }, _path, threads: 1);
        using var r = MxvReader.Open(_path);
        for (int i = 0; i < N; i++) r.NextDataLine(out _lines[i]);
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_path);

    /// <summary>Open, every data line (framing and CRC-32), the trailer: one op = one line.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public long ReadLines()
    {
        using var r = MxvReader.Open(_path);
        long length = 0;
        while (r.NextDataLine(out var line)) length += line.Length;
        return length;
    }

    /// <summary>One line's text into a vector.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public uint ParseLine()
    {
        uint acc = 0;
        foreach (var line in _lines)
        {
            DotLine.Parse(line, _v, withExpected: true, StandardFormats.Fp32);
            acc += _v.C;
        }
        return acc;
    }

    /// <summary>Open, every line framed and parsed into a batch of 1,024 vectors, the trailer: one op = one line.</summary>
    [Benchmark(OperationsPerInvoke = N)]
    public uint ReadBlocks()
    {
        using var r = MxvReader.Open(_path);
        uint acc = 0;
        int n;
        while ((n = r.ReadBlock(_batch, _lineNumbers)) > 0) acc += _batch[n - 1].C;
        return acc;
    }
}
