namespace MxRef.Dot;

/// <summary>Which arithmetic an MX dot-product unit uses inside a block (see docs/semantics.md).</summary>
public enum AccumulationKind
{
    /// <summary>The reference: C + scale·Σ a_i·b_i computed exactly and rounded once.</summary>
    Fused,
    /// <summary>n elements at a time; each chunk's exact sum is fused into a running FP32 accumulator, one rounding per chunk.</summary>
    Chunked,
    /// <summary>FP32 emulation: products summed in FP32 in index order, then × scale, then + C (TOSA reference style).</summary>
    Fp32Sum,
}

/// <summary>An accumulation model: <c>fused</c>, <c>chunked:N</c> or <c>fp32-sum</c>.</summary>
public readonly record struct AccumulationModel(AccumulationKind Kind, int ChunkSize = 0)
{
    public static readonly AccumulationModel Fused = new(AccumulationKind.Fused);
    public static readonly AccumulationModel Fp32Sum = new(AccumulationKind.Fp32Sum);
    public static AccumulationModel Chunked(int n) =>
        n >= 1 ? new(AccumulationKind.Chunked, n) : throw new ArgumentOutOfRangeException(nameof(n), "chunk size must be at least 1");

    public const string ValidNames = "fused, chunked:N (N >= 1, e.g. chunked:8), fp32-sum";

    public static AccumulationModel? TryParse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "fused") return Fused;
        if (t == "fp32-sum") return Fp32Sum;
        if (t.StartsWith("chunked:", StringComparison.Ordinal) && int.TryParse(t.AsSpan(8), out int n) && n >= 1) return Chunked(n);
        return null;
    }

    public override string ToString() => Kind switch
    {
        AccumulationKind.Fused => "fused",
        AccumulationKind.Chunked => $"chunked:{ChunkSize}",
        _ => "fp32-sum",
    };
}
