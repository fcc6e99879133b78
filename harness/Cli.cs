using System.CommandLine;
using MxRef.Harness.Commands;

namespace MxRef.Harness;

/// <summary>A usage or input error: reported on standard error with exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>The <c>mxref</c> command line. Exit codes: 0 success, 1 verification mismatch, 2 usage or input error.</summary>
public static class Cli
{
    public const int ExitOk = 0, ExitMismatch = 1, ExitUsage = 2;

    /// <summary>Every subcommand, in the order help lists them, with the factory that builds it.</summary>
    private static readonly (string Name, Func<Command> Create)[] Commands =
    [
        ("formats", FormatsCommand.Create),
        ("convert", ConvertCommand.Create),
        ("quantize", QuantizeCommand.Create),
        ("dot", DotCommand.Create),
        ("decode", DecodeCommand.Create),
        ("vectors", VectorsCommand.Create),
        ("verify", VerifyCommand.Create),
        ("report", ReportCommand.Create),
        ("dropback", DropbackCommand.Create),
        ("dequantize", DequantizeCommand.Create),
        ("recipes", RecipesCommand.Create),
    ];

    private const string Description =
        "MxRef: bit-exact reference model and test-vector generator for OCP Microscaling (MX v1.0) arithmetic.\n" +
        "Exit codes: 0 success, 1 verification mismatch, 2 usage or input error.";

    /// <summary>The names System.CommandLine's help option answers to (its <c>HelpOption</c> aliases).</summary>
    private static readonly string[] HelpNames = ["--help", "-h", "/h", "-?", "/?"];

    /// <summary>The whole command tree (help at the root lists every command).</summary>
    public static Command Build() => Build(null);

    /// <summary>
    /// The command tree for <paramref name="args"/>: when the first argument names a subcommand, the root holds only that
    /// one, since building every command's options and their defaults (verify's unit kinds and coverage tables among
    /// them) is a measurable share of a short run's CPU (docs/PERFORMANCE.md, "Command start-up"). Anything else (root
    /// help, another option, a misspelt command) gets the whole tree, so help and the parser's suggestions are unchanged.
    /// The root is System.CommandLine's <see cref="RootCommand"/> (help, <c>--version</c>, directives) only when the
    /// command line can use it: its constructor looks the help option's text up in the library's resources, a
    /// ResourceManager set-up that costs a fresh process about a millisecond (docs/PERFORMANCE.md, "Quantize data
    /// path"). A line with no help name, <c>--version</c>, directive (<c>[…]</c>) or response file (<c>@…</c>) parses
    /// the same under a plain root.
    /// </summary>
    public static Command Build(string[]? args)
    {
        string? first = args is { Length: > 0 } ? args[0] : null;
        bool one = first is not null && Array.Exists(Commands, c => c.Name == first);
        bool plain = one && Array.TrueForAll(args!, a => a != "--version" && Array.IndexOf(HelpNames, a) < 0 && !a.StartsWith('[') && !a.StartsWith('@'));
        Command root = plain ? new Command("mxref", Description) : new RootCommand(Description);
        foreach (var (name, create) in Commands)
            if (!one || name == first) root.Add(create());
        foreach (var version in root.Options.OfType<VersionOption>()) version.Action = new VersionAction();
        return root;
    }

    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--version"])
        {
            WriteVersion(stdout);
            return ExitOk;
        }
        var root = Build(args);
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors) stderr.WriteLine($"mxref: {e.Message}");
            var cmd = string.Join(' ', CommandPath(parsed.CommandResult, root));
            stderr.WriteLine($"Run 'mxref {cmd}{(cmd.Length > 0 ? " " : "")}--help' for usage.");
            return ExitUsage;
        }
        try
        {
            return parsed.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"mxref: {e.Message}");
            return ExitUsage;
        }
        catch (IOException e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            stderr.WriteLine($"mxref: {e.Message}");
            return ExitUsage;
        }
    }

    /// <summary>
    /// <c>mxref --version</c>: the version, then which golden-model loops this executable runs (the native CLI's
    /// instruction sets are fixed when it is compiled; docs/PERFORMANCE.md, "The published CLI's instruction set").
    /// </summary>
    private static void WriteVersion(TextWriter output)
    {
        output.WriteLine(BuildVersion.Informational);
        output.WriteLine($"golden model: {MxRef.Dot.MxDot.Implementation}");
    }

    /// <summary><c>--version</c> where the parser sees it (e.g. beside a directive): the same text.</summary>
    private sealed class VersionAction : System.CommandLine.Invocation.SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            WriteVersion(parseResult.InvocationConfiguration.Output);
            return ExitOk;
        }
    }

    /// <summary>The subcommand names from the root to the parsed command, e.g. ["vectors", "gen"].</summary>
    private static List<string> CommandPath(System.CommandLine.Parsing.CommandResult result, Command root)
    {
        var names = new List<string>();
        for (var r = result; r is not null && r.Command != root; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return names;
    }
}
