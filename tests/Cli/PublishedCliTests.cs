using MxRef.Harness.Verify;
using MxRef.Tests.Cosim;
using MxRef.Tests.Support;
using MxRef.Vectors.Files;
using Newtonsoft.Json.Linq;
using Xunit;

namespace MxRef.Tests.CommandLine;

/// <summary>
/// The CLI that `make build` publishes is compiled ahead of time (NativeAOT), where reflection the trimmer could not see
/// would fail only at run time. These run the published executable on the commands that read and write JSON, .npy and
/// .mxv, and require the same output as the CLI run in-process (the JIT build the other tests use).
/// </summary>
public sealed class PublishedCliTests
{
    private static string? Published()
    {
        var exe = Path.Combine(Repo.Root, "out", "cli", "mxref");
        if (File.Exists(exe)) return exe;
        // `make test` builds it first; only a bare `dotnet test` without `make build` has none.
        Assert.True(Environment.GetEnvironmentVariable("CI") != "true", $"{exe} is missing: `make build` publishes it");
        return null;
    }

    private static string Dir(string name)
    {
        var d = Path.Combine(Repo.Root, "out", "published-cli-tests", name);
        if (Directory.Exists(d)) Directory.Delete(d, true);
        Directory.CreateDirectory(d);
        return d;
    }

    private static void Same(string exe, string input, params string[] args)
    {
        var native = ProcessRun.Run(Repo.Root, exe, args, input);
        var jit = CliRunner.RunWithInput(input, args);
        Assert.True(jit.Exit == native.ExitCode, $"mxref {string.Join(' ', args)}: exit {native.ExitCode} published, {jit.Exit} in-process\n{native.Error}");
        Assert.Equal(jit.Out, native.Output);
    }

    [Fact]
    public void Formats_and_dot_print_what_the_in_process_cli_prints()
    {
        if (Published() is not { } exe) return;
        Same(exe, "", "formats", "--json");
        Same(exe, "", "formats", "--blocks", "--json");
        Same(exe, "0 1 0 7f 38 7f 38 00000000\n1 1 3 80 7c 80 7c 80000000\n", "dot", "-k", "1");
        Same(exe, "", "recipes", "list");
    }

    [Fact]
    public void Quantize_npy_files_are_byte_identical()
    {
        if (Published() is not { } exe) return;
        var dir = Dir("quantize");
        var x = Path.Combine(dir, "x.npy");
        Assert.Equal(0, CliRunner.Run("recipes", "sample-tensor", "--count", "4096", "--seed", "3", "-o", x).Exit);
        foreach (var (format, recipe) in new[] { ("mxfp8-e4m3", "ocp"), ("nvfp4", "nvfp4-te"), ("mx6", "ocp") })
        {
            string a = Path.Combine(dir, $"native-{format}"), b = Path.Combine(dir, $"jit-{format}");
            var native = ProcessRun.Run(Repo.Root, exe, ["quantize", "--format", format, "--recipe", recipe, "-i", x, "-o", a, "--values"]);
            Assert.True(native.ExitCode == 0, native.Describe("published mxref quantize"));
            Assert.Equal(0, CliRunner.Run("quantize", "--format", format, "--recipe", recipe, "-i", x, "-o", b, "--values").Exit);
            foreach (var file in Directory.GetFiles(dir, $"jit-{format}.*"))
            {
                var other = file.Replace($"jit-{format}", $"native-{format}");
                if (file.EndsWith(".json")) // the sidecar names its files
                    Assert.Equal(File.ReadAllText(file).Replace("jit-", "native-"), File.ReadAllText(other));
                else
                    Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(other));
            }
        }
    }

    [Fact]
    public void Generated_vectors_check_and_merged_reports_agree()
    {
        if (Published() is not { } exe) return;
        var dir = Dir("vectors");
        string a = Path.Combine(dir, "native.mxv"), b = Path.Combine(dir, "jit.mxv");
        string[] gen = ["vectors", "gen", "--corners", "--random", "--count", "2000", "-k", "4", "--a", "e4m3,e2m1", "--b", "e5m2", "-o"];
        var native = ProcessRun.Run(Repo.Root, exe, [.. gen, a]);
        Assert.True(native.ExitCode == 0, native.Describe("published mxref vectors gen"));
        Assert.Equal(0, CliRunner.Run([.. gen, b]).Exit);
        // Byte for byte but the header, which records the command (and so the file name).
        Assert.Equal(File.ReadLines(b).Skip(1), File.ReadLines(a).Skip(1));
        Same(exe, "", "vectors", "check", a);

        // report merge reads reports back field by field (the JSON reader the native build must keep).
        var reports = Enumerable.Range(0, 2).Select(shard =>
        {
            var path = Path.Combine(dir, $"shard-{shard}.json");
            File.WriteAllText(path, new VerifyResult
            {
                Regression = "mx_dot K=4 acc=fused; generated: --count 400 --seed 1", Top = "mx_dot", K = 4, Shard = shard, Shards = 2,
                Vectors = 200, Coverage = new long[CoverageTally.Size], ExpectedCoverage = [], Mismatches = [], MismatchJson = [],
            }.ToJson());
            return path;
        }).ToArray();
        string mergedNative = Path.Combine(dir, "merged-native.json"), mergedJit = Path.Combine(dir, "merged-jit.json");
        var merge = ProcessRun.Run(Repo.Root, exe, ["report", "merge", .. reports, "-o", mergedNative]);
        Assert.True(merge.ExitCode == 0, merge.Describe("published mxref report merge"));
        Assert.Equal(0, CliRunner.Run(["report", "merge", .. reports, "-o", mergedJit]).Exit);
        JObject n = JObject.Parse(File.ReadAllText(mergedNative)), j = JObject.Parse(File.ReadAllText(mergedJit));
        foreach (var volatileField in new[] { "wall_seconds", "harness_cpu_seconds" }) { n.Remove(volatileField); j.Remove(volatileField); }
        Assert.Equal(j.ToString(), n.ToString());
        Assert.Equal(400L, JsonFields.As<long>(n["vectors"]!));
    }

    /// <summary>
    /// The native CLI is published without Newtonsoft's reflection serializer (harness/trim/NewtonsoftNoSerializer.xml):
    /// there, anything that constructs a JsonSerializer throws. The JIT build the other tests run still has it, so this
    /// checks the sources instead: the CLI and the vector library read and write JSON only through JObject/JArray/JValue.
    /// </summary>
    [Fact]
    public void No_cli_code_uses_newtonsofts_reflection_serializer()
    {
        var serializer = new System.Text.RegularExpressions.Regex(
            @"\.ToObject\s*[<(]|\bFromObject\s*\(|\bJsonConvert\s*\.\s*(Serialize|Deserialize|Populate)|\bJsonSerializer\s*\.\s*Create|new\s+JsonSerializer\b");
        var uses = new List<string>();
        foreach (var project in new[] { "harness", "vectors", "refmodel" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(Repo.Root, project), "*.cs", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(Repo.Root, file).Replace('\\', '/');
                if (relative.Contains("/obj/") || relative.Contains("/bin/") || relative.StartsWith("harness/cosim/")) continue;
                int line = 0;
                foreach (var text in File.ReadLines(file))
                {
                    line++;
                    if (!text.TrimStart().StartsWith("//") && serializer.IsMatch(text)) uses.Add($"{relative}:{line}: {text.Trim()}");
                }
            }
        Assert.True(uses.Count == 0, "Newtonsoft's serializer, which the native CLI does not contain:\n" + string.Join('\n', uses));
    }
}
