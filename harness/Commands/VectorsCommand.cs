using System.CommandLine;
using MxRef.Harness.Options;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Operations;

namespace MxRef.Harness.Commands;

/// <summary>
/// <c>mxref vectors gen|stats|check|merge</c>: test-vector files (docs/vector-format.md, docs/vectors.md). Parses
/// options and prints; the work is the vectors library's (<see cref="GenerationRun"/>, <see cref="QuantizeRun"/>,
/// <see cref="MxvStats"/>, <see cref="MxvCheck"/>, <see cref="MxvMerge"/>).
/// </summary>
public static class VectorsCommand
{
    public static Command Create()
    {
        var cmd = new Command("vectors", "Generate, measure and check .mxv test-vector files (docs/vectors.md, docs/vector-format.md).");
        cmd.Add(Gen());
        cmd.Add(Stats());
        cmd.Add(Check());
        cmd.Add(Merge());
        return cmd;
    }

    private static Command Gen()
    {
        var op = new Option<string>("--op") { Description = "Operation: dot (default) or quantize (FP32 blocks to MX blocks; --a gives the element formats).", DefaultValueFactory = _ => "dot" };
        var generator = GeneratorOptionSet.ForFiles();
        var policy = new QuantizationPolicyOptionSet(appliesTo: "quantize");
        var recipe = new Option<string?>("--recipe") { Description = "quantize: the conformance corner classes of a named recipe (mxref recipes list) instead of the policy options; with --random, --count random blocks after them." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: all cores). The output does not depend on it.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the coverage summary as JSON." };
        var file = new Option<string>("--output", "-o") { Description = "Output .mxv file (written atomically).", Required = true };
        var cmd = new Command("gen",
            "Generate dot-product test vectors into an .mxv file and print the coverage summary. Without --corners,\n" +
            "--random or --exhaustive: --corners --random. Deterministic: the same options and seed give the same bytes.\n" +
            "Example: mxref vectors gen --a e4m3 --b e4m3 -r all --count 100000 --seed 7 --corners --random -o e4m3.mxv");
        cmd.Add(op);
        generator.AddTo(cmd);
        cmd.Add(threads);
        cmd.Add(json);
        cmd.Add(file);
        policy.AddTo(cmd);
        cmd.Add(recipe);
        cmd.SetAction(r =>
        {
            if (r.GetValue(op) == "quantize" && r.GetValue(recipe) is { } recipeName)
                return RecipeVectors.Generate(r, recipeName, r.GetValue(generator.Seed)!, r.GetValue(file)!, r.GetValue(json),
                    r.GetValue(generator.Random) ? r.GetValue(generator.Count) : 0);
            var path = r.GetValue(file)!;
            var command = RecordedCommand(r.Tokens.Select(t => t.Value).ToList());
            var (shard, shards) = generator.BindShard(r);
            var stdout = r.InvocationConfiguration.Output;
            if (r.GetValue(op) == "quantize")
            {
                var options = generator.BindQuantize(r, policy.Bind(r)) with { ShardIndex = shard, ShardCount = shards };
                QuantizeVectorGenerator qgen;
                try { qgen = new QuantizeVectorGenerator(options); }
                catch (ArgumentException e) { throw new UsageException(e.Message); }
                var coverage = QuantizeRun.Write(qgen, qgen.Header(command), path);
                stdout.Write(r.GetValue(json) ? coverage.ToJson() : $"wrote {coverage.Vectors} quantize vectors to {path}\n" + coverage.ToText());
                return Cli.ExitOk;
            }
            if (r.GetValue(op) != "dot") throw new UsageException($"--op '{r.GetValue(op)}': valid: dot, quantize");
            if (generator.BindMicroexponent(r) is { } bdrOptions)
            {
                MicroexponentDotGenerator bdrGen;
                try { bdrGen = new MicroexponentDotGenerator(bdrOptions with { ShardIndex = shard, ShardCount = shards }); }
                catch (ArgumentException e) { throw new UsageException(e.Message); }
                var coverage = MicroexponentDotRun.Write(bdrGen, bdrGen.Header(command), path);
                stdout.Write(r.GetValue(json) ? coverage.ToJson() + "\n" : $"wrote {bdrGen.ShardEnd - bdrGen.ShardStart} {bdrOptions.Format.Name} vectors to {path}\n" + coverage.ToText());
                return Cli.ExitOk;
            }
            var gen = new DotVectorGenerator(generator.Bind(r) with { ShardIndex = shard, ShardCount = shards });
            long vectors = gen.ShardEnd - gen.ShardStart;
            var report = GenerationRun.Write(gen, gen.Header(command), path, r.GetValue(threads), vectors >= 2_000_000 ? r.InvocationConfiguration.Error : null);
            stdout.Write(r.GetValue(json) ? report.ToJson() + "\n" : $"wrote {vectors} vectors to {path}\n" + report.ToText());
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static Command Stats()
    {
        var files = new Argument<string[]>("FILE") { Description = ".mxv files.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("stats", "Count the vectors of each coverage class (classified from the exact values) and list the classes never hit.") { files, json };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            bool asJson = r.GetValue(json);
            foreach (var path in r.GetValue(files)!)
            {
                if (ReadOrUsage(() => MxvReader.ReadHeader(path)).Op == MxvHeader.OpQuantize)
                {
                    var coverage = ReadOrUsage(() => MxvStats.Quantize(path));
                    stdout.Write(asJson ? coverage.ToJson() : $"{path}:\n" + coverage.ToText());
                    continue;
                }
                if (ReadOrUsage(() => MxvReader.ReadHeader(path)).MicroexponentFormat is not null)
                {
                    var bdr = ReadOrUsage(() => MicroexponentDotStats.File(path));
                    stdout.Write(asJson ? bdr.ToJson() + "\n" : $"{path}:\n" + bdr.ToText());
                    continue;
                }
                var report = ReadOrUsage(() => MxvStats.Dot(path));
                stdout.Write(asJson ? report.ToJson() + "\n" : $"{path}:\n" + report.ToText());
            }
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static Command Check()
    {
        var files = new Argument<string[]>("FILE") { Description = ".mxv files.", Arity = ArgumentArity.OneOrMore };
        var max = new Option<int>("--max-report") { Description = "Differences printed per file (default 20); all are counted.", DefaultValueFactory = _ => 20 };
        var cmd = new Command("check",
            "Recompute every expected value with the golden model (the header's output format and accumulation model) and\n" +
            "report the lines that differ, with their fields decoded. Exit 0 all agree, 1 differences, 2 malformed input.") { files, max };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            bool differ = false;
            foreach (var path in r.GetValue(files)!)
            {
                var result = ReadOrUsage(() => MxvCheck.File(path, r.GetValue(max), d => stdout.WriteLine(d.Description)));
                stdout.WriteLine(result.Summary);
                differ |= result.Differences > 0;
            }
            return differ ? Cli.ExitMismatch : Cli.ExitOk;
        });
        return cmd;
    }

    private static Command Merge()
    {
        var parts = new Argument<string[]>("PART") { Description = "The shards 0/N .. N-1/N of one run, in order.", Arity = ArgumentArity.OneOrMore };
        var file = new Option<string>("--output", "-o") { Description = "Merged .mxv file (written atomically).", Required = true };
        var cmd = new Command("merge",
            "Join the shards of a 'vectors gen --shard I/N' run into one file: every part is validated (trailer, and\n" +
            "that the parts are shards 0..N-1 of the same run, in order); the data lines are those of the unsharded run.") { parts, file };
        cmd.SetAction(r =>
        {
            long n = ReadOrUsage(() => MxvMerge.Shards(r.GetValue(parts)!, r.GetValue(file)!));
            r.InvocationConfiguration.Output.WriteLine($"merged {r.GetValue(parts)!.Length} parts, {n} vectors into {r.GetValue(file)}");
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static T ReadOrUsage<T>(Func<T> read)
    {
        try { return read(); }
        catch (MxvFormatException e) { throw new UsageException(e.Message); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    /// <summary>
    /// The command line for the header, without <c>--threads N</c>: the thread count does not change the vectors, so it
    /// must not change the file's bytes either.
    /// </summary>
    private static string RecordedCommand(List<string> tokens)
    {
        for (int i = tokens.Count - 1; i >= 0; i--)
        {
            if (tokens[i] == "--threads") tokens.RemoveRange(i, Math.Min(2, tokens.Count - i));
            else if (tokens[i].StartsWith("--threads=", StringComparison.Ordinal) || tokens[i].StartsWith("--threads:", StringComparison.Ordinal)) tokens.RemoveAt(i);
        }
        return "mxref " + string.Join(' ', tokens.Select(Quote));
    }

    private static string Quote(string s) => s.Length > 0 && s.All(ch => char.IsAsciiLetterOrDigit(ch) || "-_./:,=+@".Contains(ch)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
