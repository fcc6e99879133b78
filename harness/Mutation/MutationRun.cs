using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
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
    /// <summary>Run only these mutants of the list (<c>--mutant-ids</c>); null: all of this shard's.</summary>
    public IReadOnlySet<int>? Ids { get; init; }
}

/// <summary>
/// Grades a regression by mutation: one Verilator build of the netlist that holds every mutation (see
/// <see cref="MutantGenerator"/>), then the regression on it with no mutation selected (it must pass, else the flow,
/// not the regression, is broken), then once per mutant of this shard with that mutant selected: to its first mismatch
/// (killed), to the end (survived), or until it hangs (not simulatable). The mutants run one after the other, each
/// with the run's <c>--jobs</c> simulation processes; the number goes to the bench through its environment
/// (<see cref="MutantGenerator.SelectVariable"/>), which the simulation processes inherit.
/// </summary>
public static class MutationRun
{
    private static readonly Lock Selecting = new();

    public static int Execute(MutationOptions m, TextWriter stdout, TextWriter stderr)
    {
        var wall = Stopwatch.StartNew();
        var o = m.Verify;
        if (m.Count < 1) throw new UsageException($"--mutants must be at least 1, got {m.Count}");
        var set = MutantGenerator.Generate(new MutantGenerator.Setup(o.Rtl, o.Top, o.Parameters, m.Count, m.Seed, o.Shard, o.Shards,
            Path.Combine(o.BuildDir, "mutants")), stderr);
        if (m.Ids is { } ids) set = set with { Mutants = MutantSelection.Select(set.All, set.Mutants, ids) };
        stderr.WriteLine($"mutants: Yosys listed {set.All.Count} mutations (asked for {m.Count}); this shard {o.Shard}/{o.Shards}{(m.Ids is null ? "" : " (--mutant-ids)")} runs {set.Mutants.Count} of them, one at a time, {o.Jobs} simulation process{(o.Jobs == 1 ? "" : "es")} each");

        // Runs of other regressions on the same mutants (another --count, say) share the netlist, not the logs.
        var logs = Path.Combine(set.Directory, "logs-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RegressionText(o) + $" K={o.K}")))[..12].ToLowerInvariant());
        Directory.CreateDirectory(logs);
        stderr.WriteLine($"mutants: each run's full mxref verify output goes to {logs}/mutant_NNNN.log (0000: no mutation)");
        var baseline = RunOne(o, set, 0, logs);
        if (baseline.Outcome != MutantOutcome.Survived)
            throw new UsageException($"the regression does not pass on the unmutated netlist Yosys wrote ({set.Netlist} with no mutation selected), so it cannot grade mutants: {baseline.Detail}");
        stderr.WriteLine($"mutants: the unmutated netlist passes the regression in {baseline.Seconds:0.0} s (including the one Verilator build)");

        var results = new List<MutantResult>(set.Mutants.Count);
        int killed = 0, survived = 0;
        foreach (var mut in set.Mutants)
        {
            var r = RunOne(o, set, mut.Number, logs) with { Mutation = mut };
            results.Add(r);
            if (r.Outcome == MutantOutcome.Killed) killed++;
            if (r.Outcome == MutantOutcome.Survived) survived++;
            stderr.WriteLine($"mutants: {results.Count}/{set.Mutants.Count} done ({killed} killed, {survived} survived), mutant {mut.Number} {MutantResult.Name(r.Outcome)} in {r.Seconds:0.0} s, {wall.Elapsed.TotalSeconds:0} s");
        }

        var report = new MutationReport
        {
            Regression = RegressionText(o),
            Top = o.Top,
            K = o.K,
            Design = o.Dut is null ? null : Verify.Description.DescribedRun.Design(o.Dut),
            Requested = m.Count,
            Seed = m.Seed,
            Shard = o.Shard,
            Shards = o.Shards,
            Results = results,
            BaselineSeconds = baseline.Seconds,
        };
        report.WallSeconds = wall.Elapsed.TotalSeconds;
        stdout.Write(report.Summary());
        if (m.Report is not null) AtomicFile.WriteAllText(m.Report, report.ToJson());
        return Cli.ExitOk;
    }

    /// <summary>The regression on the netlist with mutant <paramref name="number"/> selected (0: none), stopped at its first mismatch.</summary>
    public static MutantResult RunOne(VerifyOptions o, MutantSet set, int number, string logDirectory)
    {
        var placeholder = new YosysMutation { Number = number, Mode = "none", Module = o.Top, Cell = "", Command = "mutate -mode none" };
        var run = o with
        {
            Rtl = set.Sources, DefaultRtl = false, Parameters = [], VerilatorFlags = [.. o.VerilatorFlags, .. MutantGenerator.NetlistFlags],
            MaxMismatches = 1, StopAfter = 1, Shard = 0, Shards = 1, Report = null, JUnit = null, Trace = false, FreeRun = null, CodeCoverageDir = null,
        };
        var sw = Stopwatch.StartNew();
        var output = new StringWriter();
        var log = new StringWriter();
        // The simulation processes inherit the variable when they start; one mutant runs at a time in this process.
        lock (Selecting)
        {
            Environment.SetEnvironmentVariable(MutantGenerator.SelectVariable, number.ToString(System.Globalization.CultureInfo.InvariantCulture));
            try
            {
                int exit = VerifyRun.Execute(run, output, log);
                var text = output.ToString();
                AtomicFile.WriteAllText(Path.Combine(logDirectory, $"mutant_{number:D4}.log"), log + text); // the mismatch report in full
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
                if (number == 0) throw; // the one build of the netlist failed: nothing can be graded
                return new MutantResult(placeholder, MutantOutcome.NotSimulatable, "run failed: " + Tail(e.Message), sw.Elapsed.TotalSeconds);
            }
            finally
            {
                Environment.SetEnvironmentVariable(MutantGenerator.SelectVariable, null);
            }
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
}
