using System.Text;
using MxRef.Random;
using MxRef.Tests.Support;
using Xunit;

namespace MxRef.Tests.Cosim;

/// <summary>The decode unit through mxref_decode_block (decode_lines.py, ctypes) against <c>mxref decode</c>.</summary>
[Collection(CosimCollection.Name)]
public sealed class PythonDecodeTests(CosimEnvironment env)
{
    private static readonly int[] Widths = [8, 8, 6, 6, 4, 8];

    [Theory]
    [InlineData("fp32", "")]
    [InlineData("fp16", "")]
    [InlineData("bf16", "flush-result=on,overflow=saturate")]
    [InlineData("fp16", "nan-scale=as-number,flush-inputs=on")]
    public void DecodeLinesMatchTheCli(string output, string profile)
    {
        Assert.True(ProcessRun.OnPath("python3"), "python3 is needed for the ctypes example");
        var rng = new MxRandom(11);
        var lines = new StringBuilder();
        for (int i = 0; i < 2000; i++)
        {
            int f = rng.NextInt(0, 6), w = Widths[f];
            var packed = System.Numerics.BigInteger.Zero;
            for (int e = 0; e < 32; e++) packed |= (System.Numerics.BigInteger)rng.NextInt(0, 1 << w) << (e * w);
            string hex = packed.ToString("x").TrimStart('0').PadLeft((32 * w + 3) / 4, '0');
            lines.Append($"{f:x} {rng.NextInt(0, 6):x} {rng.NextInt(0, 256):x2} {hex}\n");
        }
        string[] options = profile.Length == 0 ? ["--out", output] : ["--out", output, "--profile", profile];
        string script = Path.Combine(env.Root, "harness", "cosim", "examples", "python", "decode_lines.py");
        var r = ProcessRun.Run(env.Root, "python3", [script, "--lib", env.Library, .. options], lines.ToString());
        Assert.True(r.ExitCode == 0, r.Describe("decode_lines.py"));
        OutputComparison.AssertSameLines(lines.ToString(), env.Mxref(lines.ToString(), ["decode", .. options]), r.Output, "decode_lines.py (ctypes)");
    }
}
