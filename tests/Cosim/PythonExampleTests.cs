using Xunit;

namespace MxRef.Tests.Cosim;

/// <summary>The ctypes example (the shape of a cocotb bench): its on-the-fly predictions against `mxref dot`.</summary>
[Collection(CosimCollection.Name)]
public sealed class PythonExampleTests(CosimEnvironment env)
{
    [Theory]
    [InlineData(32, "fp32", "fused", 11)]
    [InlineData(32, "fp16", "chunked:4", 12)]
    [InlineData(9, "bf16", "fp32-sum", 13)]
    public void RandomDotMatchesTheOracle(int k, string output, string acc, int seed)
    {
        Assert.True(ProcessRun.OnPath("python3"), "python3 is needed for the ctypes example");
        string script = Path.Combine(env.Root, "harness", "cosim", "examples", "python", "random_dot.py");
        string[] args = ["-k", k.ToString(), "--out", output, "--acc", acc];
        var r = ProcessRun.Run(env.Root, "python3", [script, "--lib", env.Library, "--count", "400", "--seed", seed.ToString(), .. args]);
        Assert.True(r.ExitCode == 0, r.Describe("random_dot.py"));
        var (inputs, answers) = OutputComparison.SplitAnswered(r.Output);
        OutputComparison.AssertSameLines(inputs, env.Oracle(inputs, args), answers, "random_dot.py (ctypes)");
    }
}
