using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// Option errors of <c>mxref verify</c> (and the other commands) checked in one place: each command line must stop with
/// exit 2, a usage error found before any Verilator build, and name the problem on stderr.
/// </summary>
internal static class UsageErrorCases
{
    /// <summary>Runs each command line; asserts exit 2 and that stderr holds its message.</summary>
    public static void Check(params (string[] Args, string Message)[] cases)
    {
        foreach (var (args, message) in cases)
        {
            var (exit, output, err) = VerifyFixture.Run(args);
            Assert.True(exit == 2, $"mxref {string.Join(' ', args)}: exit {exit}, expected 2\n{output}{err}");
            Assert.Contains(message, err);
        }
    }
}
