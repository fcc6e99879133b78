using System.CommandLine;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Text;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Commands;

/// <summary><c>vectors gen --op quantize --recipe R</c>: the conformance set of one recipe (vectors/Generation/Quantize).</summary>
internal static class RecipeVectors
{
    public static int Generate(ParseResult r, string recipeName, string seedText, string path, bool json, long random = 0)
    {
        var recipe = RecipesCommand.Parse(recipeName);
        ConformanceFile file;
        try
        {
            if (random < 0) throw new ArgumentException("--count must be at least 0");
            file = ConformanceSet.Write(path, recipe, CliParse.Seed(seedText),
                $"mxref vectors gen --op quantize --recipe {recipe.Name} --seed {seedText}" + (random > 0 ? $" --random --count {random}" : ""), random: random);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException) { throw new UsageException(e.Message); }
        var output = r.InvocationConfiguration.Output;
        if (json)
            output.WriteLine(new JObject { ["file"] = path, ["recipe"] = recipe.Name, ["vectors"] = file.Count, ["classes"] = new JObject(file.PerClass.Select(p => new JProperty(p.Key, p.Value))) }.ToString(Newtonsoft.Json.Formatting.None));
        else
        {
            output.WriteLine($"wrote {file.Count} quantize vectors ({recipe.Name}: {string.Join(", ", file.Formats)}) to {path}");
            foreach (var (name, count) in file.PerClass) output.WriteLine($"  {name,-20} {count}");
        }
        return Cli.ExitOk;
    }
}
