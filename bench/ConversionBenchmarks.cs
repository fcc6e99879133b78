using BenchmarkDotNet.Attributes;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;

namespace MxRef.Bench;

/// <summary>FP32 → element conversion through the rounding core, rne, saturate. One op = one conversion.</summary>
[MemoryDiagnoser]
public class ConversionBenchmarks
{
    private const int N = 4096;
    private readonly uint[] _inputs = new uint[N];
    private NumberFormat _format = StandardFormats.E4M3;

    [Params("e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "int8")]
    public string Format { get; set; } = "e4m3";

    [GlobalSetup]
    public void Setup()
    {
        _format = StandardFormats.TryParse(Format)!;
        var rng = new MxRandom(1);
        // Normal FP32 values spread over the element's range and a little beyond, both signs.
        for (int i = 0; i < N; i++)
        {
            int e = 127 + rng.NextInt(_format.Emin - 4, _format.Emax + 2);
            _inputs[i] = (uint)(rng.NextUInt64() & 0x807FFFFF) | ((uint)e << 23);
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    public uint Fp32ToElement()
    {
        var ctx = new RoundingContext(RoundingMode.NearestEven);
        uint acc = 0;
        var f = _format;
        foreach (uint x in _inputs) acc += Conversion.FromFp32(f, x, ctx).Code;
        return acc;
    }
}
