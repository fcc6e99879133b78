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
    private BlockFormat? _bdr;

    [Params("e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "int8", "mx9", "mx6", "mx4")]
    public string Format { get; set; } = "e4m3";

    [GlobalSetup]
    public void Setup()
    {
        _bdr = BlockFormat.TryParse(Format) is { HasMicroexponents: true } shape ? shape : null;
        _format = _bdr is null ? StandardFormats.TryParse(Format) : null;
        RecipeBenchmarks.Fill(_inputs);
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

/// <summary>
/// <see cref="BlockQuantizer.Quantize"/> per recipe (allocating its result, as callers do), one op = one element:
/// the MX recipes on mxfp8-e4m3 and mxfp4-e2m1, the NVFP4 recipes on nvfp4 (tensor scale computed; the Format
/// parameter does not apply to them). No job attribute: run with <c>--job short</c> (add <c>--inProcess</c> on a
/// machine too loaded to build the out-of-process runner within BenchmarkDotNet's build timeout).
/// </summary>
[MemoryDiagnoser]
public class RecipeBenchmarks
{
    private const int N = 32 * 1024;
    private readonly uint[] _inputs = new uint[N];
    private BlockFormat _format = BlockFormat.MxFp8E4M3;
    private Quantization.Recipe _recipe = Quantization.Recipe.Ocp;

    [Params("ocp", "exact-ceil", "microxcaling", "gfloat", "torchao-floor", "torchao-ceil", "torchao-even", "torchao-rceil", "te",
        "nvfp4-torchao", "nvfp4-te", "nvfp4-cudnn")]
    public string Recipe { get; set; } = "ocp";

    [Params("mxfp8-e4m3", "mxfp4-e2m1")]
    public string Format { get; set; } = "mxfp8-e4m3";

    [GlobalSetup]
    public void Setup()
    {
        _recipe = Quantization.Recipe.TryParse(Recipe)!;
        _format = _recipe.ForNvfp4 ? BlockFormat.NvFp4 : BlockFormat.TryParse(Format)!;
        Fill(_inputs);
    }

    /// <summary>Normal FP32 values, each 32-value block spanning a few binades around a random exponent.</summary>
    internal static void Fill(uint[] inputs)
    {
        var rng = new MxRandom(3);
        for (int b = 0; b < inputs.Length / 32; b++)
        {
            int top = rng.NextInt(100, 150);
            for (int i = 0; i < 32; i++)
                inputs[b * 32 + i] = (uint)(rng.NextUInt64() & 0x807FFFFF) | ((uint)(top - rng.NextInt(0, 6)) << 23);
        }
    }

    [Benchmark(OperationsPerInvoke = N)]
    public int Quantize() => _recipe.Supports(_format) ? BlockQuantizer.Quantize(_format, _recipe, _inputs).BlockCount : 0;
}
