using MxRef.Tests.Cosim;
using Xunit;

namespace MxRef.Tests.DropBack;

/// <summary>
/// The ctypes DropBack trainer (harness/cosim/examples/python/dropback_train.py) against libmxref — it checks W0,
/// every training step and the final regenerated weights and blocks itself — and its final weights against
/// `mxref dropback regen` fed the tracked store it wrote: trainer, C ABI and CLI agree bit for bit.
/// </summary>
[Collection(CosimCollection.Name)]
public sealed class PythonDropBackTests(CosimEnvironment env) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mxref-dropback-py-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainerHardwareAndCliAgree()
    {
        Assert.True(ProcessRun.OnPath("python3"), "python3 is needed for the ctypes example");
        string script = Path.Combine(env.Root, "harness", "cosim", "examples", "python", "dropback_train.py");
        string store = Path.Combine(_dir, "store.txt"), weights = Path.Combine(_dir, "weights.txt");
        var r = ProcessRun.Run(env.Root, "python3", [script, "--lib", env.Library, "--store", store, "--weights", weights]);
        Assert.True(r.ExitCode == 0, r.Describe("dropback_train.py"));
        Assert.Contains("OK: ", r.Output);
        // The example's layer 0: seed 0x5eedd80b, 16 x 64 weights, Kaiming-uniform with a = RN_fp32(sqrt(3/64)).
        string init = r.Output[(r.Output.IndexOf("weight init ", StringComparison.Ordinal) + "weight init ".Length)..].TrimEnd().TrimEnd(')');
        string cli = env.Mxref("", ["dropback", "regen", "--seed", "0x5eedd80b", "--layer", "0", "--init", init, "--indices", "0:1024", "--tracked", store]);
        Assert.Equal(File.ReadAllText(weights), cli);
    }
}
