namespace MxRef.Quantization;

/// <summary>What a caller may vary beside the block format and the recipe.</summary>
public sealed record QuantizeOptions
{
    public static readonly QuantizeOptions Default = new();

    /// <summary>
    /// Rounding mode, specials, INT8 range, flush and sr seed — used only by recipes that let them vary
    /// (<see cref="Recipe.TakesPolicy"/>: ocp and exact-ceil); the other recipes fix them as their source does.
    /// </summary>
    public QuantizationPolicy Policy { get; init; } = QuantizationPolicy.Default;

    /// <summary>
    /// NVFP4 per-tensor (decode) scale as FP32 bits: dequantized value = element × block scale × tensor scale. Null:
    /// computed from the global amax as the recipe's source does (see docs/quantization.md).
    /// </summary>
    public uint? TensorScale { get; init; }

    /// <summary>0: the input is one row (1-D). &gt;0: rows of this length; blocks run along each row, each row padded.</summary>
    public int RowLength { get; init; }

    /// <summary>With <see cref="RowLength"/> &gt; 0: 2-D k×k blocks (TransformerEngine's 16×16 NVFP4 weight blocks).</summary>
    public bool TwoDimensional { get; init; }

    /// <summary>For sr: the random bits of each input value (empty: drawn from the policy's seed).</summary>
    public ReadOnlyMemory<uint> RandomBits { get; init; }
}
