using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;

namespace MxRef.Vectors.Generation.Regen;

/// <summary>
/// The expected output of a regen vector: the golden model's weights of the block (refmodel/DropBack: generator,
/// initializer, tracked override), quantized by the file's recipe as a quantize conformance vector is
/// (<see cref="RecipeEvaluation"/>).
/// </summary>
public static class RegenEvaluation
{
    /// <summary>The recipe and block formats of a regen file's header (both required).</summary>
    public static (Recipe Recipe, IReadOnlyList<BlockFormat> Formats) Of(MxvHeader h, string file)
    {
        if (h.Recipe is null) throw new MxvFormatException(file, 1, "header.recipe", $"a regen file must name its recipe; valid: {Recipe.ValidNames}");
        var made = RecipeEvaluation.Of(h, file)!.Value;
        foreach (var f in made.Formats)
        {
            if (f.BlockSize != h.Block || f.HasMicroexponents || !f.ScaleCodec.IsPowerOfTwo)
                throw new MxvFormatException(file, 1, "header.block_formats", $"'{f.Name}' is not an E8M0-scaled block format of k = {h.Block} without microexponents");
            if (made.Recipe.WhyNot(f) is { } why) throw new MxvFormatException(file, 1, "header.block_formats", why);
        }
        return made;
    }

    /// <summary>The block format of a line: the header's format whose element is the line's FMT.</summary>
    public static BlockFormat FormatOf(RegenVector r, IReadOnlyList<BlockFormat> formats) =>
        formats.FirstOrDefault(f => StandardFormats.ElementCode(f.Element) == r.Format)
        ?? throw new ArgumentException($"FMT {r.Format} is not the element of any of the file's block formats ({string.Join(", ", formats)})");

    /// <summary>The expected scale and element codes (throws <see cref="ArgumentOutOfRangeException"/> for an invalid a).</summary>
    public static (byte Scale, byte[] Codes) Evaluate(RegenVector r, BlockFormat f, Recipe recipe)
    {
        var w = new uint[r.K];
        r.Weights(w);
        var t = RecipeEvaluation.Quantize(f, recipe, w);
        return (t.Scales[0], t.Elements.AsSpan(0, r.K).ToArray());
    }

    public static void SetExpected(RegenVector r, BlockFormat f, Recipe recipe)
    {
        var (s, codes) = Evaluate(r, f, recipe);
        r.Scale = s;
        codes.CopyTo(r.P, 0);
    }
}
