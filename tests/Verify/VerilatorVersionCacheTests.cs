using MxRef.Harness.Verify;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// <c>verilator --version</c> (part of the build hash) is asked once per installation and build directory: a second
/// call reads the cached answer; a changed executable (another size or modification time) is asked again.
/// </summary>
public sealed class VerilatorVersionCacheTests
{
    [Fact]
    public void The_version_is_asked_once_per_installation()
    {
        if (!OperatingSystem.IsLinux()) return;
        var dir = Path.Combine(Path.GetTempPath(), $"mxref-vercache-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var exe = Path.Combine(dir, "verilator");
            var calls = Path.Combine(dir, "calls");
            void Script(string version) =>
                File.WriteAllText(exe, $"#!/bin/sh\necho x >> '{calls}'\necho '{version}'\n");
            Script("Verilator 9.001");
            File.SetUnixFileMode(exe, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var cache = Path.Combine(dir, "build");
            int Calls() => File.Exists(calls) ? File.ReadAllLines(calls).Length : 0;

            Assert.Equal("Verilator 9.001", VerilatorBuild.VerilatorVersion(exe, cache));
            Assert.Equal("Verilator 9.001", VerilatorBuild.VerilatorVersion(exe, cache));
            Assert.Equal(1, Calls());

            Script("Verilator 9.002 (a longer line)"); // an upgrade: another size and time
            File.SetLastWriteTimeUtc(exe, DateTime.UtcNow.AddMinutes(1));
            Assert.Equal("Verilator 9.002 (a longer line)", VerilatorBuild.VerilatorVersion(exe, cache));
            Assert.Equal(2, Calls());
            Assert.Equal("Verilator 9.002 (a longer line)", VerilatorBuild.VerilatorVersion(exe, cache));
            Assert.Equal(2, Calls());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
