using System.Runtime.Intrinsics;
using MxRef.Formats;
namespace MxRef.DropBack;

/// <summary>
/// DropBack's access path (docs/dropback.md, "Access path"): the weights of indices [start, start + n) of a layer are
/// the regenerated initial values W0, overridden by the tracked store where it holds the position, then — for the
/// hardware's view — quantized to a block format.
/// </summary>
public static class WeightRegenerator
{
    /// <summary>One past the largest index: indices are the 32-bit word 0 of the Philox counter (times 4 lanes).</summary>
    public const ulong IndexLimit = 1UL << 32;

    /// <summary>W0 of indices start .. start + fp32.Length − 1.</summary>
    public static void Initial(ulong seed, uint layer, Initializer init, uint start, Span<uint> fp32)
    {
        CheckRange(start, fp32.Length);
        int written = 0;
        // A partial first group (start not a multiple of 4), then whole groups of four lanes, then a partial last one.
        int head = (int)Math.Min((WeightStream.LanesPerCall - start % WeightStream.LanesPerCall) % WeightStream.LanesPerCall, (uint)fp32.Length);
        if (head > 0) Lanes(seed, layer, init, start, fp32[..head]);
        written += head;
        uint terms = (uint)init.Terms;
        // Eight whole groups (32 weights) at a time where Philox runs eight calls per instruction sequence.
        if (Philox4x32.EightWide)
        {
            const int Eight = 8 * WeightStream.LanesPerCall;
            Span<long> sums = stackalloc long[Eight]; // sums[8·lane + j]: lane of group j
            for (; fp32.Length - written >= Eight; written += Eight)
            {
                uint group = (start + (uint)written) / WeightStream.LanesPerCall;
                Vector512<long> s0 = default, s1 = default, s2 = default, s3 = default;
                for (uint t = 0; t < terms; t++)
                {
                    WeightStream.Call8(seed, layer, group, t, out var x0, out var x1, out var x2, out var x3);
                    s0 += Centered(x0); s1 += Centered(x1); s2 += Centered(x2); s3 += Centered(x3);
                }
                s0.CopyTo(sums); s1.CopyTo(sums[8..]); s2.CopyTo(sums[16..]); s3.CopyTo(sums[24..]);
                var block = fp32.Slice(written, Eight);
                for (int j = 0; j < 8; j++)
                    for (int lane = 0; lane < WeightStream.LanesPerCall; lane++)
                        block[WeightStream.LanesPerCall * j + lane] = init.Value((int)sums[8 * lane + j]);
            }
        }
        // Whole groups: one Philox call per draw serves four weights; the sums stay in registers.
        for (uint group = (start + (uint)written) / WeightStream.LanesPerCall; fp32.Length - written >= WeightStream.LanesPerCall; group++)
        {
            int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (uint t = 0; t < terms; t++)
            {
                var words = WeightStream.Call(seed, layer, group, t);
                s0 += Initializer.Centered(words.X0 >> 8);
                s1 += Initializer.Centered(words.X1 >> 8);
                s2 += Initializer.Centered(words.X2 >> 8);
                s3 += Initializer.Centered(words.X3 >> 8);
            }
            var four = fp32.Slice(written, WeightStream.LanesPerCall);
            four[3] = init.Value(s3);
            four[2] = init.Value(s2);
            four[1] = init.Value(s1);
            four[0] = init.Value(s0);
            written += WeightStream.LanesPerCall;
        }
        if (written < fp32.Length) Lanes(seed, layer, init, start + (uint)written, fp32[written..]);
    }

    /// <summary><see cref="Initializer.Centered"/> of eight words (the low 32 bits of each lane).</summary>
    private static Vector512<long> Centered(Vector512<ulong> words) =>
        ((((words & Vector512.Create(0xFFFF_FFFFUL)) >>> 8) << 1) + Vector512.Create(unchecked(1UL - (1UL << 24)))).AsInt64();

    /// <summary>Up to four weights served by one Philox call per draw: indices index .. index + fp32.Length − 1.</summary>
    private static void Lanes(ulong seed, uint layer, Initializer init, uint index, Span<uint> fp32)
    {
        uint group = index / WeightStream.LanesPerCall;
        int lane = (int)(index % WeightStream.LanesPerCall);
        Span<int> sums = stackalloc int[WeightStream.LanesPerCall];
        for (uint t = 0; t < init.Terms; t++)
        {
            var words = WeightStream.Call(seed, layer, group, t);
            for (int l = 0; l < fp32.Length; l++) sums[l] += Initializer.Centered(words[lane + l] >> 8);
        }
        for (int l = 0; l < fp32.Length; l++) fp32[l] = init.Value(sums[l]);
    }

    /// <summary>W0 of one weight (the definition <see cref="Initial"/> computes in bulk).</summary>
    public static uint InitialAt(ulong seed, uint layer, Initializer init, uint index)
    {
        int sum = 0;
        for (uint t = 0; t < init.Terms; t++) sum += Initializer.Centered(WeightStream.Bits24(seed, layer, index, t));
        return init.Value(sum);
    }

    /// <summary>
    /// The weights the hardware reads: W0, with every tracked entry of this layer inside the range written over it.
    /// <paramref name="tracked"/> is the whole store; its other layers are ignored.
    /// </summary>
    public static void Weights(ulong seed, uint layer, Initializer init, uint start, Span<uint> fp32, TrackedStore tracked)
    {
        Initial(seed, layer, init, start, fp32);
        ulong end = (ulong)start + (ulong)fp32.Length;
        foreach (var e in tracked.Layer(layer))
            if (e.Index >= start && e.Index < end) fp32[(int)(e.Index - start)] = e.Value;
    }

    /// <summary>
    /// The weights of indices [start, start + count) quantized to <paramref name="format"/>: block j holds indices
    /// start + j·k .. start + j·k + k − 1, so start must be a multiple of the block size k (the hardware's blocks are
    /// aligned to it); a partial last block is padded with +0.
    /// </summary>
    public static WeightBlocks Blocks(ulong seed, uint layer, Initializer init, uint start, int count, TrackedStore tracked, BlockFormat format)
    {
        if (start % format.BlockSize != 0)
            throw new ArgumentException($"block output starts at index {start}, which is not a multiple of {format.Name}'s block size {format.BlockSize}");
        var fp32 = new uint[count];
        Weights(seed, layer, init, start, fp32, tracked);
        return BlockQuantizerAdapter.Quantize(format, fp32);
    }

    public static void CheckRange(uint start, int count)
    {
        if (count < 0 || (ulong)start + (ulong)count > IndexLimit)
            throw new ArgumentOutOfRangeException(nameof(count), $"indices {start}..{(ulong)start + (ulong)count} go beyond 2^32: a layer has at most 2^32 weights (index 0..4294967295)");
    }
}
