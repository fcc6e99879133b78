using System.CommandLine;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Generation.Quantize;

namespace MxRef.Harness.Commands;

/// <summary>
/// <c>mxref recipes</c>: the named quantization recipes (<c>list</c>), where two of them give different bits
/// (<c>diff</c>, <c>matrix</c>) and the conformance vector set of every recipe (<c>conformance</c>).
/// </summary>
public static class RecipesCommand
{
    public static Command Create()
    {
        var cmd = new Command("recipes", "Named quantization recipes: list them, compare two on the corner classes, write the conformance set.");
        cmd.Add(List());
        cmd.Add(Diff());
        cmd.Add(Matrix());
        cmd.Add(Conformance());
        cmd.Add(SampleTensorCommand());
        return cmd;
    }

    private static Command SampleTensorCommand()
    {
        var count = new Option<int>("--count", "-n") { Description = "Values (default 3200000).", DefaultValueFactory = _ => 3_200_000 };
        var seed = new Option<ulong>("--seed") { Description = "Seed (default 1).", DefaultValueFactory = _ => 1UL };
        var npy = new Option<string>("--output", "-o") { Description = "The tensor as a float32 .npy of shape (count/32, 32) (count a multiple of 32) or (count,).", Required = true };
        var text = new Option<string?>("--text") { Description = "Also the same values as text, one per line." };
        var cmd = new Command("sample-tensor", "A deterministic activation-like FP32 tensor for benchmarks and examples (make bench-quantize-io).") { count, seed, npy, text };
        cmd.SetAction(r =>
        {
            int n = r.GetValue(count);
            if (n < 1) throw new UsageException($"--count must be positive, got {n}");
            var bits = MxRef.Vectors.Tensors.SampleTensor.Create(n, r.GetValue(seed));
            MxRef.Vectors.Tensors.Npy.WriteFp32(r.GetValue(npy)!, bits, n % 32 == 0 ? [n / 32, 32] : [n]);
            if (r.GetValue(text) is { } t) MxRef.Vectors.Tensors.SampleTensor.WriteText(t, bits);
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static Command List()
    {
        var cmd = new Command("list", "Every named recipe: name, source, who uses it.");
        cmd.SetAction(r =>
        {
            foreach (var x in Recipe.Named) r.InvocationConfiguration.Output.WriteLine($"{x.Name,-16} {x.Source} — {x.UsedBy}");
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static Option<string?> FormatOption() =>
        new("--format", "-f") { Description = "Block format (default: mxfp8-e4m3, or nvfp4 for NVFP4 recipes). Valid: " + BlockFormat.ValidNames };

    private static Command Diff()
    {
        var a = new Argument<string>("R1") { Description = "First recipe." };
        var b = new Argument<string>("R2") { Description = "Second recipe." };
        var format = FormatOption();
        var seed = new Option<ulong>("--seed") { Description = "Seed of the corner blocks (default 1).", DefaultValueFactory = _ => 1UL };
        var cmd = new Command("diff",
            "Per corner class (docs/quantization.md), how many blocks R1 and R2 quantize differently, and one example each.\n" +
            "Example: mxref recipes diff ocp torchao-rceil --format mxfp8-e4m3") { a, b, format, seed };
        cmd.SetAction(r =>
        {
            var ra = Parse(r.GetValue(a)!);
            var rb = Parse(r.GetValue(b)!);
            var f = r.GetValue(format) is { } name ? QuantizeByRecipe.ParseFormat(name, null) : DefaultFormat(ra);
            foreach (var x in new[] { ra, rb }) QuantizeByRecipe.ParseRecipe(x.Name, f);
            IReadOnlyList<ClassDifference> diffs;
            try { diffs = RecipeDiff.Compare(f, ra, rb, r.GetValue(seed)); }
            catch (Exception e) when (e is ArgumentException or NotSupportedException) { throw new UsageException(e.Message); }
            r.InvocationConfiguration.Output.Write(RecipeDiff.Report(f, ra, rb, diffs));
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static Command Matrix()
    {
        var format = FormatOption();
        var cmd = new Command("matrix", "A Markdown table: for every pair of recipes that apply to the format, how many corner blocks differ.") { format };
        cmd.SetAction(r =>
        {
            var formats = r.GetValue(format) is { } name ? [QuantizeByRecipe.ParseFormat(name, null)] : ConformanceSet.Formats;
            foreach (var f in formats)
            {
                r.InvocationConfiguration.Output.WriteLine(RecipeDiff.Matrix(f));
            }
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static Command Conformance()
    {
        var dir = new Option<string>("--output", "-o") { Description = "Directory for RECIPE.mxv files and README.md (default out/conformance).", DefaultValueFactory = _ => "out/conformance" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the corner blocks (default 1).", DefaultValueFactory = _ => 1UL };
        var cmd = new Command("conformance", "Write the conformance set: one .mxv quantize file per recipe and a README table.") { dir, seed };
        cmd.SetAction(r =>
        {
            var files = ConformanceSet.WriteAll(r.GetValue(dir)!, r.GetValue(seed), out var skipped);
            foreach (var f in files) r.InvocationConfiguration.Output.WriteLine($"wrote {f.Count} vectors to {f.Path}");
            foreach (var (recipe, reason) in skipped) r.InvocationConfiguration.Error.WriteLine($"mxref: no conformance file for {recipe.Name}: {reason}");
            return skipped.Count == 0 ? Cli.ExitOk : Cli.ExitUsage;
        });
        return cmd;
    }

    public static Recipe Parse(string name) =>
        Recipe.TryParse(name) ?? throw new UsageException($"unknown recipe '{name}'; valid: {Recipe.ValidNames}");

    private static BlockFormat DefaultFormat(Recipe r) => r.Supports(BlockFormat.MxFp8E4M3) ? BlockFormat.MxFp8E4M3 : BlockFormat.NvFp4;
}
