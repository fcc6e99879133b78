using System.Text;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Cosim;

/// <summary>
/// Implementation profiles through the C ABI (mxref_dot_profiled, in dot_stream.c) and the Python binding
/// (lib.dot(profile=...), in dot_lines.py): for every non-default knob value, a few hundred lines of the default
/// regression's corner set (K = 32, every format pair and mode, FP32) answered exactly as <c>mxref dot --profile</c>
/// answers them. The lines include corners where the knob changes the result, so a library that ignored the profile
/// would fail.
/// </summary>
[Collection(CosimCollection.Name)]
public sealed class ProfiledDotTests(CosimEnvironment env)
{
    /// <summary>One non-default value of every knob (ImplementationProfile.Knobs), and a combination of several.</summary>
    public static TheoryData<string> Profiles => new(
        "tininess=before-rounding", "tininess=on-result", "zero-sign=positive", "zero-sign=c-passthrough",
        "zero-sign=positive+c-passthrough", "shortcut=threshold:70", "snan-elements=signal", "flush-inputs=on", "flush-c=on",
        "flush-result=on", "overflow=saturate", "nan-scale=as-number", "special-c=passthrough-when-dominant", "nan-result=propagate",
        "tininess=on-result,zero-sign=positive,flush-inputs=on,overflow=saturate,nan-result=propagate");

    private const int Lines = 300, Changed = 40;

    [Theory]
    [MemberData(nameof(Profiles))]
    public void ProfileGivesTheCliResult(string profile)
    {
        string lines = CornerLines(profile, out int changed);
        Assert.True(changed > 0, $"{profile}: no corner vector changes under it");
        string[] args = ["-k", "32", "--profile", profile];
        string expected = env.Oracle(lines, args);

        var c = ProcessRun.Run(env.Root, env.Bin("dot_stream"), args, lines);
        Assert.True(c.ExitCode == 0, c.Describe("dot_stream"));
        OutputComparison.AssertSameLines(lines, expected, c.Output, $"dot_stream --profile {profile}");

        Assert.True(ProcessRun.OnPath("python3"), "python3 is needed for the ctypes example");
        string script = Path.Combine(env.Root, "harness", "cosim", "examples", "python", "dot_lines.py");
        var py = ProcessRun.Run(env.Root, "python3", [script, "--lib", env.Library, .. args], lines);
        Assert.True(py.ExitCode == 0, py.Describe("dot_lines.py"));
        OutputComparison.AssertSameLines(lines, expected, py.Output, $"dot_lines.py --profile {profile}");
    }

    [Theory]
    [InlineData("tininess2=on-result", "unknown profile knob 'tininess2'; valid knobs: tininess = after-rounding")]
    [InlineData("overflow=clamp", "unknown value 'clamp' for profile knob overflow; valid: ieee, saturate")]
    [InlineData("saturate", "'saturate' is not name=value")]
    public void BadProfileIsRejectedWithTheKnobNamed(string profile, string message)
    {
        var c = ProcessRun.Run(env.Root, env.Bin("dot_stream"), ["--profile", profile], "");
        Assert.Equal(2, c.ExitCode);
        Assert.Contains(message, c.Error);

        string script = Path.Combine(env.Root, "harness", "cosim", "examples", "python", "dot_lines.py");
        var py = ProcessRun.Run(env.Root, "python3", [script, "--lib", env.Library, "--profile", profile], "");
        Assert.Equal(2, py.ExitCode);
        Assert.Contains("status -11", py.Error); // MXREF_E_PROFILE
        Assert.Contains(message, py.Error);
    }

    /// <summary>
    /// Up to <see cref="Changed"/> corner vectors whose result the profile changes, then evenly spaced others, as
    /// <c>mxref dot</c> input lines (<see cref="Lines"/> in all).
    /// </summary>
    private static string CornerLines(string profileText, out int changed)
    {
        var profile = ImplementationProfile.TryParse(profileText, out string? error) ?? throw new ArgumentException(error);
        var generator = new DotVectorGenerator(DotGeneratorOptions.AllFormatsAndModes(seed: 1, count: 0) with { Corners = true, Random = false, Block = 32 });
        var v = new DotVector(32);
        var picked = new List<long>();
        for (long i = 0; i < generator.Total && picked.Count < Changed; i++)
        {
            generator.Generate(i, v);
            var r = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused, profile);
            if (r.Bits != v.D || (byte)r.Flags != v.Flags) picked.Add(i);
        }
        changed = picked.Count;
        long step = Math.Max(1, generator.Total / (Lines - changed));
        for (long i = 0; picked.Count < Lines && i < generator.Total; i += step)
            if (!picked.Contains(i)) picked.Add(i);
        var sb = new StringBuilder();
        foreach (long i in picked)
        {
            generator.Generate(i, v);
            DotLine.AppendInputs(sb, v);
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
