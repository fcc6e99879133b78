using System.CommandLine;
using MxRef.Harness.Verify;

namespace MxRef.Harness.Commands;

/// <summary><c>mxref report merge</c>: combine the JSON reports of the shards of one regression (docs/verify.md).</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("reports") { Description = "JSON reports written by 'mxref verify --report'.", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out", "-o") { Description = "Write the merged JSON report here." };
        var junit = new Option<string?>("--junit") { Description = "Write a JUnit XML report of the merged result here." };
        var partial = new Option<bool>("--allow-partial") { Description = "Merge even when some shards have no report." };
        var coverageDir = new Option<string>("--code-coverage-dir") { Description = "Where the summed code coverage of reports made with --code-coverage goes (default out/coverage/merged).", DefaultValueFactory = _ => "out/coverage/merged" };
        var merge = new Command("merge", "Combine the JSON reports of the shards of one regression; prints the summary. Exit 0 pass, 1 mismatches, 2 errors.")
        {
            files, output, junit, partial, coverageDir,
        };
        merge.SetAction(r =>
        {
            var reports = r.GetValue(files)!.Select(f => (f, File.Exists(f) ? VerifyResult.FromJson(f) : throw new UsageException($"report '{f}' does not exist"))).ToArray();
            var merged = VerifyResult.Merge(reports, r.GetValue(partial), r.GetValue(coverageDir), r.InvocationConfiguration.Error);
            var o = r.InvocationConfiguration.Output;
            foreach (var m in merged.MismatchJson) o.WriteLine($"MISMATCH {m["source"]}: expected {m["expected"]}, actual {m["actual"]}\n  re-run    {m["repro"]}");
            o.Write(merged.Summary());
            if (r.GetValue(output) is { } path) AtomicFile.WriteAllText(path, merged.ToJson());
            if (r.GetValue(junit) is { } xml) AtomicFile.WriteAllText(xml, merged.ToJUnit());
            return merged.Error is not null ? Cli.ExitUsage : merged.MismatchCount > 0 ? Cli.ExitMismatch : Cli.ExitOk;
        });
        return new Command("report", "Work with verification reports.") { merge };
    }
}
