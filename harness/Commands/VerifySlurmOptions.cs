using System.CommandLine;
using System.CommandLine.Parsing;
using MxRef.Harness.Slurm;

namespace MxRef.Harness.Commands;

/// <summary>
/// The options of <c>mxref verify --slurm</c> (docs/verify.md, "Running on Slurm"): the regression given by the other
/// verify options runs as one Slurm job array, driven by <see cref="SlurmRegression"/>.
/// </summary>
public sealed class VerifySlurmOptions
{
    private readonly Option<bool> _slurm = new("--slurm") { Description = "Run the regression as a Slurm job array (--shards tasks), wait, merge the shards' reports; see docs/verify.md." };
    private readonly Option<int> _shards = new("--shards") { Description = "With --slurm: number of shards (array tasks; default 8).", DefaultValueFactory = _ => 8 };
    private readonly Option<string?> _partition = new("--partition") { Description = "With --slurm: the partition (sbatch --partition)." };
    private readonly Option<string?> _time = new("--time") { Description = "With --slurm: time limit of each shard (sbatch --time, e.g. 00:30:00)." };
    private readonly Option<string?> _account = new("--account") { Description = "With --slurm: the account to charge (sbatch --account)." };
    private readonly Option<string[]> _sbatch = new("--sbatch-arg") { Description = "With --slurm: a further sbatch option for the job script, repeatable, e.g. --sbatch-arg=--qos=long." };
    private readonly Option<string> _dir = new("--slurm-dir") { Description = "With --slurm: the run directory (job script, logs, reports) on a filesystem every node sees (default out/slurm).", DefaultValueFactory = _ => "out/slurm" };
    private readonly Option<bool> _resume = new("--resume") { Description = "With --slurm: continue the run in --slurm-dir: wait for its tasks, resubmit only the shards without a valid report, merge." };
    private readonly Option<string?> _mxref = new("--mxref") { Description = "With --slurm: the mxref executable the shards run (default: this one), on a shared filesystem." };
    private readonly Option<int?> _cpus = new("--cpus-per-task") { Description = "With --slurm: CPUs per shard (default 2 per --jobs: the bench and mxref's golden model each keep a core busy)." };
    private readonly Option<double> _poll = new("--poll") { Description = "With --slurm: seconds between questions to the scheduler (default 5).", DefaultValueFactory = _ => 5 };

    private IEnumerable<Option> All => [_slurm, _shards, _partition, _time, _account, _sbatch, _dir, _resume, _mxref, _cpus, _poll];

    /// <summary>Verify options each shard gets from the driver rather than from the command line.</summary>
    private static readonly HashSet<string> PerShard = ["--shard", "--report", "--junit", "--build-dir", "--trace-dir"];

    public void AddTo(Command cmd)
    {
        foreach (var o in All) cmd.Add(o);
    }

    public bool Requested(ParseResult r) => r.GetValue(_slurm);

    /// <summary><c>--slurm --resume</c>: everything comes from the run directory, the verify options are not needed.</summary>
    public bool Resuming(ParseResult r) => r.GetValue(_slurm) && r.GetValue(_resume);

    public int Resume(ParseResult r) => Driver(r).Resume(r.GetValue(_dir)!);

    /// <summary>Runs the regression of the verify options (already checked by the caller) as a job array.</summary>
    public int Run(ParseResult r, int jobs, string buildDir)
    {
        foreach (var name in new[] { "--shard", "--free-run", "--line", "--index" })
            if (r.CommandResult.Children.OfType<OptionResult>().Any(o => !o.Implicit && o.Option.Name == name))
                throw new UsageException($"{name} cannot be combined with --slurm (--slurm runs every shard of the whole regression)");
        var spec = new SlurmJobSpec
        {
            RunDir = Path.GetFullPath(r.GetValue(_dir)!),
            WorkDir = Directory.GetCurrentDirectory(),
            Mxref = MxrefPath(r),
            VerifyArgs = ForwardedArgs(r),
            Shards = r.GetValue(_shards),
            BuildDir = Path.GetFullPath(buildDir),
            CpusPerTask = r.GetValue(_cpus) ?? 2 * jobs,
            Partition = r.GetValue(_partition),
            Time = r.GetValue(_time),
            Account = r.GetValue(_account),
            SbatchArgs = r.GetValue(_sbatch) ?? [],
        };
        return Driver(r).Start(spec);
    }

    private SlurmRegression Driver(ParseResult r)
    {
        double poll = r.GetValue(_poll);
        if (poll is <= 0 or > 3600) throw new UsageException("--poll must be 0..3600 seconds");
        return new SlurmRegression(new SlurmCommands(), (exe, args, dir) => Verify.Tools.Run(exe, args, dir),
            r.InvocationConfiguration.Output, r.InvocationConfiguration.Error)
        {
            Poll = TimeSpan.FromSeconds(poll),
            MergedReport = r.CommandResult.Children.OfType<OptionResult>().FirstOrDefault(o => o.Option.Name == "--report")?.GetValueOrDefault<string?>(),
            MergedJUnit = r.CommandResult.Children.OfType<OptionResult>().FirstOrDefault(o => o.Option.Name == "--junit")?.GetValueOrDefault<string?>(),
        };
    }

    private string MxrefPath(ParseResult r)
    {
        if (r.GetValue(_mxref) is { } given)
            return Verify.Tools.Which(given) is { } found ? found : throw new UsageException($"--mxref '{given}' does not exist");
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "mxref") return self;
        throw new UsageException($"--slurm: this process is '{self}', not the mxref executable the shards can run: pass --mxref PATH (e.g. out/cli/mxref after 'make build')");
    }

    /// <summary>The verify options given on the command line, minus the Slurm ones and those set per shard, in their order.</summary>
    private List<string> ForwardedArgs(ParseResult r)
    {
        var own = All.Select(o => o.Name).ToHashSet();
        var args = new List<string>();
        foreach (var o in r.CommandResult.Children.OfType<OptionResult>())
        {
            if (o.Implicit || own.Contains(o.Option.Name) || PerShard.Contains(o.Option.Name)) continue;
            if (o.Tokens.Count == 0) args.Add(o.Option.Name);
            // NAME=VALUE, so that a value starting with '-' (--verilator-flag=-Wno-fatal) is not taken for an option.
            foreach (var t in o.Tokens) args.Add($"{o.Option.Name}={t.Value}");
        }
        return args;
    }
}
