using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// The bench's raw rate on given vectors (harness/tb/mxtb.h): <c>MXTB_RECORD=FILE</c> copies the stream a run sends into
/// FILE, and <c>mxtb --replay FILE</c> simulates those records from memory and writes, after its timed part, exactly
/// the bytes the stream writes for them (greeting and results).
/// </summary>
[Collection("Verilator")]
public sealed partial class ReplayTests
{
    [Fact]
    public void ARecordedStreamReplaysToTheSameResults()
    {
        var (run, stream, dir) = Recorded("k4.stream", "--param", "K=4", "--random", "--count", "3000", "--seed", "5");
        Assert.True(run.Exit == 0, run.Out + run.Err);
        Assert.Equal(3000L * (12 + 2 * 4), new FileInfo(stream).Length);
        var bench = BenchPath().Match(run.Err);
        Assert.True(bench.Success, run.Err);
        string exe = bench.Groups[1].Value;

        var (streamExit, streamed, _) = Bench(exe, ["--posedge-only"], stream);
        var (replayExit, replayed, replayErr) = Bench(exe, ["--posedge-only", "--replay", stream], null);
        Assert.Equal(0, streamExit);
        Assert.True(replayExit == 0, replayErr);
        Assert.Matches(@"mxtb replay: K=4, 3000 vectors of .* cpu [0-9.]+ s = \d+ vectors/cpu-s", replayErr);
        Assert.Equal(16 + 3000 * 8, streamed.Length);
        Assert.Equal(streamed, replayed);

        var cut = Path.Combine(dir, "cut.stream");
        File.WriteAllBytes(cut, File.ReadAllBytes(stream)[..^5]);
        var (cutExit, _, cutErr) = Bench(exe, ["--replay", cut], null);
        Assert.Equal(3, cutExit);
        Assert.Contains("--replay: the file ends inside a record", cutErr);
    }

    [Fact]
    public void FreeRunRecordsTheVectorsItDrivesAndTheirReplayGivesItsResults()
    {
        const int count = 5000, record = 12 + 2 * 4;  // more than the free-run table's 4,096 records
        var (run, stream, _) = Recorded("k4-free.stream", "--param", "K=4", "--free-run", count.ToString());
        Assert.True(run.Exit == 0, run.Out + run.Err);
        var records = File.ReadAllBytes(stream);
        Assert.Equal(count * record, records.Length);
        Assert.Equal(records[..record], records[(4096 * record)..(4097 * record)]);  // the table, driven again

        // free-run checksums the results it saw (sum = sum * 31 + byte); the replay of its records gives the same ones.
        var free = FreeRunSums().Match(run.Out + run.Err);
        Assert.True(free.Success, run.Out + run.Err);
        int results = int.Parse(free.Groups[1].Value);
        var (exit, replayed, err) = Bench(BenchPath().Match(run.Err).Groups[1].Value, ["--posedge-only", "--replay", stream], null);
        Assert.True(exit == 0, err);
        ulong sum = 0;
        foreach (var b in replayed.AsSpan(16, results * 8)) sum = sum * 31 + b;
        Assert.Equal(free.Groups[2].Value, sum.ToString("x"));
    }

    // mxref verify with MXTB_RECORD=FILE (inherited by the bench process): the run and the file it recorded.
    private static ((int Exit, string Out, string Err) Run, string Stream, string Dir) Recorded(string name, params string[] args)
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "replay");
        Directory.CreateDirectory(dir);
        var stream = Path.Combine(dir, name);
        File.Delete(stream);
        Environment.SetEnvironmentVariable("MXTB_RECORD", stream);
        try
        {
            return (VerifyFixture.Verify(VerifyFixture.Rtl, args), stream, dir);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MXTB_RECORD", null);
        }
    }

    [GeneratedRegex(@"\((\d+) results, checksum ([0-9a-f]+)\)")]
    private static partial Regex FreeRunSums();

    private static (int Exit, byte[] Out, string Err) Bench(string exe, string[] args, string? stdinFile)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(output);
        if (stdinFile is not null)
            using (var input = File.OpenRead(stdinFile)) input.CopyTo(p.StandardInput.BaseStream);
        p.StandardInput.Close();
        copy.Wait();
        p.WaitForExit();
        return (p.ExitCode, output.ToArray(), err.Result);
    }

    [GeneratedRegex(@"verify: (?:bench|built) (\S+)")]
    private static partial Regex BenchPath();
}
