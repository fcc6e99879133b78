using BenchmarkDotNet.Attributes;
using MxRef.DropBack;

namespace MxRef.Bench;

/// <summary>
/// DropBack weight regeneration (docs/dropback.md): W0 of 4096 consecutive weights from Philox4x32-10 and the
/// initializer, as FP32 (<c>Format = fp32</c>) or through the block quantizer (e4m3: MXFP8, k = 32; mx9: k = 16).
/// One op = one weight. The tracked store is empty: overriding is a copy per tracked weight, negligible at DropBack's
/// compression ratios.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class DropBackBenchmarks
{
    private const int N = 4096;
    private readonly uint[] _weights = new uint[N];
    private Initializer _init = Initializer.Uniform(0x3D800000);
    private BlockFormat? _format;

    [Params("uniform", "irwin-hall-4")]
    public string Init { get; set; } = "uniform";

    [Params("fp32", "e4m3", "mx9")]
    public string Format { get; set; } = "fp32";

    [GlobalSetup]
    public void Setup()
    {
        _init = Init == "uniform" ? Initializer.Uniform(0x3D800000) : Initializer.IrwinHall(4, 0x3D800000);
        _format = Format == "fp32" ? null : BlockFormat.TryParse(Format);
    }

    [Benchmark(OperationsPerInvoke = N)]
    public uint Regenerate()
    {
        WeightRegenerator.Initial(0x5EED, 3, _init, 8192, _weights);
        if (_format is null) return _weights[0];
        return BlockQuantizerAdapter.Quantize(_format, _weights).Scales[0];
    }
}
