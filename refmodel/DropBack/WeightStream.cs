namespace MxRef.DropBack;

/// <summary>
/// Where the random bits of a weight come from (docs/dropback.md, "Counter layout"). Weight <c>index</c> of layer
/// <c>layer</c> under a 64-bit <c>seed</c>, draw <c>t</c> (0 for the uniform initializers, 0..n−1 for Irwin–Hall),
/// takes word <c>index mod 4</c> of
/// <code>
///   Philox4x32-10(counter = (index div 4, layer, t, 0), key = (seed mod 2^32, seed div 2^32))
/// </code>
/// and uses its top 24 bits. Four consecutive weights share one Philox call, so a block of 32 costs 8 calls per
/// draw; the last counter word is reserved (0) so that other users of the same seed (dropout masks, stochastic
/// rounding) can take their own streams without colliding with weight initialization.
/// </summary>
public static class WeightStream
{
    public const int LanesPerCall = 4;

    /// <summary>The 32-bit word of (seed, layer, index, draw).</summary>
    public static uint Word(ulong seed, uint layer, uint index, uint draw) =>
        Call(seed, layer, index / LanesPerCall, draw)[(int)(index % LanesPerCall)];

    /// <summary>The 24 random bits r of (seed, layer, index, draw): the word's top 24 bits.</summary>
    public static uint Bits24(ulong seed, uint layer, uint index, uint draw) => Word(seed, layer, index, draw) >> 8;

    /// <summary>The calls of groups group .. group + 7 (see <see cref="Philox4x32.Generate10x8"/>).</summary>
    public static void Call8(ulong seed, uint layer, uint group, uint draw,
        out System.Runtime.Intrinsics.Vector512<ulong> x0, out System.Runtime.Intrinsics.Vector512<ulong> x1,
        out System.Runtime.Intrinsics.Vector512<ulong> x2, out System.Runtime.Intrinsics.Vector512<ulong> x3) =>
        Philox4x32.Generate10x8(group, layer, draw, 0, (uint)seed, (uint)(seed >> 32), out x0, out x1, out x2, out x3);

    /// <summary>The Philox call that serves weights 4·group .. 4·group + 3 of a layer.</summary>
    public static PhiloxWords Call(ulong seed, uint layer, uint group, uint draw) =>
        Philox4x32.Generate10(group, layer, draw, 0, (uint)seed, (uint)(seed >> 32));
}
