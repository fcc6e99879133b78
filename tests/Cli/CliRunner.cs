using MxRef.Harness;

namespace MxRef.Tests.CommandLine;

/// <summary>Runs the mxref command line in-process, capturing output, error and exit code.</summary>
public static class CliRunner
{
    private static readonly object ConsoleLock = new();

    public static (int Exit, string Out, string Err) RunWithInput(string stdin, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        lock (ConsoleLock)
        {
            var oldIn = Console.In;
            Console.SetIn(new StringReader(stdin));
            try
            {
                int code = MxRef.Harness.Cli.Run(args, o, e);
                return (code, o.ToString(), e.ToString());
            }
            finally
            {
                Console.SetIn(oldIn);
            }
        }
    }

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunWithInput("", args);
}
