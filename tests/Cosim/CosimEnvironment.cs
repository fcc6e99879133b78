using Xunit;

namespace MxRef.Tests.Cosim;

/// <summary>
/// What the co-simulation tests share: the repository root, libmxref.so and the C examples (built once through
/// `make cosim-lib cosim-examples`, which is incremental and serializes the NativeAOT publish with a lock), and the
/// `mxref dot` streaming oracle every example is compared with.
/// </summary>
public sealed class CosimEnvironment
{
    public string Root { get; }
    public string CosimOut => Path.Combine(Root, "out", "cosim");
    public string Library => Path.Combine(CosimOut, "libmxref.so");
    public string Bin(string name) => Path.Combine(CosimOut, "bin", name);

    public CosimEnvironment()
    {
        Root = FindRoot();
        var make = ProcessRun.Run(Root, "make", ["-s", "cosim-lib", "cosim-examples"], timeout: TimeSpan.FromMinutes(15));
        if (make.ExitCode != 0) throw new InvalidOperationException(make.Describe("make cosim-lib cosim-examples"));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MxRef.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no MxRef.sln above {AppContext.BaseDirectory}");
    }

    /// <summary>`mxref dot ARGS` on the given lines: the streaming oracle.</summary>
    public string Oracle(string lines, params string[] arguments) => Mxref(lines, ["dot", .. arguments]);

    /// <summary>
    /// `mxref ARGS` with the given standard input: out/mxref when `make build` made it, else the CLI the test project
    /// carries (the same harness assembly, run by dotnet).
    /// </summary>
    public string Mxref(string input, string[] arguments)
    {
        string cli = Path.Combine(Root, "out", "mxref");
        var r = File.Exists(cli)
            ? ProcessRun.Run(Root, cli, arguments, input)
            : ProcessRun.Run(Root, "dotnet", [Path.Combine(AppContext.BaseDirectory, "mxref.dll"), .. arguments], input);
        if (r.ExitCode != 0) throw new InvalidOperationException(r.Describe("mxref " + string.Join(' ', arguments)));
        return r.Output;
    }
}

[CollectionDefinition(Name)]
public sealed class CosimCollection : ICollectionFixture<CosimEnvironment>
{
    /// <summary>One collection: the cosim tests share one build and run one after another (2 cores).</summary>
    public const string Name = "cosim";
}
