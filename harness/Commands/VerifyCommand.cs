using System.CommandLine;
using System.Globalization;
using MxRef.Harness.Mutation;
using MxRef.Harness.Options;
using MxRef.Harness.Verify;
using MxRef.Vectors.Generation;

namespace MxRef.Harness.Commands;

/// <summary><c>mxref verify</c>: build RTL with Verilator and compare it with the golden model (docs/verify.md).</summary>
public static class VerifyCommand
{
    /// <summary>The sources of a file list (paths relative to the list resolved); its Verilator options are dropped.</summary>
    public static IReadOnlyList<string> FileListSources(string path)
    {
        var sources = new List<string>();
        ReadFilelist(path, sources, []);
        return sources;
    }

    public static Command Create()
    {
        var dut = new Option<string?>("--dut") { Description = "A description file (JSON) of a dot-product unit with its own interface: ports, reset, lanes, codes, flags, latency, handshake, beats. The bench is generated from it, no wrapper (docs/verify.md, \"Verifying your own unit\"); module, parameters and K come from it." };
        var stallRate = new Option<double?>("--stall-rate") { Description = "With --dut: probability per clock of an input stall and of output back-pressure, in [0, 1) (default: the description's handshake.stall_rate)." };
        var stallSeed = new Option<int?>("--stall-seed") { Description = "With --dut: seed of the stall pattern (default: the description's handshake.seed)." };
        var rtl = new Option<string[]>("--rtl") { Description = "RTL source files, package files first (default: the unit's file list, rtl/mx_dot.f, rtl/mx_quant.f or rtl/mx_regen.f).", AllowMultipleArgumentsPerToken = true };
        var filelist = new Option<string?>("--filelist") { Description = "A file listing RTL sources, one per line (paths and +incdir+ relative to the list; -f OTHER.f includes another list, its paths relative to it; # and // comments; other lines starting with - or + are Verilator options)." };
        var top = new Option<string?>("--top") { Description = "Top module (default: the unit's own design, mx_dot, mx_quant or mx_regen)." };
        var param = new Option<string[]>("--param") { Description = "Top-level parameter NAME=VALUE (repeatable); K sets the block size (default 32).", AllowMultipleArgumentsPerToken = true };
        var vflag = new Option<string[]>("--verilator-flag") { Description = "Extra Verilator option (repeatable), e.g. --verilator-flag=-Wno-fatal." };
        var vectors = new Option<string[]>("--vectors") { Description = ".mxv vector files (instead of generated vectors).", AllowMultipleArgumentsPerToken = true };
        var line = new Option<long?>("--line") { Description = "Run only the data line with this line number of the (single) --vectors file (a mismatch's re-run)." };
        var index = new Option<long?>("--index") { Description = "Run only generated vector number INDEX of the run (a mismatch's re-run)." };
        var generator = GeneratorOptionSet.ForDesign();
        var units = new VerifyUnits();
        var jobs = new Option<int>("--jobs", "-j") { Description = "Simulation processes side by side (default 1).", DefaultValueFactory = _ => 1 };
        var maxMismatches = new Option<int>("--max-mismatches") { Description = "Mismatches printed in full (default 10); every mismatch is still counted and classified.", DefaultValueFactory = _ => 10 };
        var stopAfter = new Option<int?>("--stop-after") { Description = "Stop the run after this many mismatches (default: compare every vector)." };
        var examples = new Option<int>("--examples-per-class") { Description = "Examples kept per mismatch class in the JSON and JUnit reports (default 3).", DefaultValueFactory = _ => 3 };
        var waive = new Option<string[]>("--waive") { Description = "Accept a mismatch class: CLASS[:reason] (repeatable), e.g. --waive 'zero-sign=c-passthrough:C passes through by design'. Waived classes are reported but do not fail the run." };
        var waiverFile = new Option<string[]>("--waiver-file") { Description = "A file of waivers, one CLASS[:reason] per line (# comments)." };
        var trace = new Option<bool>("--trace") { Description = "Write a VCD of the cycles around each reported mismatch (GTKWave) into --trace-dir." };
        var traceDir = new Option<string>("--trace-dir") { Description = "Where --trace puts the VCDs (default out/verify).", DefaultValueFactory = _ => "out/verify" };
        var buildDir = new Option<string>("--build-dir") { Description = "Build cache (default out/verilator; one directory per design hash).", DefaultValueFactory = _ => "out/verilator" };
        var timeout = new Option<double>("--timeout") { Description = "Seconds without a result before a simulation is declared hung and stopped (default 60).", DefaultValueFactory = _ => 60 };
        var junit = new Option<string?>("--junit") { Description = "Write a JUnit XML report here." };
        var report = new Option<string?>("--report") { Description = "Write the JSON report here (input of 'mxref report merge')." };
        var freeRun = new Option<long?>("--free-run") { Description = "Measure the raw simulation rate: N vectors from the bench's internal table, no I/O or comparison." };
        var mutants = new Option<int?>("--mutants") { Description = "Grade the regression by mutation: Yosys 'mutate -list N' mutants of the design, each run to its first mismatch; --jobs mutants at a time, --shard splits the mutants (docs/verify.md)." };
        var mutantSeed = new Option<int>("--mutant-seed") { Description = "Seed of Yosys's mutation sampling (default 1).", DefaultValueFactory = _ => 1 };
        var mutantReport = new Option<string?>("--mutant-report") { Description = "Write the mutation report (JSON) here." };
        var mutantIds = new Option<string?>("--mutant-ids") { Description = "With --mutants N: run only these mutants of the list, e.g. 1,24,88,160-172 (the survivors of an earlier grading)." };
        var codeCoverage = new Option<bool>("--code-coverage") { Description = "Build with Verilator line and toggle coverage; write coverage.dat, coverage.info (lcov) and an HTML report (genhtml) into --code-coverage-dir." };
        var codeCoverageDir = new Option<string?>("--code-coverage-dir") { Description = "Where --code-coverage writes (default out/coverage; out/coverage/shard-I with --shard)." };
        var cmd = new Command("verify",
            "Build MX RTL with Verilator and compare every result with the golden model. The design must have the interface of\n" +
            "its --unit (dot: mx_dot's, quantize: mx_quant's, regen: mx_regen's; docs/verify.md \"Units\"). Vectors come from\n" +
            "--vectors files or are generated (--seed, --count). Exit codes: 0 all equal, 1 mismatches, 2 usage, input, build or\n" +
            "simulation errors. See docs/verify.md.")
        {
            rtl, filelist, dut, stallRate, stallSeed, top, param, vflag, vectors, line, index,
        };
        units.AddTo(cmd);
        generator.AddTo(cmd);
        foreach (var o in new Option[] { jobs, maxMismatches, stopAfter, examples, waive, waiverFile, trace, traceDir, buildDir, timeout, junit, report, freeRun }) cmd.Add(o);
        cmd.Add(codeCoverage);
        cmd.Add(codeCoverageDir);
        var slurm = new VerifySlurmOptions();
        slurm.AddTo(cmd);
        foreach (var o in new Option[] { mutants, mutantSeed, mutantReport, mutantIds }) cmd.Add(o);
        cmd.SetAction(r =>
        {
            if (r.GetValue(mutants) is < 1) throw new UsageException($"--mutants must be at least 1, got {r.GetValue(mutants)}");
            if (slurm.Resuming(r)) return slurm.Resume(r);
            var unit = units.BindKind(r);
            units.CheckApplies(r, unit, generator);
            var sources = new List<string>(r.GetValue(rtl) ?? []);
            var flags = new List<string>(r.GetValue(vflag) ?? []);
            if (r.GetValue(filelist) is { } fl) ReadFilelist(fl, sources, flags);
            sources = sources.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
            bool defaultRtl = sources.Count == 0;
            if (defaultRtl)
            {
                if (!File.Exists(unit.FileList)) throw new UsageException($"no --rtl or --filelist given and {unit.FileList} (the {unit.Name} unit's file list) is not in the current directory");
                ReadFilelist(unit.FileList, sources, flags);
                sources = sources.Select(f => Path.GetRelativePath(Directory.GetCurrentDirectory(), f)).ToList();
            }
            var parameters = new List<(string, string)>();
            int k = 32;
            foreach (var p in r.GetValue(param) ?? [])
            {
                int eq = p.IndexOf('=');
                if (eq <= 0) throw new UsageException($"--param '{p}' must be NAME=VALUE");
                string name = p[..eq], value = p[(eq + 1)..];
                if (name == "K" && (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out k) || k is < 1 or > 1024))
                    throw new UsageException($"--param K={value}: the block size must be 1..1024");
                parameters.Add((name, value));
            }
            var model = generator.BindModel(r);
            var description = r.GetValue(dut) is { } dutFile ? Verify.Description.DutDescription.Read(dutFile) : null;
            if (description is null && (r.GetValue(stallRate) is not null || r.GetValue(stallSeed) is not null))
                throw new UsageException("--stall-rate and --stall-seed need --dut (the handshake is described there)");
            if (description is not null && r.GetValue(stallRate) is { } rate)
            {
                if (rate is < 0 or >= 1 || double.IsNaN(rate)) throw new UsageException($"--stall-rate {rate.ToString(CultureInfo.InvariantCulture)}: must be in [0, 1)");
                description = description with { StallRate = rate, StallFromCommandLine = true };
            }
            if (description is not null && r.GetValue(stallSeed) is { } seed)
            {
                if (seed < 0) throw new UsageException($"--stall-seed {seed}: must be at least 0");
                description = description with { StallSeed = (ulong)seed, StallFromCommandLine = true };
            }
            if (description is not null)
            {
                if (unit != UnitKind.Dot) throw new UsageException($"--dut describes a dot-product unit; it does not combine with --unit {unit.Name}");
                if (r.GetValue(top) is not null || parameters.Count > 0)
                    throw new UsageException($"--dut {description.File}: the module and its parameters come from the description ('module', 'parameters'); drop --top and --param");
                k = description.K;
                parameters = [.. description.Parameters];
                model = Verify.Description.DescribedRun.Model(description, model, r.GetResult(generator.Accumulation) is { Implicit: false });
            }
            var (si, sn) = generator.BindShard(r);
            var files = r.GetValue(vectors) ?? [];
            if (r.GetValue(line) is not null && files.Length != 1) throw new UsageException("--line needs exactly one --vectors file");
            if (r.GetValue(index) is not null && files.Length > 0) throw new UsageException("--index selects a generated vector; with --vectors use --line");
            if (r.GetValue(jobs) is < 1 or > 64) throw new UsageException($"--jobs must be 1..64, got {r.GetValue(jobs)}");
            if (r.GetValue(maxMismatches) < 0) throw new UsageException("--max-mismatches must be at least 0");
            if (r.GetValue(stopAfter) is < 1) throw new UsageException("--stop-after must be at least 1");
            if (r.GetValue(examples) is < 1 or > 1000) throw new UsageException("--examples-per-class must be 1..1000");
            var waivers = Waivers(r.GetValue(waive) ?? [], r.GetValue(waiverFile) ?? []);
            if (r.GetValue(generator.Count) < 0) throw new UsageException("--count must be at least 0");
            if (r.GetValue(timeout) <= 0) throw new UsageException("--timeout must be positive");
            IUnit? golden = null;
            IGeneratedVectors? generated = null;
            if (files.Length == 0)
            {
                if (unit == UnitKind.Dot) generated = Generated(BindForDesign(generator, r, k, description, model));
                else (golden, generated) = units.BindGenerated(r, unit, generator, k, parameters);
            }
            var o = new VerifyOptions
            {
                Unit = unit,
                Golden = golden,
                Rtl = sources,
                DefaultRtl = defaultRtl,
                Top = description?.Module ?? r.GetValue(top) ?? unit.DefaultTop,
                Dut = description,
                Parameters = parameters,
                K = k,
                VerilatorFlags = flags,
                Model = model,
                Profile = generator.BindProfile(r),
                VectorFiles = files,
                Line = r.GetValue(line),
                Generator = generated,
                Index = r.GetValue(index),
                Jobs = r.GetValue(jobs),
                Shard = si,
                Shards = sn,
                MaxMismatches = r.GetValue(maxMismatches),
                StopAfter = r.GetValue(stopAfter),
                ExamplesPerClass = r.GetValue(examples),
                Waivers = waivers,
                Trace = r.GetValue(trace),
                TraceDir = r.GetValue(traceDir)!,
                BuildDir = r.GetValue(buildDir)!,
                Timeout = TimeSpan.FromSeconds(r.GetValue(timeout)),
                JUnit = r.GetValue(junit),
                Report = r.GetValue(report),
                FreeRun = r.GetValue(freeRun),
                CodeCoverageDir = !r.GetValue(codeCoverage) ? null : r.GetValue(codeCoverageDir) ?? (sn > 1 ? $"out/coverage/shard-{si}" : "out/coverage"),
            };
            if (slurm.Requested(r)) return slurm.Run(r, o.Jobs, o.BuildDir);
            if (r.GetValue(mutants) is { } nMutants)
            {
                if (nMutants < 1) throw new UsageException($"--mutants must be at least 1, got {nMutants}");
                if (r.GetValue(mutantSeed) < 0) throw new UsageException($"--mutant-seed must be at least 0, got {r.GetValue(mutantSeed)}");
                if (o.FreeRun is not null || o.Trace || o.Line is not null || o.Index is not null)
                    throw new UsageException("--mutants runs the whole regression on every mutant: it does not combine with --free-run, --trace, --line or --index");
                var mo = new MutationOptions
                {
                    Verify = o, Count = nMutants, Seed = (ulong)r.GetValue(mutantSeed), Report = r.GetValue(mutantReport),
                    Ids = r.GetValue(mutantIds) is { } ids ? MutantSelection.Parse(ids) : null,
                };
                return MutationRun.Execute(mo, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
            }
            if (r.GetValue(mutantReport) is not null) throw new UsageException("--mutant-report needs --mutants N");
            if (r.GetValue(mutantIds) is not null) throw new UsageException("--mutant-ids needs --mutants N");
            return VerifyRun.Execute(o, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error);
        });
        return cmd;
    }

