using Xunit;
using MxRef.Harness;
using MxRef.Harness.Commands;
using MxRef.Harness.Verify;

namespace MxRef.Tests.Verify;

/// <summary>
/// Shared helpers of the Verilator tests: the repository's RTL, a build cache under out/verilator (shared with
/// <c>make verify</c>, so an unchanged design is built once), and the CLI run in-process. The tests in the
/// "Verilator" collection run one at a time: each build already uses both cores.
/// </summary>
public static class VerifyFixture
{
    public static readonly string Root = FindRoot();
    public static readonly string BuildDir = Path.Combine(Root, "out", "verilator");

    public static IReadOnlyList<string> Rtl => UnitRtl("mx_dot");

    /// <summary>The sources of a unit's file list, rtl/NAME.f (mx_dot, mx_quant, mx_regen).</summary>
    public static IReadOnlyList<string> UnitRtl(string name) => VerifyCommand.FileListSources(Path.Combine(Root, "rtl", name + ".f"));

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "MxRef.sln")) && File.Exists(Path.Combine(d.FullName, "rtl", "mx_dot.sv"))) return d.FullName;
        throw new InvalidOperationException("cannot find the repository root (MxRef.sln and rtl/mx_dot.sv) above " + AppContext.BaseDirectory);
    }

    /// <summary>Fails (never skips) when Verilator is missing: a checker that is not run proves nothing.</summary>
    public static void RequireVerilator()
    {
        if (Tools.Which("verilator") is null) Assert.Fail("verilator is not on PATH: " + Tools.InstallHint);
    }

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        RequireVerilator();
        var o = new StringWriter();
        var e = new StringWriter();
        int exit = Cli.Run(args, o, e);
        return (exit, o.ToString(), e.ToString());
    }

    /// <summary><c>mxref verify</c> on the given sources with the shared build cache.</summary>
    public static (int Exit, string Out, string Err) Verify(IEnumerable<string> rtl, params string[] more) =>
        Run(["verify", "--rtl", .. rtl, "--build-dir", BuildDir, .. more]);

    /// <summary>
    /// A copy of the RTL in a fresh directory with <paramref name="find"/> replaced by <paramref name="replace"/> in
    /// <paramref name="file"/>. The pattern must occur exactly once: if the RTL changes so that it no longer does, the
    /// test fails here instead of verifying an unbroken copy and passing for the wrong reason.
    /// </summary>
    public static IReadOnlyList<string> Mutant(string name, string file, string find, string replace) => Mutant(name, file, find, replace, Rtl);

    /// <summary>As <see cref="Mutant(string, string, string, string)"/> for the sources of another unit (its file list).</summary>
    public static IReadOnlyList<string> Mutant(string name, string file, string find, string replace, IReadOnlyList<string> rtl)
    {
        var dir = Path.Combine(Root, "out", "verify-tests", name);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        var copies = new List<string>();
        foreach (var src in rtl)
        {
            var dst = Path.Combine(dir, Path.GetFileName(src));
            var text = File.ReadAllText(src);
            if (Path.GetFileName(src) == file)
            {
                int n = CountOccurrences(text, find);
                Assert.True(n == 1, $"mutation '{name}': the pattern '{find}' occurs {n} times in rtl/{file}, expected exactly once; update the mutation to the current RTL");
                text = text.Replace(find, replace, StringComparison.Ordinal);
            }
            File.WriteAllText(dst, text);
            copies.Add(dst);
        }
        Assert.Contains(file, copies.Select(Path.GetFileName));
        return copies;
    }

    private static int CountOccurrences(string text, string find)
    {
        int n = 0;
        for (int i = text.IndexOf(find, StringComparison.Ordinal); i >= 0; i = text.IndexOf(find, i + 1, StringComparison.Ordinal)) n++;
        return n;
    }
}

[CollectionDefinition("Verilator", DisableParallelization = true)]
public sealed class VerilatorCollection;
