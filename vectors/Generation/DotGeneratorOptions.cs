using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Generation;

/// <summary>What <see cref="DotVectorGenerator"/> produces. Formats are element format codes (0 e4m3 … 5 int8).</summary>
public sealed record DotGeneratorOptions
{
    public required IReadOnlyList<int> FormatsA { get; init; }
    public required IReadOnlyList<int> FormatsB { get; init; }
    public required IReadOnlyList<RoundingMode> Modes { get; init; }
    public int Block { get; init; } = 32;
    public NumberFormat Output { get; init; } = StandardFormats.Fp32;
    public AccumulationModel Model { get; init; } = AccumulationModel.Fused;
    public ulong Seed { get; init; } = 1;
    /// <summary>Number of weighted-random vectors (used when <see cref="Random"/>).</summary>
    public long Count { get; init; }
    public bool Corners { get; init; }
    public bool Random { get; init; }
    public bool Exhaustive { get; init; }
    /// <summary>This run is part <see cref="ShardIndex"/> (0-based) of <see cref="ShardCount"/> disjoint parts.</summary>
    public int ShardIndex { get; init; }
    public int ShardCount { get; init; } = 1;

    public static DotGeneratorOptions AllFormatsAndModes(ulong seed, long count) => new()
    {
        FormatsA = Enumerable.Range(0, StandardFormats.Elements.Count).ToArray(),
        FormatsB = Enumerable.Range(0, StandardFormats.Elements.Count).ToArray(),
        Modes = RoundingModes.Deterministic,
        Seed = seed, Count = count, Corners = true, Random = true,
    };

    /// <summary>Checks the options; returns a message naming the bad option, or null.</summary>
    public string? Validate()
    {
        if (FormatsA.Count == 0 || FormatsB.Count == 0) return "--a and --b need at least one format";
        if (FormatsA.Concat(FormatsB).Any(f => f < 0 || f >= StandardFormats.Elements.Count)) return "format codes are 0..5";
        if (Modes.Count == 0) return "--rounding needs at least one mode";
        if (Modes.Any(m => RoundingModes.FromCode((int)m) is null)) return "only the deterministic modes rne, rtz, rdn, rup, rna, rto have vector codes";
        if (Block is < 1 or > 4096) return $"--block must be 1..4096, got {Block}";
        if (!StandardFormats.Outputs.Contains(Output)) return "--out must be fp32, bf16 or fp16";
        if (Count < 0) return "--count must be at least 0";
        if (!Corners && !Random && !Exhaustive) return "choose at least one of --corners, --random, --exhaustive";
        if (ShardCount < 1 || ShardIndex < 0 || ShardIndex >= ShardCount) return $"--shard I/N needs 0 <= I < N (got {ShardIndex}/{ShardCount})";
        if (Exhaustive)
        {
            int widest = FormatsA.Max(f => StandardFormats.Elements[f].Bits) + FormatsB.Max(f => StandardFormats.Elements[f].Bits);
            if (Block * widest > ExhaustiveSet.MaxBits)
                return $"--exhaustive enumerates every code of both blocks: k·(wA+wB) = {Block}·{widest} bits exceeds {ExhaustiveSet.MaxBits}; use --block 1 (or 2 with 4/6-bit formats)";
        }
        return null;
    }
}
