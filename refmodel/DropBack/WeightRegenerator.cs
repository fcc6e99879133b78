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
        Span<int> sums = stackalloc int[WeightStream.LanesPerCall];
        int written = 0;
        while (written < fp32.Length)
        {
            uint index = start + (uint)written;
            uint group = index / WeightStream.LanesPerCall;
            int lane = (int)(index % WeightStream.LanesPerCall);
            int lanes = Math.Min(WeightStream.LanesPerCall - lane, fp32.Length - written);
            if (init.Terms == 1 && lanes == WeightStream.LanesPerCall)
            {
                var words = WeightStream.Call(seed, layer, group, 0);
                fp32[written] = init.FromBits(words.X0 >> 8);
                fp32[written + 1] = init.FromBits(words.X1 >> 8);
                fp32[written + 2] = init.FromBits(words.X2 >> 8);
                fp32[written + 3] = init.FromBits(words.X3 >> 8);
            }
            else if (init.Terms == 1)
            {
                var words = WeightStream.Call(seed, layer, group, 0);
                for (int l = 0; l < lanes; l++) fp32[written + l] = init.FromBits(words[lane + l] >> 8);
            }
            else
            {
                sums.Clear();
                for (uint t = 0; t < init.Terms; t++)
                {
                    var words = WeightStream.Call(seed, layer, group, t);
                    for (int l = 0; l < lanes; l++) sums[l] += Initializer.Centered(words[lane + l] >> 8);
                }
                for (int l = 0; l < lanes; l++) fp32[written + l] = init.Value(sums[l]);
            }
            written += lanes;
        }
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
