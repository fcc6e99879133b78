using MxRef.Tests.Support;
using Xunit;

namespace MxRef.Tests.Rtl;

/// <summary>
/// Issue 6: the portable SystemVerilog bench (rtl/tb) under Verilator, on the committed sample vectors, and the RTL
/// lint and synthesis checks. Verilator and Yosys are installed by the make targets when missing.
/// </summary>
[Collection("Verilator")]
public class PortableBenchTests
{
    [Fact]
    public void PortableBenchPassesTheSampleVectors()
    {
        var (exit, output) = Repo.Run("make", "-s rtl-tb", TimeSpan.FromMinutes(15));
        Assert.True(exit == 0, output);
        Assert.Matches(@"\b0 mismatches", output);
    }

    [Fact]
    public void LintIsClean()
    {
        var (exit, output) = Repo.Run("make", "-s lint", TimeSpan.FromMinutes(5));
        Assert.True(exit == 0, output);
    }
}
