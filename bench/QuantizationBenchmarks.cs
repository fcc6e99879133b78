using BenchmarkDotNet.Attributes;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;

namespace MxRef.Bench;

/// <summary>
/// FP32 → MX blocks, k = 32 (MX9/MX6/MX4: their 16), rne, default policy, into preallocated buffers.
/// One op = one element. Inputs: normal FP32 values, each block spanning a few binades around a random exponent.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class QuantizationBenchmarks
{
    private const int N = 32 * 256;
    private readonly uint[] _inputs = new uint[N];
    private readonly uint[] _elements = new uint[N];
    private readonly byte[] _scales = new byte[N / 16];
    private readonly byte[] _micro = new byte[N / 2];
    private NumberFormat? _format;
    private BdrFormat? _bdr;

    [Params("e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "int8", "mx9", "mx6", "mx4")]
    public string Format { get; set; } = "e4m3";

    [GlobalSetup]
    public void Setup()
    {
        _bdr = BdrFormat.TryParse(Format);
        _format = _bdr is null ? StandardFormats.TryParse(Format) : null;
        var rng = new MxRandom(3);
        for (int b = 0; b < N / 32; b++)
        {
            int top = rng.NextInt(100, 150);
            for (int i = 0; i < 32; i++)
                _inputs[b * 32 + i] = (uint)(rng.NextUInt64() & 0x807FFFFF) | ((uint)(top - rng.NextInt(0, 6)) << 23);
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    public byte Quantize()
    {
        if (_bdr is not null)
            BdrQuantizer.Quantize(_bdr, _inputs, QuantizationPolicy.Default, _scales, _micro, _elements);
        else
            MxQuantizer.Quantize(_format!, _inputs, 32, QuantizationPolicy.Default, _scales, _elements);
        return _scales[0];
    }
}
