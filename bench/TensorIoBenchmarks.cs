using BenchmarkDotNet.Attributes;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Tensors;

namespace MxRef.Bench;

/// <summary>
/// The data path of <c>mxref quantize</c> in-process, on the 3.2 M-value tensor of <c>mxref recipes sample-tensor</c>
/// (seed 1): text parsing (csFastFloat, all cores), and .npy in → quantize (mxfp8-e4m3, ocp, blocks along rows of
/// 32) → NumPy file set out. One op = one element.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class TensorIoBenchmarks
{
    private const int N = 3_200_000;
    private byte[] _text = [];
    private string _dir = "";

    [GlobalSetup]
    public void Setup()
    {
        _dir = Directory.CreateTempSubdirectory("mxref-bench-io").FullName;
        var bits = SampleTensor.Create(N, 1);
        Npy.WriteFp32(Path.Combine(_dir, "x.npy"), bits, [N / 32, 32]);
        SampleTensor.WriteText(Path.Combine(_dir, "x.txt"), bits);
        _text = File.ReadAllBytes(Path.Combine(_dir, "x.txt"));
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_dir, true);

    [Benchmark(OperationsPerInvoke = N)]
    public int ParseText() => Fp32Text.Parse(_text.AsMemory(), "x.txt").Length;

    [Benchmark(OperationsPerInvoke = N)]
    public int NpyQuantizeWrite()
    {
        var x = Npy.ReadFp32(Path.Combine(_dir, "x.npy"));
        var q = BlockQuantizer.Quantize(BlockFormat.MxFp8E4M3, Recipe.Ocp, x.Bits, new QuantizeOptions { RowLength = 32 });
        QuantizedFiles.Write(Path.Combine(_dir, "q"), q, x.Shape);
        return q.BlockCount;
    }

    [Benchmark(OperationsPerInvoke = N)]
    public int NpyQuantizeWriteNvfp4()
    {
        var x = Npy.ReadFp32(Path.Combine(_dir, "x.npy"));
        var q = BlockQuantizer.Quantize(BlockFormat.NvFp4, Recipe.Nvfp4Torchao, x.Bits, new QuantizeOptions { RowLength = 32 });
        QuantizedFiles.Write(Path.Combine(_dir, "n"), q, x.Shape);
        return q.BlockCount;
    }
}
