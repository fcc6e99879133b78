using System.CommandLine;
using MxRef.Harness.Options;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Generation.Regen;
using MxRef.Vectors.Generation.Decode;
using MxRef.Vectors.Operations;

namespace MxRef.Harness.Commands;

/// <summary>
/// <c>mxref vectors gen|make|stats|check|merge</c>: test-vector files (docs/vector-format.md, docs/vectors.md). Parses
/// options and prints; the work is the vectors library's (<see cref="GenerationRun"/>, <see cref="QuantizeRun"/>,
/// <see cref="MxvMake"/>, <see cref="MxvStats"/>, <see cref="MxvCheck"/>, <see cref="MxvMerge"/>).
/// </summary>
public static class VectorsCommand
{
    public static Command Create()
    {
        var cmd = new Command("vectors", "Generate, measure and check .mxv test-vector files (docs/vectors.md, docs/vector-format.md).");
        cmd.Add(Gen());
        cmd.Add(Make());
        cmd.Add(Stats());
        cmd.Add(Check());
        cmd.Add(Merge());
        return cmd;
    }

    private static Command Gen()
    {
        var op = new Option<string>("--op") { Description = "Operation: dot (default), quantize (FP32 blocks to MX blocks; --a gives the element formats) regen (DropBack regenerated blocks, docs/dropback.md; --a, -k, --recipe, --max-terms) decode (a decode unit's blocks: --a, -r, -k, --out, --block-format, --profile) or quantize-bdr (FP32 blocks to MX9/MX6/MX4 blocks with microexponents: --block-format, -r, the policy options, or --recipe ocp).", DefaultValueFactory = _ => "dot" };
        var maxTerms = new Option<int>("--max-terms") { Description = "regen: the largest number of draws per weight (1: uniform initializers only, default; up to 16: Irwin-Hall too).", DefaultValueFactory = _ => 1 };
        var generator = GeneratorOptionSet.ForFiles();
        var policy = new QuantizationPolicyOptionSet(appliesTo: "quantize");
        var recipe = new Option<string?>("--recipe") { Description = "quantize: the conformance corner classes of a named recipe (mxref recipes list) instead of the policy options; with --random, --count random blocks after them. regen: the recipe that quantizes the blocks (default ocp)." };
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
        cmd.Add(maxTerms);
        cmd.SetAction(r =>
        {
            if (r.GetValue(op) == "regen")
                return Regen(r, generator, recipe, maxTerms, threads, json, file);
            if (r.GetValue(op) == "decode")
                return Decode(r, generator, json, file);
            if (r.GetValue(op) == MxvHeader.OpQuantizeBdr)
                return QuantizeBdr(r, generator, policy, recipe, json, file);
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
            if (r.GetValue(op) != "dot") throw new UsageException($"--op '{r.GetValue(op)}': valid: {string.Join(", ", MxvHeader.Ops)}");
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

    /// <summary><c>vectors gen --op decode</c>: decode-unit vectors (vectors/Generation/Decode).</summary>
    private static int Decode(ParseResult r, GeneratorOptionSet generator, Option<bool> json, Option<string> file)
    {
        if (r.GetValue(generator.Exhaustive)) throw new UsageException("--exhaustive is for --op dot; decode runs take --corners and --random");
        bool corners = r.GetValue(generator.Corners), random = r.GetValue(generator.Random);
        if (!corners && !random) corners = random = true;
        var formats = CliParse.ElementFormats(r.GetValue(generator.FormatsA)!, "--a");
        var scale = StandardFormats.E8M0;
        int k = generator.Block is null ? 32 : r.GetValue(generator.Block);
        if (generator.BlockFormat is not null && r.GetValue(generator.BlockFormat) is { } name)
        {
            var f = CliParse.BlockFormat(name, "--block-format");
            if (f.Microexponent is not null) throw new UsageException($"--block-format {f.Name}: decode vectors cover block formats with one scale level");
            (formats, scale) = ([f.Element], f.Scale);
            if (r.GetResult(generator.Block!) is null or { Implicit: true }) k = f.BlockSize;
        }
        var output = generator.BindOneOutput(r, "decode vectors");
        var (shard, shards) = generator.BindShard(r);
        var profile = generator.BindProfile(r) ?? MxRef.Dot.ImplementationProfile.Default;
        if (MxRef.Dot.MxDecode.CheckProfile(profile) is { } profileError) throw new UsageException("--profile: " + profileError);
        DecodeVectorGenerator gen;
        try
        {
            gen = new DecodeVectorGenerator(new DecodeGeneratorOptions
            {
                Formats = formats, Modes = CliParse.VectorRoundingModes(r.GetValue(generator.Rounding)!), Block = k, Output = output, Scale = scale, Profile = profile,
                Seed = CliParse.Seed(r.GetValue(generator.Seed)!), Count = r.GetValue(generator.Count), Corners = corners, Random = random,
                ShardIndex = shard, ShardCount = shards,
            });
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var path = r.GetValue(file)!;
        var coverage = DecodeRun.Write(gen, gen.Header(RecordedCommand(r.Tokens.Select(t => t.Value).ToList())), path);
        r.InvocationConfiguration.Output.Write(r.GetValue(json) ? coverage.ToJson() : $"wrote {coverage.Vectors} decode vectors to {path}\n" + coverage.ToText());
        return Cli.ExitOk;
    }

    /// <summary>
    /// <c>vectors gen --op quantize-bdr</c>: shared-microexponent quantize vectors of one block format
    /// (vectors/Generation/Quantize/BdrQuantizeGenerator); with <c>--recipe</c>, that recipe's conformance file.
    /// </summary>
    private static int QuantizeBdr(ParseResult r, GeneratorOptionSet generator, QuantizationPolicyOptionSet policy, Option<string?> recipe, Option<bool> json, Option<string> file)
    {
        if (r.GetValue(generator.Exhaustive)) throw new UsageException("--exhaustive is for --op dot; quantize-bdr runs take --corners and --random");
        if (generator.BlockFormat is null || r.GetValue(generator.BlockFormat) is not { } name)
            throw new UsageException("--op quantize-bdr needs --block-format: mx9, mx6, mx4 or bdr-K1-D1-K2-D2-M");
        var format = CliParse.BlockFormat(name, "--block-format");
        if (BdrQuantizeLine.Unsupported(format) is { } why) throw new UsageException($"--block-format {format.Name}: {why}");
        var path = r.GetValue(file)!;
        var stdout = r.InvocationConfiguration.Output;
        long count = r.GetValue(generator.Count);
        if (r.GetValue(recipe) is { } recipeName)
        {
            var named = RecipesCommand.Parse(recipeName);
            if (named.WhyNot(format) is { } not) throw new UsageException(not);
            long random = r.GetValue(generator.Random) ? count : 0;
            ConformanceFile written;
            try
            {
                written = ConformanceSet.WriteBdr(path, named, format, CliParse.Seed(r.GetValue(generator.Seed)!),
                    $"mxref vectors gen --op quantize-bdr --block-format {format.Name} --recipe {named.Name} --seed {r.GetValue(generator.Seed)}" + (random > 0 ? $" --random --count {random}" : ""), random);
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            stdout.WriteLine($"wrote {written.Count} quantize-bdr vectors ({named.Name}: {format.Name}) to {path}");
            foreach (var (cls, n) in written.PerClass) stdout.WriteLine($"  {cls,-20} {n}");
            return Cli.ExitOk;
        }
        bool corners = r.GetValue(generator.Corners), randomSet = r.GetValue(generator.Random);
        if (!corners && !randomSet) corners = randomSet = true;
        var (shard, shards) = generator.BindShard(r);
        BdrQuantizeGenerator gen;
        try
        {
            gen = new BdrQuantizeGenerator(new BdrQuantizeGeneratorOptions
            {
                Format = format, Modes = CliParse.VectorRoundingModes(r.GetValue(generator.Rounding)!), Policy = policy.Bind(r),
                Seed = CliParse.Seed(r.GetValue(generator.Seed)!), Count = count, Corners = corners, Random = randomSet,
                ShardIndex = shard, ShardCount = shards,
            });
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var coverage = BdrQuantizeRun.Write(gen, gen.Header(RecordedCommand(r.Tokens.Select(t => t.Value).ToList())), path);
        stdout.Write(r.GetValue(json) ? coverage.ToJson() : $"wrote {coverage.Vectors} quantize-bdr vectors ({format.Name}) to {path}\n" + coverage.ToText());
        return Cli.ExitOk;
    }

    /// <summary><c>vectors gen --op regen</c>: DropBack regeneration vectors (vectors/Generation/Regen).</summary>
    private static int Regen(ParseResult r, GeneratorOptionSet generator, Option<string?> recipe, Option<int> maxTerms, Option<int> threads, Option<bool> json, Option<string> file)
    {
        if (r.GetValue(generator.Exhaustive)) throw new UsageException("--exhaustive is for --op dot; regen runs take --corners and --random");
        bool corners = r.GetValue(generator.Corners), random = r.GetValue(generator.Random);
        if (!corners && !random) corners = random = true;
        int k = generator.Block is null ? 32 : r.GetValue(generator.Block);
        var (shard, shards) = generator.BindShard(r);
        var formats = CliParse.ElementFormatCodes(r.GetValue(generator.FormatsA)!, "--a")
            .Select(c => BlockFormat.TryParse($"{StandardFormats.Elements[c].Name}/k{k}/e8m0")
                ?? throw new UsageException($"-k {k}: not a block size of {StandardFormats.Elements[c].Name}")).ToList();
        var named = r.GetValue(recipe) is { } name ? RecipesCommand.Parse(name) : Recipe.Ocp;
        RegenVectorGenerator gen;
        try
        {
            gen = new RegenVectorGenerator(new RegenGeneratorOptions
            {
                Formats = formats, Recipe = named, MaxTerms = r.GetValue(maxTerms), Seed = CliParse.Seed(r.GetValue(generator.Seed)!),
                Count = r.GetValue(generator.Count), Corners = corners, Random = random, ShardIndex = shard, ShardCount = shards,
            });
        }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var path = r.GetValue(file)!;
        var coverage = RegenRun.Write(gen, gen.Header(RecordedCommand(r.Tokens.Select(t => t.Value).ToList())), path, r.GetValue(threads));
        r.InvocationConfiguration.Output.Write(r.GetValue(json) ? coverage.ToJson() : $"wrote {coverage.Vectors} regen vectors to {path}\n" + coverage.ToText());
        return Cli.ExitOk;
    }

    private static Command Make()
    {
        var input = new Argument<string>("INPUT") { Description = "Input lines (a file, or - for standard input; default -).", DefaultValueFactory = _ => "-" };
        var op = new Option<string>("--op") { Description = "dot (default): lines 'FA FB RM SA A SB B C' as mxref dot reads them; quantize: lines 'FMT RM V'.", DefaultValueFactory = _ => "dot" };
        var block = new Option<int>("--block", "-k") { Description = "Block size k (default 32; a named --format sets its own unless -k is given).", DefaultValueFactory = _ => 32 };
        var output = new Option<string>("--out") { Description = "dot: output format of D: fp32 (default), bf16, fp16.", DefaultValueFactory = _ => "fp32" };
        var acc = new Option<string>("--acc") { Description = "dot: accumulation model: " + MxRef.Dot.AccumulationModel.ValidNames + " (default fused).", DefaultValueFactory = _ => "fused" };
        var profile = new Option<string?>("--profile") { Description = "dot: implementation profile, name=value,... or a JSON profile file (docs/semantics.md)." };
        var format = new Option<string?>("--format", "--block-format") { Description = "dot: block format of the operands (e.g. nvfp4); default OCP MX with E8M0 scales. Valid: " + MxRef.Formats.BlockFormat.ValidNames + "." };
        var policy = new QuantizationPolicyOptionSet(appliesTo: "quantize");
        var file = new Option<string>("--output", "-o") { Description = "Output .mxv file (written atomically).", Required = true };
        var cmd = new Command("make",
            "Directed vectors: read input lines, compute the expected outputs with the golden model (--acc, --profile, --out,\n" +
            "-k, --format; quantize: the policy options) and write a complete .mxv file with header and trailer. Blank lines\n" +
            "are skipped; # and // start comments (whole-line comments are kept in the file). Exit 2 names the bad line and field.\n" +
            "Example: printf '0 0 0 7f 38 7f 40 3f800000  # 1*2+1\\n' | mxref vectors make -k 1 -o one.mxv")
        {
            input, op, block, output, acc, profile, format, file,
        };
        policy.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var blockFormat = r.GetValue(format) is { } name ? CliParse.BlockFormat(name, "--format") : null;
            bool kGiven = r.GetResult(block) is { Implicit: false };
            int k = blockFormat is not null && !kGiven ? blockFormat.BlockSize : r.GetValue(block);
            if (k is < 1 or > 4096) throw new UsageException($"--block must be 1..4096, got {k}");
            var outFormat = CliParse.Format(r.GetValue(output)!, "--out");
            if (!MxRef.Formats.StandardFormats.Outputs.Contains(outFormat)) throw new UsageException($"--out must be one of fp32, bf16, fp16 (got '{r.GetValue(output)}')");
            var model = MxRef.Dot.AccumulationModel.TryParse(r.GetValue(acc)!) ?? throw new UsageException($"unknown accumulation model '{r.GetValue(acc)}' for --acc; valid: {MxRef.Dot.AccumulationModel.ValidNames}");
            var o = new MxvMakeOptions
            {
                Op = r.GetValue(op)!, Block = k, Output = outFormat, Model = model, Profile = CliParse.Profile(r.GetValue(profile)),
                BlockFormat = blockFormat, Policy = policy.Bind(r), Command = RecordedCommand(r.Tokens.Select(t => t.Value).ToList()),
            };
            if (o.Op is not ("dot" or "quantize")) throw new UsageException($"--op '{o.Op}': valid: dot, quantize");
            if (blockFormat is { Microexponent: not null }) throw new UsageException($"--format {blockFormat.Name}: a shared-microexponent format has no dot line layout");
            string path = r.GetValue(input)!;
            if (path != "-" && !File.Exists(path)) throw new UsageException($"input '{path}' does not exist");
            var reader = path == "-" ? Console.In : new StreamReader(path);
            long n;
            try { n = ReadOrUsage(() => MxvMake.Write(reader, path == "-" ? "<stdin>" : path, r.GetValue(file)!, o)); }
            finally { if (path != "-") reader.Dispose(); }
            r.InvocationConfiguration.Output.WriteLine($"wrote {n} {o.Op} vectors to {r.GetValue(file)}");
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
                var fileOp = ReadOrUsage(() => MxvReader.ReadHeader(path)).Op;
                if (fileOp == MxvHeader.OpDecode)
                {
                    var decode = ReadOrUsage(() => DecodeRun.Stats(path));
                    stdout.Write(asJson ? decode.ToJson() : $"{path}:\n" + decode.ToText());
                    continue;
                }
                if (fileOp == MxvHeader.OpQuantizeBdr)
                {
                    var bdrQuantize = ReadOrUsage(() => BdrQuantizeRun.Stats(path));
                    stdout.Write(asJson ? bdrQuantize.ToJson() : $"{path}:\n" + bdrQuantize.ToText());
                    continue;
                }
                if (fileOp == MxvHeader.OpRegen)
                {
                    var regen = ReadOrUsage(() => MxvStats.Regen(path));
                    stdout.Write(asJson ? regen.ToJson() : $"{path}:\n" + regen.ToText());
                    continue;
                }
                if (fileOp == MxvHeader.OpQuantize)
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
            "Recompute every expected value with the golden model (the header's output format, accumulation model and\n" +
            "profile) and report the lines that differ, with their fields decoded and classified (which part differs, which\n" +
            "single profile knob explains it). Exit 0 all agree, 1 differences, 2 malformed input.") { files, max };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            bool differ = false;
            foreach (var path in r.GetValue(files)!)
            {
                var result = ReadOrUsage(() => MxvCheck.File(path, r.GetValue(max), d => stdout.WriteLine(d.Description)));
                stdout.WriteLine(result.Summary);
                if (result.Classes.Count > 0) stdout.Write($"{path}: differences by class (the file's value as the actual result):\n{result.ClassTable}");
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
