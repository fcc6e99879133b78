using MxRef.Formats;
using MxRef.Dot;
using MxRef.Harness.Verify;
using MxRef.Rounding;
using MxRef.Vectors.Generation;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>A simulation that crashes or hangs is stopped and reported with the last vector it consumed (exit 2).</summary>
[Collection("Verilator")]
public sealed class SimFailureTests
{
    [Fact]
    public void CrashingDesignIsReportedWithTheLastVectorConsumed()
    {
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "crash");
        Directory.CreateDirectory(dir);
        var sv = Path.Combine(dir, "crash.sv");
        File.WriteAllText(sv, """
            // Passes C through (wrong, but it never gets that far) and dies with $fatal on its 1001st vector.
            module crash #(parameter int K = 4) (
              input logic clk, rst_n, in_valid, input logic [2:0] fmt_a, fmt_b, rm, input logic [7:0] scale_a, scale_b,
              input logic [8*K-1:0] a, b, input logic [31:0] c, output logic out_valid, output logic [31:0] d, output logic [4:0] flags);
              int unsigned n = 0;
              always_ff @(posedge clk) begin
                out_valid <= in_valid; d <= c;
                flags <= {fmt_a[0], rm[0], scale_a[0] ^ scale_b[0], ^a, ^b ^ ^fmt_b ^ ^fmt_a ^ ^rm ^ ^scale_a ^ ^scale_b ^ rst_n};
                if (in_valid) n <= n + 1;
                if (n == 1000) $fatal(1, "crash test: vector 1000");
              end
            endmodule
            """);
        var (exit, output, err) = VerifyFixture.Verify([sv], "--top", "crash", "--param", "K=4", "--random", "--count", "100000", "--verilator-flag=-Wno-fatal");
        Assert.True(exit == 2, output + err);
        Assert.Contains("signal 6", err);
        Assert.Contains("last vector consumed: generated vector #999 (seed 1, random)", err);
        Assert.Contains("crash test: vector 1000", err); // the design's own message, not swallowed
    }

    [Fact]
    public void HangingBenchIsStoppedAfterTheTimeout()
    {
        // A "bench" that greets and then never answers (sleep stands in for a simulation stuck in a loop).
        var dir = Path.Combine(VerifyFixture.Root, "out", "verify-tests", "hang");
        Directory.CreateDirectory(dir);
        var script = Path.Combine(dir, "hang.sh");
        File.WriteAllText(script, "#!/bin/sh\nprintf '\\115\\130\\124\\102\\001\\000\\000\\000\\004\\000\\000\\000\\005\\000\\000\\000'\nexec sleep 120\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var options = new DotGeneratorOptions { FormatsA = [StandardFormats.Elements[0]], FormatsB = [StandardFormats.Elements[1]], Modes = [RoundingMode.NearestEven], Block = 4, Random = true, Count = 100_000 };
        var gen = new GeneratedVectors(options, GeneratedVectors.OptionText(options));
        var ctx = new RunContext(new DotUnit(4, AccumulationModel.Fused), 10, TimeSpan.FromSeconds(1), gen);
        var session = new SimSession(script, () => gen.Open(new RunSlice(0, 1, 0, 1), null), ctx, 4, "simulation");
        var started = DateTime.UtcNow;
        var e = Assert.Throws<SimFailure>(session.Run);
        Assert.Contains("the simulation hung and was stopped", e.Message);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30), "the watchdog took too long");
    }
}
