using MxRef.Tests.Support;
using Xunit;

namespace MxRef.Tests.Rtl;

/// <summary>
/// The portable bench (rtl/tb/mx_dot_tb.sv) reads the block size k from the vector file's header field "block"
/// (docs/vector-format.md) and refuses a file whose k is not the K it was built with, instead of driving vectors
/// whose packed operands it would cut or pad.
/// </summary>
[Collection("Verilator")]
public class BenchHeaderTests
{
    [Fact]
    public void TheBenchRefusesAFileWhoseBlockIsNotItsK()
    {
        string dir = Path.Combine(Repo.Root, "out", "test-rtl");
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, "block8_for_k4.mxv");
        var e = new StringWriter();
        int gen = MxRef.Harness.Cli.Run(["vectors", "gen", "--a", "e4m3", "--b", "e4m3", "-r", "rne", "--block", "8", "--random", "--count", "20", "-o", file], TextWriter.Null, e);
        Assert.True(gen == 0, e.ToString());

        // RTL_TB_K overrides the K the make target would read from the header: the K = 4 bench (as in PortableBenchTests).
        var (exit, output) = Repo.Run("make", $"-s rtl-tb MXV={file} RTL_TB_K=4", TimeSpan.FromMinutes(15));
        Assert.NotEqual(0, exit);
        Assert.Contains("has block 8 but the bench was built with K=4", output);
        Assert.DoesNotContain("mismatches", output);
    }
}
