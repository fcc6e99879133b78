using Xunit;
using MxRef.Vectors.Files;

namespace MxRef.Tests.Cosim;

/// <summary>The C examples, linked against libmxref.so, against the `mxref dot` oracle and the promises of mxref.h.</summary>
[Collection(CosimCollection.Name)]
public sealed class CExampleTests(CosimEnvironment env)
{
    [Fact]
    public void AbiChecksPass()
    {
        // NULL pointers, unknown codes, k = 0 ... each gives its error code; no crash, no exception across the ABI.
        var r = ProcessRun.Run(env.Root, env.Bin("abi_checks"), []);
        Assert.True(r.ExitCode == 0, r.Describe("abi_checks"));
        Assert.Contains(", 0 failures", r.Output);
    }

    [Theory]
    [InlineData(32, "fp32", "fused", 1)]
    [InlineData(32, "bf16", "chunked:8", 2)]
    [InlineData(16, "fp16", "fp32-sum", 3)]
    [InlineData(1, "fp32", "fused", 4)]
    [InlineData(64, "fp32", "chunked:5", 5)]
    [InlineData(7, "bf16", "fp32-sum", 6)]
    public void DotStreamMatchesTheOracle(int k, string output, string acc, int seed)
    {
        string lines = RandomDotLines.Make(600, k, seed);
        string[] args = ["-k", k.ToString(), "--out", output, "--acc", acc];
        var r = ProcessRun.Run(env.Root, env.Bin("dot_stream"), args, lines);
        Assert.True(r.ExitCode == 0, r.Describe("dot_stream"));
        OutputComparison.AssertSameLines(lines, env.Oracle(lines, args), r.Output, "dot_stream (libmxref.so)");
    }
}