    /// <summary><c>--waive</c> and <c>--waiver-file</c>: a bad class is a usage error naming the option or file and line.</summary>
    private static MxRef.Vectors.Diagnosis.WaiverSet Waivers(IEnumerable<string> given, IEnumerable<string> files)
    {
        var set = new MxRef.Vectors.Diagnosis.WaiverSet();
        foreach (var w in given)
        {
            try { set.Add(w, "--waive", 0); }
            catch (MxRef.Vectors.Files.MxvFormatException e) { throw new UsageException($"--waive '{w}': {e.Problem}"); }
        }
        foreach (var f in files)
        {
            if (!File.Exists(f)) throw new UsageException($"--waiver-file '{f}' does not exist");
            try { set.AddFile(f); }
            catch (MxRef.Vectors.Files.MxvFormatException e) { throw new UsageException($"--waiver-file: {e.Message}"); }
        }
        return set;
    }

    private static GeneratedVectors Generated(DotGeneratorOptions options) => new(options, GeneratorOptionSet.Text(options));

    /// <summary>The generator options for a design of block size <paramref name="k"/>; a --block-format must have that k.</summary>
    private static DotGeneratorOptions BindForDesign(GeneratorOptionSet generator, ParseResult r, int k, Verify.Description.DutDescription? description, MxRef.Dot.AccumulationModel model)
    {
        var o = generator.Bind(r, block: k);
        if (o.Block != k)
            throw new UsageException($"--block-format {o.BlockFormat?.Name} has blocks of {o.Block} elements but the design's K is {k}: pass --param K={o.Block}");
        DotUnit.CheckOutputs(o.Outputs, description, "--out");
        if (description is null) return o;
        // The unit's formats and modes (its codes) are the default; formats or modes asked for must be among them.
        bool Given(Option option) => r.GetResult(option) is { Implicit: false };
        var formats = description.SupportedFormats.ToArray();
        if (!Given(generator.FormatsA) && !Given(generator.Pairs) && !(generator.BlockFormat is { } bf && Given(bf))) o = o with { FormatsA = formats };
        if (!Given(generator.FormatsB) && !Given(generator.Pairs) && !(generator.BlockFormat is { } bf2 && Given(bf2))) o = o with { FormatsB = formats };
        if (!Given(generator.Rounding)) o = o with { Modes = description.SupportedModes.ToArray() };
        Verify.Description.DescribedRun.CheckGenerator(description, o);
        return o with { Model = model };
    }

