using System.CommandLine;
using System.Globalization;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Quantization;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Commands;

/// <summary><c>mxref vectors gen|stats|check</c>: test-vector files (docs/vector-format.md, docs/vectors.md).</summary>
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
        var scaleRule = new Option<string>("--scale-rule") { Description = "quantize: floor (default, OCP) or ceil.", DefaultValueFactory = _ => "floor" };
        var specials = new Option<string>("--specials") { Description = "quantize: nan-scale (default), preserve, saturate.", DefaultValueFactory = _ => "nan-scale" };
        var int8 = new Option<string>("--int8") { Description = "quantize: symmetric (default) or full.", DefaultValueFactory = _ => "symmetric" };
        var flush = new Option<bool>("--flush-subnormal-inputs") { Description = "quantize: FP32 subnormal inputs become zeros." };
        var fa = new Option<string>("--a") { Description = "A element formats: comma list of e4m3,e5m2,e3m2,e2m3,e2m1,int8 or 'all' (default).", DefaultValueFactory = _ => "all" };
        var fb = new Option<string>("--b") { Description = "B element formats (as --a).", DefaultValueFactory = _ => "all" };
        var rounding = new Option<string>("--rounding", "-r") { Description = "Rounding modes: comma list of rne,rtz,rdn,rup,rna,rto or 'all' (default).", DefaultValueFactory = _ => "all" };
        var block = new Option<int>("--block", "-k") { Description = "Block size k (default 32).", DefaultValueFactory = _ => 32 };
        var output = new Option<string>("--out") { Description = "Output format of D: fp32 (default), bf16, fp16.", DefaultValueFactory = _ => "fp32" };
        var acc = new Option<string>("--acc") { Description = "Accumulation model: " + AccumulationModel.ValidNames + " (default fused).", DefaultValueFactory = _ => "fused" };
        var count = new Option<long>("--count", "-n") { Description = "Number of weighted-random vectors (default 100000).", DefaultValueFactory = _ => 100000 };
        var seed = new Option<string>("--seed", "-s") { Description = "Seed (decimal or 0x hex, 64 bits; default 1).", DefaultValueFactory = _ => "1" };
        var corners = new Option<bool>("--corners") { Description = "Deterministic corner cases per class, crossed over every format pair and mode." };
        var random = new Option<bool>("--random") { Description = "Weighted random vectors (TestFloat style)." };
        var exhaustive = new Option<bool>("--exhaustive") { Description = "Every code combination of the block (k*(wA+wB) <= 24 bits, e.g. -k 1)." };
        var blockFormat = new Option<string?>("--block-format") { Description = "Dot vectors of one block format (e.g. nvfp4: e2m1 elements, k = 16, UE4M3 scales); sets --a, --b and -k. Valid: " + BlockFormat.ValidNames + "." };
        var shard = new Option<string?>("--shard") { Description = "I/N: write only part I (0-based) of N disjoint parts of the run." };
        var threads = new Option<int>("--threads") { Description = "Worker threads (default: all cores). The output does not depend on it.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print the coverage summary as JSON." };
        var file = new Option<string>("--output", "-o") { Description = "Output .mxv file (written atomically).", Required = true };
        var cmd = new Command("gen",
            "Generate dot-product test vectors into an .mxv file and print the coverage summary. Without --corners,\n" +
            "--random or --exhaustive: --corners --random. Deterministic: the same options and seed give the same bytes.\n" +
            "Example: mxref vectors gen --a e4m3 --b e4m3 -r all --count 100000 --seed 7 --corners --random -o e4m3.mxv")
        {
            op, fa, fb, rounding, block, output, acc, count, seed, corners, random, exhaustive, shard, threads, json, file, blockFormat,
            scaleRule, specials, int8, flush,
        };
        cmd.SetAction(r =>
        {
            if (r.GetValue(op) == "quantize")
            {
                if (r.GetValue(exhaustive)) throw new UsageException("--exhaustive is for --op dot; quantize runs take --corners and --random");
                var policy = new QuantizationPolicy
                {
                    ScaleRule = PolicyNames.ParseScaleRule(r.GetValue(scaleRule)!) ?? throw new UsageException($"unknown --scale-rule '{r.GetValue(scaleRule)}'; valid: floor, ceil"),
                    Specials = PolicyNames.ParseSpecials(r.GetValue(specials)!) ?? throw new UsageException($"unknown --specials '{r.GetValue(specials)}'; valid: nan-scale, preserve, saturate"),
                    IntegerRange = PolicyNames.ParseIntegerRange(r.GetValue(int8)!) ?? throw new UsageException($"unknown --int8 '{r.GetValue(int8)}'; valid: symmetric, full"),
                    FlushSubnormalInputs = r.GetValue(flush),
                };
                bool qc = r.GetValue(corners), qr = r.GetValue(random);
                if (!qc && !qr) qc = qr = true;
                var (qi, qn) = ParseShard(r.GetValue(shard));
                QuantizeVectorGenerator qgen;
                try
                {
                    qgen = new QuantizeVectorGenerator(new QuantizeGeneratorOptions
                    {
                        Formats = Formats(r.GetValue(fa)!, "--a"), Modes = Modes(r.GetValue(rounding)!), Block = r.GetValue(block), Policy = policy,
                        Seed = ParseSeed(r.GetValue(seed)!), Count = r.GetValue(count), Corners = qc, Random = qr, ShardIndex = qi, ShardCount = qn,
                    });
                }
                catch (ArgumentException e) { throw new UsageException(e.Message); }
                long n = WriteQuantize(qgen, qgen.Header(RecordedCommand(r.Tokens.Select(t => t.Value).ToList())), r.GetValue(file)!);
                var summary = QuantizeStatsOf(r.GetValue(file)!, r.GetValue(json));
                r.InvocationConfiguration.Output.Write(r.GetValue(json) ? summary : $"wrote {n} quantize vectors to {r.GetValue(file)}\n" + summary);
                return Cli.ExitOk;
            }
            if (r.GetValue(op) != "dot") throw new UsageException($"--op '{r.GetValue(op)}': valid: dot, quantize");
            var outFormat = CliParse.Format(r.GetValue(output)!, "--out");
            var model = AccumulationModel.TryParse(r.GetValue(acc)!) ?? throw new UsageException($"unknown accumulation model '{r.GetValue(acc)}' for --acc; valid: {AccumulationModel.ValidNames}");
            bool c = r.GetValue(corners), rnd = r.GetValue(random), ex = r.GetValue(exhaustive);
            if (!c && !rnd && !ex) c = rnd = true;
            var (si, sn) = ParseShard(r.GetValue(shard));
            var options = new DotGeneratorOptions
            {
                FormatsA = ElementFormats(r.GetValue(fa)!, "--a"), FormatsB = ElementFormats(r.GetValue(fb)!, "--b"), Modes = Modes(r.GetValue(rounding)!),
                Block = r.GetValue(block), Output = outFormat, Model = model, Seed = ParseSeed(r.GetValue(seed)!), Count = r.GetValue(count),
                Corners = c, Random = rnd, Exhaustive = ex, ShardIndex = si, ShardCount = sn,
            };
            if (r.GetValue(blockFormat) is { } bfName) options = options.ForBlockFormat(CliParse.BlockFormat(bfName, "--block-format"));
            if (options.Validate() is { } problem) throw new UsageException(problem);
            var gen = new DotVectorGenerator(options);
            var header = gen.Header(RecordedCommand(r.Tokens.Select(t => t.Value).ToList()));
            var err = r.InvocationConfiguration.Error;
            long vectors = gen.ShardEnd - gen.ShardStart;
            var report = GenerationRun.Write(gen, header, r.GetValue(file)!, r.GetValue(threads), vectors >= 2_000_000 ? err : null);
            var stdout = r.InvocationConfiguration.Output;
            stdout.Write(r.GetValue(json) ? report.ToJson() + "\n" : $"wrote {vectors} vectors to {r.GetValue(file)}\n" + report.ToText());
            return Cli.ExitOk;
        });
        return cmd;
    }

    /// <summary>Writes a quantize run (sequentially: quantize vectors are few and cheap) with section comments.</summary>
    public static long WriteQuantize(QuantizeVectorGenerator gen, MxvHeader header, string path)
    {
        using var writer = MxvWriter.Create(path, header);
        var q = new QuantizeVector(gen.Options.Block);
        foreach (var section in gen.Sections)
        {
            long start = Math.Max(section.Start, gen.ShardStart), end = Math.Min(section.End, gen.ShardEnd);
            if (end <= start) continue;
            writer.WriteComment("class: " + section.Name);
            for (long i = start; i < end; i++)
            {
                gen.Generate(i, q);
                writer.WriteQuantize(q);
            }
        }
        writer.Commit();
        return writer.Count;
    }

    private static Command Stats()
    {
        var files = new Argument<string[]>("FILE") { Description = ".mxv files.", Arity = ArgumentArity.OneOrMore };
        var json = new Option<bool>("--json") { Description = "Print JSON." };
        var cmd = new Command("stats", "Count the vectors of each coverage class (classified from the exact values) and list the classes never hit.") { files, json };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            foreach (var path in r.GetValue(files)!)
            {
                if (ReadOrUsage(() => MxvReader.ReadHeader(path)).Op == MxvHeader.OpQuantize)
                {
                    var text = ReadOrUsage(() => QuantizeStatsOf(path, r.GetValue(json)));
                    stdout.Write(r.GetValue(json) ? text : $"{path}:\n" + text);
                    continue;
                }
                var report = ReadOrUsage(() => StatsOf(path));
                stdout.Write(r.GetValue(json) ? report.ToJson() + "\n" : $"{path}:\n" + report.ToText());
            }
            return Cli.ExitOk;
        });
        return cmd;
    }

    /// <summary>The coverage of a file; the expected classes follow the formats and modes its header lists.</summary>
    public static CoverageReport StatsOf(string path)
    {
        using var reader = MxvReader.Open(path);
        var h = reader.Header;
        RequireDot(h, path);
        var all = StandardFormats.Elements;
        var report = new CoverageReport(CoverageReport.ExpectedFor(
            h.FormatsA?.Select(n => StandardFormats.TryParse(n)!).ToArray() ?? all,
            h.FormatsB?.Select(n => StandardFormats.TryParse(n)!).ToArray() ?? all,
            h.Rounding?.Select(n => RoundingModes.TryParse(n)!.Value).ToArray() ?? RoundingModes.Deterministic, h.Scales, h.Block, h.OutputFormat));
        var counters = CoverageReport.NewCounters();
        var classifier = new DotClassifier(h.OutputFormat);
        var v = new DotVector(h.Block);
        long n = 0;
        while (reader.ReadNext(v)) { classifier.Classify(v, counters); n++; }
        report.Add(counters, n);
        return report;
    }

    /// <summary>The coverage report of a quantize file (expected classes from the header's formats and modes).</summary>
    public static string QuantizeStatsOf(string path, bool json)
    {
        using var reader = MxvReader.Open(path);
        var h = reader.Header;
        var formats = h.FormatsA?.Select(n => StandardFormats.ElementCode(StandardFormats.TryParse(n)!)).ToArray() ?? Enumerable.Range(0, StandardFormats.Elements.Count).ToArray();
        var modes = h.Rounding?.Select(n => RoundingModes.TryParse(n)!.Value).ToArray() ?? RoundingModes.Deterministic.ToArray();
        var counts = new long[QuantizeClassifier.Count];
        var classifier = new QuantizeClassifier();
        var q = new QuantizeVector(h.Block);
        long n = 0;
        while (reader.ReadNext(q)) { classifier.Classify(q, counts); n++; }
        return QuantizeClassifier.Report(counts, n, QuantizeClassifier.Expected(formats, modes), json);
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
                differ |= ReadOrUsage(() => CheckFile(path, stdout, r.GetValue(max))) > 0;
            return differ ? Cli.ExitMismatch : Cli.ExitOk;
        });
        return cmd;
    }

    /// <summary>Checks one file; prints differences and a summary line; returns the number of differing vectors.</summary>
    public static long CheckFile(string path, TextWriter output, int maxReport)
    {
        using var reader = MxvReader.Open(path);
        var h = reader.Header;
        if (h.Op == MxvHeader.OpQuantize) return CheckQuantize(reader, path, output, maxReport);
        var outFormat = h.OutputFormat;
        var model = h.Model;
        var v = new DotVector(h.Block);
        long differences = 0;
        while (reader.ReadNext(v))
        {
            var res = v.Evaluate(outFormat, model);
            if (res.Bits == v.D && (byte)res.Flags == v.Flags) continue;
            if (++differences <= maxReport) output.WriteLine(Describe(path, reader.LineNumber, v, res, outFormat));
        }
        output.WriteLine($"{path}: {reader.Count} vectors, {differences} differ{(differences > maxReport ? $" (first {maxReport} shown)" : "")}");
        return differences;
    }

    private static long CheckQuantize(MxvReader reader, string path, TextWriter output, int maxReport)
    {
        QuantizationPolicy policy;
        try { policy = QuantizePolicyText.Parse(reader.Header.Quantization); }
        catch (FormatException e) { throw new MxvFormatException(path, 1, "header.quantization", e.Message); }
        var q = new QuantizeVector(reader.Header.Block);
        long differences = 0;
        while (reader.ReadNext(q))
        {
            var (scale, codes) = q.Evaluate(policy);
            bool same = scale == q.Scale;
            for (int i = 0; i < q.K && same; i++) same = codes[i] == q.P[i];
            if (same || ++differences > maxReport) continue;
            var f = StandardFormats.Elements[q.Format];
            output.WriteLine($"{path}:{reader.LineNumber}: file S={q.Scale:x2} P=[{string.Join(' ', q.P.Select(c => Codec.Show(f, c)))}], " +
                             $"golden S={scale:x2} P=[{string.Join(' ', codes.Select(c => Codec.Show(f, c)))}]\n" +
                             $"  FMT={f.Name} RM={((RoundingMode)q.Rounding).ShortName()} V=[{string.Join(' ', q.V.Select(x => Codec.Show(StandardFormats.Fp32, x)))}]");
        }
        output.WriteLine($"{path}: {reader.Count} vectors, {differences} differ{(differences > maxReport ? $" (first {maxReport} shown)" : "")}");
        return differences;
    }

    private static string Describe(string path, long line, DotVector v, DotResult res, NumberFormat o)
    {
        var ea = v.FormatA; var eb = v.FormatB;
        string Els(byte[] codes, NumberFormat f) => string.Join(' ', codes.Select(x => Codec.Show(f, x)));
        string digits = "x" + DotLine.ResultDigits(o);
        return $"{path}:{line}: file D={v.D.ToString(digits)} ({Codec.Show(o, v.D)}) FLAGS={v.Flags:x2} ({ExceptionFlagNames.Format((ExceptionFlags)v.Flags)}), " +
               $"golden D={res.Bits.ToString(digits)} ({Codec.Show(o, res.Bits)}) FLAGS={(byte)res.Flags:x2} ({ExceptionFlagNames.Format(res.Flags)})\n" +
               $"  FA={ea.Name} FB={eb.Name} RM={v.Rounding.ShortName()} SA={v.ScaleA:x2} ({v.Scales.Show(v.ScaleA)}) " +
               $"SB={v.ScaleB:x2} ({v.Scales.Show(v.ScaleB)}) C={v.C:x8} ({Codec.Show(StandardFormats.Fp32, v.C)})\n" +
               $"  A=[{Els(v.A, ea)}]\n  B=[{Els(v.B, eb)}]";
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
            long n = ReadOrUsage(() => MergeShards(r.GetValue(parts)!, r.GetValue(file)!));
            r.InvocationConfiguration.Output.WriteLine($"merged {r.GetValue(parts)!.Length} parts, {n} vectors into {r.GetValue(file)}");
            return Cli.ExitOk;
        });
        return cmd;
    }

    /// <summary>Validates and joins shards; returns the number of vectors written.</summary>
    public static long MergeShards(IReadOnlyList<string> paths, string output)
    {
        var headers = paths.Select(MxvReader.ReadHeader).ToArray();
        var first = headers[0] with { Shard = null, Command = null };
        for (int i = 0; i < headers.Length; i++)
        {
            if (headers[i].Shard != $"{i}/{paths.Count}")
                throw new UsageException($"{paths[i]}:1: header.shard: expected shard {i}/{paths.Count}, found '{headers[i].Shard ?? "none"}' (give the parts in order, all of them)");
            if ((headers[i] with { Shard = null, Command = null }).ToLine() != first.ToLine())
                throw new UsageException($"{paths[i]}:1: header: not a shard of the same run as {paths[0]} (options or seed differ)");
        }
        using var writer = MxvWriter.Create(output, first with { Command = $"mxref vectors merge of {paths.Count} shards" });
        var ascii = System.Text.Encoding.ASCII;
        foreach (var path in paths)
        {
            using var reader = MxvReader.Open(path);
            var v = new DotVector(reader.Header.Block);
            while (reader.NextDataLine(out var line))
            {
                try { DotLine.Parse(line, v, withExpected: true, reader.Header.OutputFormat); }
                catch (FieldException e) { throw new MxvFormatException(path, reader.LineNumber, e.Field, e.Message); }
                writer.WriteDataLines(ascii.GetBytes(line + "\n"), 1);
            }
        }
        writer.Commit();
        return writer.Count;
    }

    private static void RequireDot(MxvHeader h, string path)
    {
        if (h.Op != MxvHeader.OpDot)
            throw new UsageException($"{path}:1: header.op: '{h.Op}' files have no coverage classes yet ('vectors check' checks them); dot files only");
    }

    private static T ReadOrUsage<T>(Func<T> read)
    {
        try { return read(); }
        catch (MxvFormatException e) { throw new UsageException(e.Message); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    /// <summary>Element formats named in an option (<c>all</c> or a comma list).</summary>
    internal static NumberFormat[] ElementFormats(string text, string option) =>
        Formats(text, option).Select(i => StandardFormats.Elements[i]).ToArray();

    internal static int[] Formats(string text, string option)
    {
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return Enumerable.Range(0, StandardFormats.Elements.Count).ToArray();
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => StandardFormats.ElementCode(CliParse.ElementFormat(n, option))).Distinct().ToArray();
    }

    internal static RoundingMode[] Modes(string text)
    {
        if (text.Trim().Equals("all", StringComparison.OrdinalIgnoreCase)) return RoundingModes.Deterministic.ToArray();
        var modes = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(n => CliParse.Rounding(n)).Distinct().ToArray();
        if (modes.Contains(RoundingMode.Stochastic)) throw new UsageException("--rounding sr has no vector code; use rne, rtz, rdn, rup, rna, rto or all");
        return modes;
    }

    private static (int, int) ParseShard(string? text)
    {
        if (text is null) return (0, 1);
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1 && i < n)
            return (i, n);
        throw new UsageException($"--shard '{text}' must be I/N with 0 <= I < N, e.g. 0/4");
    }

    internal static ulong ParseSeed(string text)
    {
        var t = text.Trim();
        bool ok = t.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong seed)
            : ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out seed);
        return ok ? seed : throw new UsageException($"--seed '{text}' is not a 64-bit unsigned number (decimal or 0x hex)");
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
