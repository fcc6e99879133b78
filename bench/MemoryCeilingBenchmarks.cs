using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;

namespace MxRef.Bench;

/// <summary>
/// The ceiling of any quantizer on one core: bare passes over an FP32 tensor of 3.2 M values (12.8 MB: more than
/// this machine's L2, less than its L3; the size <c>make bench-peer</c> times) and of 32 M values (128 MB: from memory).
/// One op = one pass (divide by N for the time per element). <see cref="Sum"/> reads the floats
/// (the core's read bandwidth: 4 bytes per element), <see cref="Narrow"/> reads them and writes one byte each (a
/// quantizer's traffic: 12.8 MB in, 3.2 MB out, no arithmetic), <see cref="Copy"/> is memcpy of the 12.8 MB. Vector512
/// where the JIT has it. Run quietly with BenchmarkDotNet (<c>make bench BENCH='*MemoryCeiling*'</c>) or, on a shared
/// machine, in thread CPU time (<c>MxRef.Bench --cpu-time MemoryCeiling</c>).
/// </summary>
public class MemoryCeilingBenchmarks
{
    private float[] _x = [], _copy = [];
    private byte[] _bytes = [];

    [Params(3_200_000, 32_000_000)]
    public int N { get; set; } = 3_200_000;

    [GlobalSetup]
    public void Setup()
    {
        (_x, _copy, _bytes) = (new float[N], new float[N], new byte[N]);
        var bits = Vectors.Tensors.SampleTensor.Create(N, 1);
        MemoryMarshal.Cast<uint, float>(bits).CopyTo(_x);
        _copy.AsSpan().Fill(1);
        _bytes.AsSpan().Fill(1);
    }

    [Benchmark]
    public float Sum()
    {
        ref float x = ref MemoryMarshal.GetArrayDataReference(_x);
        int i = 0, n = _x.Length;
        var (s0, s1, s2, s3) = (Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero, Vector512<float>.Zero);
        for (; i <= n - 64; i += 64)
        {
            s0 += Vector512.LoadUnsafe(ref x, (nuint)i);
            s1 += Vector512.LoadUnsafe(ref x, (nuint)i + 16);
            s2 += Vector512.LoadUnsafe(ref x, (nuint)i + 32);
            s3 += Vector512.LoadUnsafe(ref x, (nuint)i + 48);
        }
        float sum = Vector512.Sum(s0 + s1 + s2 + s3);
        for (; i < n; i++) sum += Unsafe.Add(ref x, i);
        return sum;
    }

    [Benchmark]
    public byte Narrow()
    {
        ref uint x = ref Unsafe.As<float, uint>(ref MemoryMarshal.GetArrayDataReference(_x));
        ref byte y = ref MemoryMarshal.GetArrayDataReference(_bytes);
        int i = 0, n = _x.Length;
        for (; i <= n - 64; i += 64)
        {
            // The low byte of each value: four 16-lane loads narrowed to one 64-byte store.
            var a = Vector512.Narrow(Vector512.LoadUnsafe(ref x, (nuint)i), Vector512.LoadUnsafe(ref x, (nuint)i + 16));
            var b = Vector512.Narrow(Vector512.LoadUnsafe(ref x, (nuint)i + 32), Vector512.LoadUnsafe(ref x, (nuint)i + 48));
            Vector512.Narrow(a, b).StoreUnsafe(ref y, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref y, i) = (byte)Unsafe.Add(ref x, i);
        return _bytes[n - 1];
    }

    [Benchmark]
    public float Copy()
    {
        _x.AsSpan().CopyTo(_copy);
        return _copy[^1];
    }
}