    private static void ReadFilelist(string path, List<string> sources, List<string> flags) => ReadFilelist(path, sources, flags, [], null);

    /// <summary>
    /// Reads a file list: sources and <c>+incdir+</c> relative to the list, <c>-f</c>/<c>-F other.f</c> includes another
    /// list (its entries relative to it, as Verilator's <c>-F</c>), a source reached twice is compiled once.
    /// <paramref name="chain"/> holds the lists being read, so a list that includes itself is refused by name.
    /// </summary>
    private static void ReadFilelist(string path, List<string> sources, List<string> flags, List<string> chain, string? includedBy)
    {
        if (!File.Exists(path)) throw new UsageException(includedBy is null ? $"--filelist '{path}' does not exist" : $"{includedBy}: file list '{path}' does not exist");
        var listPath = Path.GetFullPath(path);
        if (chain.Contains(listPath))
            throw new UsageException($"file lists include each other: {string.Join(" -> ", chain.SkipWhile(c => c != listPath).Append(listPath).Select(p => Path.GetRelativePath(Environment.CurrentDirectory, p)))}");
        chain.Add(listPath);
        var dir = Path.GetDirectoryName(listPath)!;
        int n = 0;
        foreach (var raw in File.ReadLines(path))
        {
            n++;
            // a comment (# or //) runs to the end of the line, after an entry too, as rtl/filelist.awk reads it
            var t = raw;
            int comment = t.IndexOf('#');
            if (t.IndexOf("//", StringComparison.Ordinal) is >= 0 and var slashes && (comment < 0 || slashes < comment)) comment = slashes;
            t = (comment >= 0 ? t[..comment] : t).Trim();
            if (t.Length == 0) continue;
            if (t.StartsWith("+incdir+", StringComparison.Ordinal))
            {
                // +incdir+A+B: each directory relative to the list, as the sources are.
                flags.Add("+incdir+" + string.Join('+', t[8..].Split('+', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.IsPathRooted(d) ? d : Path.Combine(dir, d))));
                continue;
            }
            if (t.Length > 3 && t[0] == '-' && t[1] is 'f' or 'F' && t[2] is ' ' or '\t')
            {
                var inner = t[3..].Trim();
                ReadFilelist(Path.IsPathRooted(inner) ? inner : Path.Combine(dir, inner), sources, flags, chain, $"{path} line {n}");
                continue;
            }
            if (t[0] is '-' or '+') { flags.Add(t); continue; }
            var full = Path.GetFullPath(Path.IsPathRooted(t) ? t : Path.Combine(dir, t));
            if (!File.Exists(full)) throw new UsageException($"{path} line {n}: source '{t}' does not exist");
            if (!sources.Contains(full)) sources.Add(full);
        }
        chain.RemoveAt(chain.Count - 1);
    }
}
