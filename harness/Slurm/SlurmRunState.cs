using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using MxRef.Harness.Verify;

namespace MxRef.Harness.Slurm;

/// <summary>One sbatch of the run: its job id and the shards (array tasks) it runs.</summary>
public sealed record SlurmSubmission(string JobId, IReadOnlyList<int> Shards);

/// <summary>
/// The run directory's memory (<c>slurm-run.json</c>): the spec and every submission, so that <c>--resume</c> can
/// find the tasks of earlier submissions and resubmit only the shards that have no valid report.
/// </summary>
public sealed record SlurmRunState(SlurmJobSpec Spec, IReadOnlyList<SlurmSubmission> Submissions)
{
    public const string Format = "mxref-slurm-run/1";

    /// <summary>The submission that ran <paramref name="shard"/> last, or null.</summary>
    public SlurmSubmission? LastFor(int shard) => Submissions.LastOrDefault(s => s.Shards.Contains(shard));

    public SlurmRunState With(SlurmSubmission s) => this with { Submissions = [.. Submissions, s] };

    public string ToJson()
    {
        var s = Spec;
        var o = new JObject
        {
            ["format"] = Format,
            ["run_dir"] = s.RunDir,
            ["work_dir"] = s.WorkDir,
            ["mxref"] = s.Mxref,
            ["verify_args"] = new JArray(s.VerifyArgs),
            ["shards"] = s.Shards,
            ["build_dir"] = s.BuildDir,
            ["cpus_per_task"] = s.CpusPerTask,
            ["partition"] = s.Partition,
            ["time"] = s.Time,
            ["account"] = s.Account,
            ["sbatch_args"] = new JArray(s.SbatchArgs),
            ["job_name"] = s.JobName,
            ["submissions"] = new JArray(Submissions.Select(x => new JObject { ["job"] = x.JobId, ["shards"] = new JArray(x.Shards) })),
        };
        return o.ToString(Formatting.Indented) + "\n";
    }

    public void Save() => AtomicFile.WriteAllText(Spec.StatePath, ToJson());

    public static SlurmRunState Load(string runDir)
    {
        var path = Path.Combine(runDir, "slurm-run.json");
        if (!File.Exists(path)) throw new UsageException($"--resume: {path} does not exist: no 'mxref verify --slurm' run was started with --slurm-dir {runDir}");
        JObject o;
        try
        {
            o = JObject.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new UsageException($"{path}: not a run state file: {e.Message}");
        }
        if ((string?)o["format"] != Format) throw new UsageException($"{path}: field format: expected '{Format}', got '{o["format"]}'");
        T Field<T>(string name) => o[name] is { Type: not JTokenType.Null } t ? MxRef.Vectors.Files.JsonFields.As<T>(t) : throw new UsageException($"{path}: field {name} is missing");
        var spec = new SlurmJobSpec
        {
            RunDir = Field<string>("run_dir"),
            WorkDir = Field<string>("work_dir"),
            Mxref = Field<string>("mxref"),
            VerifyArgs = Field<string[]>("verify_args"),
            Shards = Field<int>("shards"),
            BuildDir = Field<string>("build_dir"),
            CpusPerTask = Field<int>("cpus_per_task"),
            Partition = (string?)o["partition"],
            Time = (string?)o["time"],
            Account = (string?)o["account"],
            SbatchArgs = Field<string[]>("sbatch_args"),
            JobName = Field<string>("job_name"),
        };
        var subs = Field<JArray>("submissions").OfType<JObject>()
            .Select(x => new SlurmSubmission((string?)x["job"] ?? throw new UsageException($"{path}: a submission has no field job"), x["shards"] is { } sh ? MxRef.Vectors.Files.JsonFields.As<int[]>(sh) : []))
            .ToArray();
        return new SlurmRunState(spec, subs);
    }
}
