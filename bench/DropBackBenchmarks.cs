using BenchmarkDotNet.Attributes;
using MxRef.DropBack;
using MxRef.Formats;

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
        _format = Format == "fp32" ? null : BlockQuantizerAdapter.TryParse(Format);
    }

    [Benchmark(OperationsPerInvoke = N)]
    public uint Regenerate()
    {
        WeightRegenerator.Initial(0x5EED, 3, _init, 8192, _weights);
        if (_format is null) return _weights[0];
        return BlockQuantizerAdapter.Quantize(_format, _weights).Scales[0];
    }
}

/// <summary>
/// Where regeneration time goes, under the same conditions as <see cref="DropBackBenchmarks"/>: one Philox4x32-10 call
/// per four weights (<c>Philox</c>), and the initializer's integer map plus its one rounding-core call per weight
/// (<c>Initialize</c>, on precomputed 24-bit draws). One op = one weight.
/// </summary>
[ShortRunJob]
public class DropBackPartsBenchmarks
{
    private const int N = 4096;
    private readonly uint[] _bits = new uint[N];
    private readonly uint[] _weights = new uint[N];
    private readonly Initializer _init = Initializer.Uniform(0x3D800000);

    [GlobalSetup]
    public void Setup()
    {
        for (uint i = 0; i < N; i++) _bits[i] = WeightStream.Bits24(0x5EED, 3, i, 0);
    }

    [Benchmark(OperationsPerInvoke = N)]
    public uint Philox()
    {
        uint x = 0;
        for (uint g = 0; g < N / WeightStream.LanesPerCall; g++) x ^= WeightStream.Call(0x5EED, 3, g, 0).X2;
        return x;
    }

    [Benchmark(OperationsPerInvoke = N)]
    public uint Initialize()
    {
        for (int i = 0; i < N; i++) _weights[i] = _init.FromBits(_bits[i]);
        return _weights[0];
    }
}
