using System.Diagnostics;
using MxRef.Harness.Verify;
using MxRef.Tests.Verify;
using Xunit;

namespace MxRef.Tests.Slurm;

/// <summary>
/// A one-node Slurm cluster on 127.0.0.1 for the tests of this class fixture: scripts/slurm-local.sh starts munged,
/// slurmctld and slurmd with a generated slurm.conf under out/slurm-test/cluster, and stops them when the tests are
/// done (also when they fail). Clients find it through SLURM_CONF, set for this process and its children.
/// </summary>
public sealed class LocalSlurm : IDisposable
{
    public string Dir { get; } = Path.Combine(VerifyFixture.Root, "out", "slurm-test", "cluster");
    public string Mxref { get; } = Path.Combine(VerifyFixture.Root, "out", "cli", "mxref");
    public TimeSpan StartTime { get; }
    private readonly string _script = Path.Combine(VerifyFixture.Root, "scripts", "slurm-local.sh");
    private readonly string? _previousConf = Environment.GetEnvironmentVariable("SLURM_CONF");

    public LocalSlurm()
    {
        // Fail, never skip: a scheduler test that does not run proves nothing ('make test-slurm' installs the packages).
        foreach (var tool in new[] { "slurmctld", "slurmd", "munged", "sbatch" })
            if (Tools.Which(tool) is null && !File.Exists($"/usr/sbin/{tool}"))
                Assert.Fail($"{tool} is not installed: run 'make test-slurm' (it installs the Debian packages slurm-wlm and munge)");
        Assert.True(File.Exists(Mxref), $"{Mxref} is missing: run 'make build' first (the shards run the published CLI)");
        var sw = Stopwatch.StartNew();
        var (exit, output) = Tools.Run("/bin/bash", [_script, "start", Dir, "2"]);
        Assert.True(exit == 0, $"starting the local Slurm cluster failed (exit {exit}):\n{output}");
        StartTime = sw.Elapsed;
        Environment.SetEnvironmentVariable("SLURM_CONF", Path.Combine(Dir, "slurm.conf"));
    }

    public void Dispose()
    {
        Tools.Run("/bin/bash", [_script, "stop", Dir]);
        Environment.SetEnvironmentVariable("SLURM_CONF", _previousConf);
    }
}
