namespace MxRef.Harness.Slurm;

/// <summary>
/// One regression as a Slurm job array: which <c>mxref verify</c> options every shard runs, how many shards, and the
/// sbatch settings. All paths are absolute and must be visible from every node (a shared filesystem): the run
/// directory holds the job script, the shards' logs and reports; the build directory holds the Verilated bench,
/// built once on the submitting machine before the array starts.
/// </summary>
public sealed record SlurmJobSpec
{
    /// <summary>Job script, logs/, reports/, traces/, the run's state file and the merged reports.</summary>
    public required string RunDir { get; init; }
    /// <summary>The directory the shards run in (relative paths of the verify options are relative to it).</summary>
    public required string WorkDir { get; init; }
    /// <summary>The mxref executable the shards run.</summary>
    public required string Mxref { get; init; }
    /// <summary>The verify options of the regression, without --shard, --report, --junit, --build-dir, --trace-dir.</summary>
    public required IReadOnlyList<string> VerifyArgs { get; init; }
    public required int Shards { get; init; }
    public required string BuildDir { get; init; }
    public int CpusPerTask { get; init; } = 1;
    public string? Partition { get; init; }
    public string? Time { get; init; }
    public string? Account { get; init; }
    /// <summary>Further sbatch options, one per #SBATCH line (e.g. --qos=long, --mem=4G).</summary>
    public IReadOnlyList<string> SbatchArgs { get; init; } = [];
    public string JobName { get; init; } = "mxref-verify";

    public string ScriptPath => Path.Combine(RunDir, "verify-array.sh");
    public string StatePath => Path.Combine(RunDir, "slurm-run.json");
    public string ReportDir => Path.Combine(RunDir, "reports");
    public string ReportPath(int shard) => Path.Combine(ReportDir, $"shard-{shard}.json");
    public string JUnitPath(int shard) => Path.Combine(ReportDir, $"shard-{shard}.xml");
    public string LogDir => Path.Combine(RunDir, "logs");
    /// <summary>The log of one shard's task of one submission (sbatch's %a and %A in the script's --output).</summary>
    public string LogPath(int shard, string jobId) => Path.Combine(LogDir, $"shard-{shard}.job{jobId}.log");
    public string TraceDir(int shard) => Path.Combine(RunDir, "traces", $"shard-{shard}");

    /// <summary>The problems that make the spec unusable (empty when it is fine).</summary>
    public IReadOnlyList<string> Problems()
    {
        var p = new List<string>();
        if (Shards is < 1 or > 100_000) p.Add($"--shards must be 1..100000, got {Shards}");
        if (CpusPerTask is < 1 or > 1024) p.Add($"--cpus-per-task must be 1..1024, got {CpusPerTask}");
        foreach (var (name, value) in new[] { ("--partition", Partition), ("--time", Time), ("--account", Account) })
            if (value is not null && (value.Length == 0 || value.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '\\')))
                p.Add($"{name} '{value}' must be one word");
        foreach (var a in SbatchArgs)
            if (!a.StartsWith('-') || a.Contains('\n'))
                p.Add($"--sbatch-arg '{a}' must be one sbatch option on one line, e.g. --sbatch-arg=--qos=long");
        foreach (var (name, path) in new[] { ("run directory", RunDir), ("work directory", WorkDir), ("mxref", Mxref), ("build directory", BuildDir) })
            if (!Path.IsPathRooted(path)) p.Add($"the {name} '{path}' must be an absolute path");
        return p;
    }
}
