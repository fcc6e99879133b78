using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation.Quantize;

/// <summary>
/// A block quantized by a named recipe as a conformance vector sees it: the block is a tensor of its own k values,
/// quantized with a per-tensor scale of 1.0 where the format has one (so every vector is self-contained; a GEMM's
/// per-tensor scale is a separate FP32 step, docs/quantization.md).
/// </summary>
public static class RecipeEvaluation
{
    public const uint UnitTensorScale = 0x3F800000;

    public static QuantizeOptions Options(BlockFormat f) => new() { TensorScale = f.TensorScale is null ? null : UnitTensorScale };

    public static QuantizedTensor Quantize(BlockFormat f, Recipe r, ReadOnlySpan<uint> block) => BlockQuantizer.Quantize(f, r, block, Options(f));

    /// <summary>The recipe and block formats of a quantize file made by a recipe, or null for a policy file.</summary>
    public static (Recipe Recipe, IReadOnlyList<BlockFormat> Formats)? Of(MxvHeader h, string file)
    {
        if (h.Recipe is null) return null;
        var recipe = Recipe.TryParse(h.Recipe) ?? throw new MxvFormatException(file, 1, "header.recipe", $"recipe '{h.Recipe}' is unknown; valid: {Recipe.ValidNames}");
        var formats = (h.BlockFormats ?? []).Select(n => BlockFormat.TryParse(n)
            ?? throw new MxvFormatException(file, 1, "header.block_formats", $"'{n}' is not a block format; valid: {BlockFormat.ValidNames}")).ToList();
        if (formats.Count == 0) throw new MxvFormatException(file, 1, "header.block_formats", "a recipe file must list its block formats");
        return (recipe, formats);
    }

    /// <summary>The block format of a line: the header's format whose element is the line's FMT.</summary>
    public static BlockFormat FormatOf(QuantizeVector q, IReadOnlyList<BlockFormat> formats) =>
        formats.FirstOrDefault(f => f.Element == q.Format && f.BlockSize == q.K)
        ?? throw new ArgumentException($"FMT {q.Format.Name} is not the element of any of the file's block formats ({string.Join(", ", formats)})");

    /// <summary>Sets the vector's expected S and P from the recipe.</summary>
    public static void SetExpected(QuantizeVector q, BlockFormat f, Recipe r)
    {
        var t = Quantize(f, r, q.V);
        q.Scale = t.Scales[0];
        for (int i = 0; i < q.K; i++) q.P[i] = t.Elements[i];
    }
}
