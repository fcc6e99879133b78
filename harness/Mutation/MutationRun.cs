using System.Diagnostics;
using System.Security.Cryptography;
using MxRef.Harness.Verify;

namespace MxRef.Harness.Mutation;

/// <summary>What <c>mxref verify --mutants N</c> was asked to do: the regression to grade and the mutants to grade it on.</summary>
public sealed record MutationOptions
{
    /// <summary>The regression as <c>mxref verify</c> would run it on the real design (its shard selects mutants here).</summary>
    public required VerifyOptions Verify { get; init; }
    public required int Count { get; init; }
    public ulong Seed { get; init; } = 1;
    public string? Report { get; init; }
}

/// <summary>
/// Grades a regression by mutation: the unmutated netlist must pass it (else the flow, not the regression, is broken),
/// then every mutant of this shard runs it to its first mismatch (killed), to the end (survived), or fails to build or
/// hangs (not simulatable). <c>--jobs</c> mutants run side by side, each in one simulation process.
/// </summary>
public static class MutationRun
{
    public static int Execute(MutationOptions m, TextWriter stdout, TextWriter stderr)
    {
        var wall = Stopwatch.StartNew();
        var o = m.Verify;
        if (m.Count < 1) throw new UsageException($"--mutants must be at least 1, got {m.Count}");
        var set = MutantGenerator.Generate(new MutantGenerator.Setup(o.Rtl, o.Top, o.Parameters, m.Count, m.Seed, o.Shard, o.Shards,
            Path.Combine(o.BuildDir, "mutants")), stderr);
        stderr.WriteLine($"mutants: Yosys listed {set.All.Count} mutations (asked for {m.Count}); this shard {o.Shard}/{o.Shards} runs {set.Mutants.Count} of them, {o.Jobs} at a time");

        var baseline = RunOne(o, set.Baseline, o.Jobs);
        if (baseline.Outcome != MutantOutcome.Survived)
            throw new UsageException($"the regression does not pass on the unmutated netlist Yosys wrote ({set.Baseline}), so it cannot grade mutants: {baseline.Detail}");
        stderr.WriteLine($"mutants: the unmutated netlist passes the regression in {baseline.Seconds:0.0} s");

        // Identical netlists (two mutations Yosys wrote the same way) are simulated once.
        var groups = set.Mutants.GroupBy(x => FileHash(x.File)).Select(g => g.ToArray()).ToArray();
        var results = new MutantResult?[set.Mutants.Count];
        var index = set.Mutants.Select((x, i) => (x.Mutation.Number, i)).ToDictionary(p => p.Number, p => p.i);
        int next = -1, done = 0, killed = 0, survived = 0;
        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(o.Jobs, groups.Length))).Select(_ => new Thread(() =>
        {
            for (int g; (g = Interlocked.Increment(ref next)) < groups.Length;)
            {
                var first = groups[g][0];
                var r = RunOne(o, first.File, 1);
                foreach (var (mut, _) in groups[g])
                {
                    var detail = mut == first.Mutation ? r.Detail : $"same netlist as mutant {first.Mutation.Number}: {r.Detail}";
                    results[index[mut.Number]] = r with { Mutation = mut, Detail = detail };
                }
                int d = Interlocked.Add(ref done, groups[g].Length);
                if (r.Outcome == MutantOutcome.Killed) Interlocked.Add(ref killed, groups[g].Length);
                if (r.Outcome == MutantOutcome.Survived) Interlocked.Add(ref survived, groups[g].Length);
                lock (stderr) stderr.WriteLine($"mutants: {d}/{set.Mutants.Count} done ({killed} killed, {survived} survived), mutant {first.Mutation.Number} {MutantResult.Name(r.Outcome)} in {r.Seconds:0.0} s, {wall.Elapsed.TotalSeconds:0} s");
            }
        })).ToArray();
        foreach (var t in workers) t.Start();
        foreach (var t in workers) t.Join();

        var report = new MutationReport
        {
            Regression = RegressionText(o),
            Top = o.Top,
            K = o.K,
            Requested = m.Count,
            Seed = m.Seed,
            Shard = o.Shard,
            Shards = o.Shards,
            Results = results.Select(r => r!).ToArray(),
            BaselineSeconds = baseline.Seconds,
        };
        report.WallSeconds = wall.Elapsed.TotalSeconds;
        stdout.Write(report.Summary());
        if (m.Report is not null) AtomicFile.WriteAllText(m.Report, report.ToJson());
        return Cli.ExitOk;
    }

    /// <summary>The regression on one netlist, stopped at its first mismatch.</summary>
    public static MutantResult RunOne(VerifyOptions o, string netlist, int jobs)
    {
        var placeholder = new YosysMutation { Number = 0, Mode = "none", Module = o.Top, Cell = "", Command = "mutate -mode none" };
        var run = o with
        {
            Rtl = [netlist], DefaultRtl = false, Parameters = [], VerilatorFlags = [.. o.VerilatorFlags, .. MutantGenerator.NetlistFlags],
            MaxMismatches = 1, StopAfter = 1, Jobs = jobs, Shard = 0, Shards = 1, Report = null, JUnit = null, Trace = false, FreeRun = null,
        };
        var sw = Stopwatch.StartNew();
        var output = new StringWriter();
        var log = new StringWriter();
        try
        {
            int exit = VerifyRun.Execute(run, output, log);
            var text = output.ToString();
            AtomicFile.WriteAllText(netlist + ".log", log + text); // the mismatch report in full, next to the netlist
            return exit switch
            {
                Cli.ExitOk => new MutantResult(placeholder, MutantOutcome.Survived, "", sw.Elapsed.TotalSeconds),
                Cli.ExitMismatch => new MutantResult(placeholder, MutantOutcome.Killed, FirstMismatch(text), sw.Elapsed.TotalSeconds),
                // A hang says nothing about the vectors; a bench that refuses the design (its valid no longer a
                // fixed-latency pipe, a crash) has seen the fault.
                _ when Hung(log + text) => new MutantResult(placeholder, MutantOutcome.NotSimulatable, "simulation hung: " + Tail(log.ToString() + text), sw.Elapsed.TotalSeconds),
                _ => new MutantResult(placeholder, MutantOutcome.Killed, "the bench refused the design: " + Tail(log.ToString() + text), sw.Elapsed.TotalSeconds),
            };
        }
        catch (Exception e) when (e is UsageException or AggregateException or IOException)
        {
            return new MutantResult(placeholder, MutantOutcome.NotSimulatable, "build failed: " + Tail(e.Message), sw.Elapsed.TotalSeconds);
        }
    }

    /// <summary>"MISMATCH 1: generated vector #123 (...)" and the line saying which bits differ.</summary>
    private static string FirstMismatch(string text)
    {
        var lines = text.Split('\n');
        var head = lines.FirstOrDefault(l => l.StartsWith("MISMATCH 1:", StringComparison.Ordinal))?.Trim() ?? "mismatch";
        var differs = lines.FirstOrDefault(l => l.TrimStart().StartsWith("differs", StringComparison.Ordinal))?.Trim();
        return differs is null ? head : $"{head}; {differs}";
    }

    private static bool Hung(string text) => text.Contains("hung and was stopped", StringComparison.Ordinal) || text.Contains("did not start within", StringComparison.Ordinal);

    private static string Tail(string s) => string.Join('\n', s.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(8));

    private static string RegressionText(VerifyOptions o) =>
        o.VectorFiles.Count > 0 ? "files " + string.Join(' ', o.VectorFiles) : o.Generator?.Describe() ?? "";

    private static string FileHash(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(s));
    }
}
