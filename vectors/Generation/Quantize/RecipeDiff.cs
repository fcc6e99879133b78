using System.Globalization;
using System.Text;
using MxRef.Formats;
using MxRef.Quantization;

namespace MxRef.Vectors.Generation.Quantize;

/// <summary>One corner class of a recipe comparison: blocks compared, how many differ, and the first that does.</summary>
public sealed record ClassDifference(string Class, int Blocks, int Differing, uint[]? Example, QuantizedTensor? First, QuantizedTensor? Second);

/// <summary>
/// Where two recipes give different bits: every <see cref="RecipeCorners"/> block of a block format quantized by both
/// (<see cref="RecipeEvaluation"/>), compared code for code (scale, microexponents, elements).
/// </summary>
public static class RecipeDiff
{
    public static IReadOnlyList<ClassDifference> Compare(BlockFormat format, Recipe a, Recipe b, ulong seed = 1)
    {
        foreach (var r in new[] { a, b })
            if (!r.Supports(format)) throw new ArgumentException($"recipe {r.Name} does not apply to block format {format.Name}");
        var result = new List<ClassDifference>();
        foreach (var c in RecipeCorners.For(format, seed))
        {
            int differing = 0;
            uint[]? example = null;
            QuantizedTensor? qa = null, qb = null;
            foreach (var block in c.Blocks)
            {
                var x = RecipeEvaluation.Quantize(format, a, block);
                var y = RecipeEvaluation.Quantize(format, b, block);
                if (Same(x, y)) continue;
                if (differing++ == 0) (example, qa, qb) = (block, x, y);
            }
            result.Add(new ClassDifference(c.Name, c.Blocks.Count, differing, example, qa, qb));
        }
        return result;
    }

    public static bool Same(QuantizedTensor x, QuantizedTensor y) =>
        x.Scales.AsSpan().SequenceEqual(y.Scales) && x.Microexponents.AsSpan().SequenceEqual(y.Microexponents)
        && x.Elements.AsSpan().SequenceEqual(y.Elements) && x.TensorScale == y.TensorScale;

    /// <summary>The report <c>mxref recipes diff</c> prints: one line per class, then the first differing block of each.</summary>
    public static string Report(BlockFormat format, Recipe a, Recipe b, IReadOnlyList<ClassDifference> diffs)
    {
        var sb = new StringBuilder();
        int total = diffs.Sum(d => d.Blocks), differing = diffs.Sum(d => d.Differing);
        sb.AppendLine($"{a.Name} vs {b.Name} on {format.Name}: {differing} of {total} corner blocks differ");
        foreach (var d in diffs)
            sb.AppendLine($"  {d.Class,-20} {d.Differing,5} / {d.Blocks,-5}{(d.Differing == 0 ? " same" : "")}");
        foreach (var d in diffs.Where(d => d.Example is not null))
        {
            int i = FirstDifferentElement(d.First!, d.Second!);
            sb.AppendLine($"{d.Class}: e.g. V=[{string.Join(' ', d.Example!.Select(v => v.ToString("x8", CultureInfo.InvariantCulture)))}]");
            sb.AppendLine($"  {a.Name,-16} {Describe(format, d.First!, i)}");
            sb.AppendLine($"  {b.Name,-16} {Describe(format, d.Second!, i)}");
        }
        return sb.ToString();
    }

    private static int FirstDifferentElement(QuantizedTensor x, QuantizedTensor y)
    {
        for (int i = 0; i < x.Elements.Length; i++)
            if (x.Elements[i] != y.Elements[i]) return i;
        return -1;
    }

    private static string Describe(BlockFormat f, QuantizedTensor q, int element)
    {
        var sb = new StringBuilder();
        sb.Append($"S={q.Scales[0]:x2} ({f.ScaleCodec.Show(q.Scales[0])})");
        if (q.Microexponents.Length > 0) sb.Append(" M=[").Append(string.Join(' ', q.Microexponents.Select(m => m.ToString(CultureInfo.InvariantCulture)))).Append(']');
        if (element >= 0) sb.Append($" P[{element}]={q.Elements[element]:x2} ({(f.HasMicroexponents ? q.Elements[element].ToString(CultureInfo.InvariantCulture) : Codec.Show(f.Element, q.Elements[element]))})");
        sb.Append(" P=[").Append(string.Join(' ', q.Elements.Select(c => c.ToString("x2", CultureInfo.InvariantCulture)))).Append(']');
        return sb.ToString();
    }

    /// <summary>
    /// The full matrix of the named recipes on <paramref name="format"/>: for each supported pair, how many corner
    /// blocks differ (a Markdown table).
    /// </summary>
    public static string Matrix(BlockFormat format, ulong seed = 1)
    {
        var recipes = Recipe.Named.Where(r => r.Supports(format)).ToList();
        var sb = new StringBuilder();
        sb.AppendLine($"| {format.Name} | " + string.Join(" | ", recipes.Select(r => $"`{r.Name}`")) + " |");
        sb.AppendLine("|---|" + string.Concat(recipes.Select(_ => "---|")));
        var corners = RecipeCorners.For(format, seed).SelectMany(c => c.Blocks).ToList();
        var results = recipes.Select(r => corners.Select(b => Try(() => RecipeEvaluation.Quantize(format, r, b))).ToList()).ToList();
        for (int i = 0; i < recipes.Count; i++)
        {
            sb.Append($"| `{recipes[i].Name}` |");
            for (int j = 0; j < recipes.Count; j++)
            {
                if (i == j) { sb.Append(" – |"); continue; }
                int n = 0;
                bool failed = false;
                for (int b = 0; b < corners.Count; b++)
                {
                    if (results[i][b] is not { } x || results[j][b] is not { } y) { failed = true; continue; }
                    if (!Same(x, y)) n++;
                }
                sb.Append(failed ? " n/a |" : $" {n} |");
            }
            sb.AppendLine();
        }
        sb.AppendLine();
        sb.AppendLine($"({corners.Count} corner blocks; a cell counts the blocks on which the row and column recipes differ.)");
        return sb.ToString();
    }

    private static QuantizedTensor? Try(Func<QuantizedTensor> f)
    {
        try { return f(); }
        catch (Exception e) when (e is NotSupportedException or ArgumentException) { return null; }
    }
}
