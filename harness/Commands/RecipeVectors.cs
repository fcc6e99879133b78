using System.CommandLine;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Text;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Commands;

/// <summary><c>vectors gen --op quantize --recipe R</c> and the check of such a file (the header names the recipe).</summary>
internal static class RecipeVectors
{
    public static int Generate(ParseResult r, string recipeName, string seedText, string path, bool json)
    {
        var recipe = RecipesCommand.Parse(recipeName);
        ConformanceFile file;
        try
        {
            file = ConformanceSet.Write(path, recipe, VectorsCommand.ParseSeed(seedText),
                $"mxref vectors gen --op quantize --recipe {recipe.Name} --seed {seedText}");
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException) { throw new UsageException(e.Message); }
        var output = r.InvocationConfiguration.Output;
        if (json)
            output.WriteLine(new JObject { ["file"] = path, ["recipe"] = recipe.Name, ["vectors"] = file.Count, ["classes"] = JObject.FromObject(file.PerClass) }.ToString(Newtonsoft.Json.Formatting.None));
        else
        {
            output.WriteLine($"wrote {file.Count} quantize vectors ({recipe.Name}: {string.Join(", ", file.Formats)}) to {path}");
            foreach (var (name, count) in file.PerClass) output.WriteLine($"  {name,-20} {count}");
        }
        return Cli.ExitOk;
    }

    public static long Check(MxvReader reader, string path, TextWriter output, int maxReport, Recipe recipe, IReadOnlyList<BlockFormat> formats)
    {
        var q = new QuantizeVector(reader.Header.Block);
        long differences = 0;
        while (reader.ReadNext(q))
        {
            BlockFormat f;
            try { f = RecipeEvaluation.FormatOf(q, formats); }
            catch (ArgumentException e) { throw new MxvFormatException(path, reader.LineNumber, "FMT", e.Message); }
            var t = RecipeEvaluation.Quantize(f, recipe, q.V);
            bool same = t.Scales[0] == q.Scale && t.Elements.AsSpan(0, q.K).SequenceEqual(q.P);
            if (same || ++differences > maxReport) continue;
            output.WriteLine($"{path}:{reader.LineNumber}: file S={q.Scale:x2} P=[{string.Join(' ', q.P.Select(c => c.ToString("x2")))}], " +
                             $"{recipe.Name} S={t.Scales[0]:x2} P=[{string.Join(' ', t.Elements.Take(q.K).Select(c => c.ToString("x2")))}]\n" +
                             $"  {f.Name} V=[{string.Join(' ', q.V.Select(x => Codec.Show(StandardFormats.Fp32, x)))}]");
        }
        output.WriteLine($"{path}: {reader.Count} vectors, {differences} differ{(differences > maxReport ? $" (first {maxReport} shown)" : "")}");
        return differences;
    }
}
