using MxRef.Quantization;

namespace MxRef.Vectors.Tensors;

/// <summary>
/// Quantizes a large tensor on every core: the blocks are cut into one contiguous range per thread and each range is
/// quantized into its own part of the caller's buffers (<see cref="QuantizationJob.QuantizeBlocks"/>). A block's codes
/// depend only on its own values and the tensor scale, so the bytes are the same for any number of threads; a job that
/// is not <see cref="QuantizationJob.Splittable"/> (stochastic rounding from a seed, shared-microexponent formats) runs
/// on one thread.
/// </summary>
public static class ParallelQuantize
{
    /// <summary>Below this many values per thread, starting a thread costs more than it saves.</summary>
    public const int MinValuesPerThread = 1 << 19;

    /// <summary>Quantizes every block of <paramref name="fp32"/> into the buffers (<paramref name="threads"/> 0: one per core).</summary>
    public static unsafe void Run(QuantizationJob job, ReadOnlySpan<uint> fp32, Span<byte> scales, Span<byte> micro, Span<byte> elements, int threads = 0)
    {
        int blocks = job.BlockCount;
        if (threads <= 0) threads = Environment.ProcessorCount;
        threads = job.Splittable ? Math.Clamp(Math.Min(threads, fp32.Length / MinValuesPerThread), 1, Math.Max(blocks, 1)) : 1;
        if (threads == 1)
        {
            job.QuantizeBlocks(fp32, 0, blocks, scales, micro, elements);
            return;
        }
        int length = fp32.Length, scaleBytes = scales.Length, microBytes = micro.Length, elementBytes = elements.Length;
        fixed (uint* x = fp32)
        fixed (byte* s = scales, m = micro, e = elements)
        {
            nint xa = (nint)x, sa = (nint)s, ma = (nint)m, ea = (nint)e;
            int per = (blocks + threads - 1) / threads;
            Parallel.For(0, threads, t =>
            {
                int first = t * per, count = Math.Min(per, blocks - first);
                if (count > 0)
                    job.QuantizeBlocks(new ReadOnlySpan<uint>((uint*)xa, length), first, count,
                        new Span<byte>((byte*)sa, scaleBytes), new Span<byte>((byte*)ma, microBytes), new Span<byte>((byte*)ea, elementBytes));
            });
        }
    }

    /// <summary>
    /// Dequantizes <paramref name="q"/> into <paramref name="output"/> as <see cref="BlockQuantizer.Dequantize(QuantizedTensor, Span{uint})"/>
    /// does, the blocks cut into one contiguous range per thread where <see cref="BlockQuantizer.BlocksDequantizeApart"/>
    /// (each block's values depend only on its own codes and scale, so the bits are the same for any split).
    /// </summary>
    public static unsafe void Dequantize(QuantizedTensor q, Span<uint> output, int threads = 0)
    {
        if (threads <= 0) threads = Environment.ProcessorCount;
        int blocks = q.BlockCount;
        threads = BlockQuantizer.BlocksDequantizeApart(q) ? Math.Clamp(Math.Min(threads, output.Length / MinValuesPerThread), 1, Math.Max(blocks, 1)) : 1;
        if (threads == 1)
        {
            BlockQuantizer.Dequantize(q, output);
            return;
        }
        if (output.Length != q.Length) throw new ArgumentException($"the output holds {output.Length} values, the tensor {q.Length}", nameof(output));
        int length = output.Length, per = (blocks + threads - 1) / threads;
        fixed (uint* o = output)
        {
            nint oa = (nint)o;
            Parallel.For(0, threads, t =>
            {
                int first = t * per, count = Math.Min(per, blocks - first);
                if (count > 0) BlockQuantizer.DequantizeBlocks(q, first, count, new Span<uint>((uint*)oa, length));
            });
        }
    }

    /// <summary>The quantized tensor in arrays (as <see cref="BlockQuantizer.Quantize"/> gives it), quantized on every core.</summary>
    public static QuantizedTensor Quantize(QuantizationJob job, ReadOnlySpan<uint> fp32, int threads = 0)
    {
        var scales = new byte[job.BlockCount];
        var micro = new byte[job.MicroexponentCount];
        // Every block of a splittable job writes all k codes (padding included).
        var elements = job.Splittable ? GC.AllocateUninitializedArray<byte>(job.ElementCount) : new byte[job.ElementCount];
        Run(job, fp32, scales, micro, elements, threads);
        return job.Result(scales, micro, elements);
    }
}
