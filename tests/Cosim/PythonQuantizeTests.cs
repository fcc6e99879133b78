using MxRef.Tests.Support;
using System.Text;
using Xunit;

namespace MxRef.Tests.Cosim;

/// <summary>
/// Block quantization through the C ABI (ctypes example) against `mxref quantize`: every OCP element format and
/// MX9/MX6/MX4, every policy option.
/// </summary>
[Collection(CosimCollection.Name)]
public sealed class PythonQuantizeTests(CosimEnvironment env)
{
    [Theory]
    [InlineData("--elem e4m3")]
    [InlineData("--elem e5m2 -k 16 --specials preserve")]
    [InlineData("--elem e3m2 -r rna --scale-rule ceil")]
    [InlineData("--elem e2m3 -r rdn --flush-subnormal-inputs --values")]
    [InlineData("--elem e2m1 -k 8 -r sr --sr-seed 42 --sr-width 5")]
    [InlineData("--elem int8 --int8 full --specials saturate -r rup")]
    [InlineData("--elem e4m3 -k 7 -r rto --values")]
    [InlineData("--elem mx9")]
    [InlineData("--elem mx6 -r rna --values")]
    [InlineData("--elem mx4 -r sr --sr-seed 7 --specials saturate --flush-subnormal-inputs")]
    public void QuantizeValuesMatchesTheOracle(string options)
    {
        Assert.True(ProcessRun.OnPath("python3"), "python3 is needed for the ctypes example");
        // A seed derived from the options themselves (string.GetHashCode is randomized per process: not reproducible).
        string values = RandomValues(1000, options.Aggregate(17, (h, ch) => unchecked(h * 31 + ch)));
        string[] args = options.Split(' ');
        string script = Path.Combine(env.Root, "harness", "cosim", "examples", "python", "quantize_values.py");
        var r = ProcessRun.Run(env.Root, "python3", [script, "--lib", env.Library, .. args], values);
        Assert.True(r.ExitCode == 0, r.Describe("quantize_values.py"));
        OutputComparison.AssertSameLines(BlockLabels(r.Output), env.Mxref(values, ["quantize", .. args]), r.Output, "quantize_values.py (ctypes)");
    }

    /// <summary>
    /// Quantization by block format and recipe name through mxref_quantize_recipe (quantize_recipe.py) against
    /// `mxref quantize --format F --recipe R`, with lists and, when NumPy is installed, with NumPy arrays.
    /// </summary>
    [Theory]
    [InlineData("--format mxfp8-e4m3 --recipe ocp")]
    [InlineData("--format mxfp4-e2m1 --recipe microxcaling --values")]
    [InlineData("--format mxfp6-e3m2 --recipe gfloat")]
    [InlineData("--format mxfp8-e5m2 --recipe te")]
    [InlineData("--format mxint8 --recipe exact-ceil --values")]
    [InlineData("--format mx6 --recipe ocp")]
    [InlineData("--format nvfp4 --recipe nvfp4-torchao")]
    [InlineData("--format nvfp4 --recipe nvfp4-te --values")]
    [InlineData("--format nvfp4 --recipe nvfp4-cudnn --tensor-scale 0x3e000000")]
    public void QuantizeByRecipeMatchesTheCli(string options)
    {
        Assert.True(ProcessRun.OnPath("python3"), "python3 is needed for the ctypes example");
        string values = RandomValues(1024, options.Aggregate(29, (h, ch) => unchecked(h * 31 + ch)));
        string[] args = options.Split(' ');
        string script = Path.Combine(env.Root, "harness", "cosim", "examples", "python", "quantize_recipe.py");
        string expected = env.Mxref(values, ["quantize", .. args]);
        var r = ProcessRun.Run(env.Root, "python3", [script, "--lib", env.Library, .. args], values);
        Assert.True(r.ExitCode == 0, r.Describe("quantize_recipe.py"));
        OutputComparison.AssertSameLines(BlockLabels(r.Output), expected, r.Output, "quantize_recipe.py (lists)");
        if (NumpyPython.Find() is not { } python) return; // no NumPy: the list path above is the whole test
        var n = ProcessRun.Run(env.Root, python, [script, "--lib", env.Library, "--numpy", .. args], values);
        Assert.True(n.ExitCode == 0, n.Describe("quantize_recipe.py --numpy"));
        OutputComparison.AssertSameLines(BlockLabels(n.Output), expected, n.Output, "quantize_recipe.py (NumPy arrays)");
    }

    /// <summary>FP32 bit patterns spread over many binades, with zeros, subnormals, ±Inf and NaN now and then.</summary>
    private static string RandomValues(int count, int seed)
    {
        var rng = new SeededRandom((ulong)seed);
        var sb = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            uint sign = (uint)rng.Next(2) << 31, mantissa = (uint)rng.Next() & 0x7FFFFF;
            uint bits = rng.Next(64) switch
            {
                0 => sign,
                1 => sign | 0x7F800000,
                2 => 0x7FC00000,
                3 => sign | mantissa,
                _ => sign | (uint)rng.Next(100, 150) << 23 | mantissa,
            };
            sb.Append("0x").Append(bits.ToString("x8")).Append(i % 16 == 15 ? '\n' : ' ');
        }
        return sb.ToString();
    }

    /// <summary>One label per output block, for the comparison's messages.</summary>
    private static string BlockLabels(string output) =>
        string.Join('\n', OutputComparison.Lines(output).Select((_, i) => $"block {i}"));
}

/// <summary>A python3 that can import NumPy: python3 on the PATH, else the system's /usr/bin/python3; null if neither.</summary>
public static class NumpyPython
{
    private static readonly Lazy<string?> Found = new(() =>
        new[] { "python3", "/usr/bin/python3" }.FirstOrDefault(p =>
        {
            try { return ProcessRun.Run(Path.GetTempPath(), p, ["-c", "import numpy"]).ExitCode == 0; }
            catch (System.ComponentModel.Win32Exception) { return false; }
        }));

    public static string? Find() => Found.Value;
}
