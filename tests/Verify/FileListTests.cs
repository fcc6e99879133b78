using MxRef.Harness;
using MxRef.Harness.Commands;
using MxRef.Tests.Support;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// File lists that include file lists (<c>-f other.f</c>, paths relative to the including list), read the same way by
/// <c>mxref verify</c> (VerifyCommand's reader) and by rtl/rtl.mk (rtl/filelist.awk): nested includes, a source
/// reached twice listed once, a cycle refused with the lists named; and every list in the repository expands to the
/// same sources in both readers.
/// </summary>
public sealed class FileListTests
{
    private static string Dir(string name)
    {
        var dir = Path.Combine(Repo.Root, "out", "verify-tests", name);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string Write(string dir, string relative, string text)
    {
        var path = Path.Combine(dir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>rtl/filelist.awk's sources of a list, as full paths (it prints them relative to the working directory, the root).</summary>
    private static (int Exit, string Output, IReadOnlyList<string> Sources) Awk(string list)
    {
        var (exit, output) = Repo.Run("awk", $"-f rtl/filelist.awk {Path.GetRelativePath(Repo.Root, list)}", TimeSpan.FromMinutes(1));
        var sources = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Path.GetFullPath(Path.Combine(Repo.Root, l.Trim()))).ToArray();
        return (exit, output, sources);
    }

    [Fact]
    public void AnIncludedListsPathsAreRelativeToItAndASourceIsListedOnce()
    {
        var dir = Dir("filelist-nested");
        foreach (var f in new[] { "pkg.sv", "lib/a.sv", "lib/b.sv", "top.sv" }) Write(dir, f, "// " + f + "\n");
        Write(dir, "lib/lib.f", "// the library, package first\n../pkg.sv\na.sv\n-f more.f\n");
        Write(dir, "lib/more.f", "b.sv\n../pkg.sv   // already listed by lib.f\n");
        var top = Write(dir, "top.f", "pkg.sv\n-f lib/lib.f\n-F lib/more.f\n-Wno-fatal\ntop.sv\n");
        string[] expected = [.. new[] { "pkg.sv", "lib/a.sv", "lib/b.sv", "top.sv" }.Select(f => Path.GetFullPath(Path.Combine(dir, f)))];

        Assert.Equal(expected, VerifyCommand.FileListSources(top));
        var (exit, output, sources) = Awk(top);
        Assert.True(exit == 0, output);
        Assert.Equal(expected, sources);
    }

    [Fact]
    public void ListsThatIncludeEachOtherAreRefusedByName()
    {
        var dir = Dir("filelist-cycle");
        Write(dir, "x.sv", "\n");
        var a = Write(dir, "a.f", "x.sv\n-f sub/b.f\n");
        Write(dir, "sub/b.f", "-f ../a.f\n");

        var e = Assert.Throws<UsageException>(() => VerifyCommand.FileListSources(a));
        Assert.Contains("file lists include each other: ", e.Message);
        Assert.Matches(@"a\.f -> \S*sub/b\.f -> \S*a\.f", e.Message);
        var (exit, output, _) = Awk(a);
        Assert.NotEqual(0, exit);
        Assert.Contains("filelist.awk: file lists include each other: ", output);
        Assert.Matches(@"a\.f -> \S*sub/b\.f -> \S*a\.f", output);

        // mxref verify stops on it before any build, with exit 2
        var (vexit, _, err) = VerifyFixture.Run("verify", "--filelist", a, "--count", "1");
        Assert.Equal(2, vexit);
        Assert.Contains("file lists include each other", err);

        Write(dir, "c.f", "-f missing.f\n");
        var m = Assert.Throws<UsageException>(() => VerifyCommand.FileListSources(Path.Combine(dir, "c.f")));
        Assert.Contains("c.f line 1: file list ", m.Message);
        Assert.Contains("missing.f' does not exist", m.Message);
    }

    [Theory]
    [InlineData("rtl/mx_dot.f")]
    [InlineData("rtl/mx_dot_bdr.f")]
    [InlineData("rtl/mx_quant.f")]
    [InlineData("rtl/mx_regen.f")]
    [InlineData("rtl/mx_decode.f")]
    [InlineData("examples/foreign_dot/foreign_dot.f")]
    public void BothReadersExpandTheRepositorysListsAlike(string list)
    {
        var path = Path.Combine(Repo.Root, list);
        var sources = VerifyCommand.FileListSources(path);
        var (exit, output, awk) = Awk(path);
        Assert.True(exit == 0, output);
        Assert.Equal(sources, awk);
        Assert.EndsWith("mx_pkg.sv", sources[0]); // package first
        Assert.Equal(sources.Count, sources.Distinct().Count());
    }
}
