using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace MxRef.Harness.Verify;

/// <summary>Finding and running the external tools (Verilator, make, g++), with their output captured for error messages.</summary>
public static class Tools
{
    public const string InstallHint =
        "install it with 'apt-get update && apt-get install -y verilator' (Debian/Ubuntu; 'make verify' does this when it is missing) " +
        "or see https://verilator.org/guide/latest/install.html";

    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? Which(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? Path.GetFullPath(name) : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var p = Path.Combine(dir, name);
            if (File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>Runs a command to completion; returns exit code and the interleaved stdout+stderr text.</summary>
    public static (int Exit, string Output) Run(string file, IEnumerable<string> args, string? workDir = null)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (workDir is not null) psi.WorkingDirectory = workDir;
        var text = new StringBuilder();
        using var p = new Process { StartInfo = psi };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        p.Start();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        p.WaitForExit();
        lock (text) return (p.ExitCode, text.ToString());
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SysKill(int pid, int signal);

    /// <summary>SIGTERM first, so the testbench can say which vector it was on; SIGKILL if it is still there after a second.</summary>
    public static void Terminate(Process p)
    {
        try
        {
            if (p.HasExited) return;
            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()) SysKill(p.Id, 15);
            if (!p.WaitForExit(1000)) p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }
}
