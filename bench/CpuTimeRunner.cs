using System.Reflection;
using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;

namespace MxRef.Bench;

/// <summary>
/// A CPU-time runner for the same benchmark classes BenchmarkDotNet runs: <c>MxRef.Bench --cpu-time [--quick] FILTER [NAME=VALUE …]</c>
/// (each NAME=VALUE keeps only the parameter combinations with that value, e.g. <c>Model=fused</c>).
/// BenchmarkDotNet measures wall-clock time, which on a machine shared with other jobs says more about the load than
/// about the code; this runner measures the CPU time of the calling thread (Linux CLOCK_THREAD_CPUTIME_ID) around each
/// measured batch, so a figure is the cost of an operation while the thread ran. Every combination of the class's
/// [Params] is run: [GlobalSetup], a warm-up of about 0.3 s of CPU, then <see cref="Rounds"/> batches of about 0.3 s
/// each; the table gives the fastest and the median batch in ns per operation ([Benchmark]'s OperationsPerInvoke).
/// Shared machines still slow a thread down (caches, a busy sibling hyperthread), so the fastest batch is the better
/// estimate of a quiet core.
/// </summary>
public static class CpuTimeRunner
{
    private static int Rounds = 7;
    private static double BatchSeconds = 0.3;

    public static int Run(string[] arguments)
    {
        // --quick: 5 batches of about 0.1 s (for sweeps of many cases); NAME=VALUE arguments select parameter values
        // (Model=fused); the others match class names.
        if (arguments.Contains("--quick")) { Rounds = 5; BatchSeconds = 0.1; arguments = arguments.Where(a => a != "--quick").ToArray(); }
        var filters = arguments.Where(a => !a.Contains('=')).ToArray();
        var parameterFilters = arguments.Where(a => a.Contains('=')).ToArray();
        var types = typeof(CpuTimeRunner).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetMethods().Any(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
            .Where(t => filters.Length == 0 || filters.Any(f => Matches(t.Name, f)))
            .OrderBy(t => t.Name).ToList();
        if (types.Count == 0)
        {
            Console.Error.WriteLine($"no benchmark class matches {string.Join(' ', filters)}");
            return 2;
        }
        Console.WriteLine("| benchmark | parameters | ns / op (fastest) | ns / op (median) | M ops / s (fastest) |");
        Console.WriteLine("|---|---|---:|---:|---:|");
        foreach (var type in types)
            foreach (var assignment in Combinations(type).Where(a => parameterFilters.All(f => a.Any(x => $"{x.Property.Name}={x.Value}" == f))))
                foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is not null))
                {
                    var instance = Activator.CreateInstance(type)!;
                    foreach (var (p, v) in assignment) p.SetValue(instance, v);
                    foreach (var setup in type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null)) setup.Invoke(instance, null);
                    int ops = method.GetCustomAttribute<BenchmarkAttribute>()!.OperationsPerInvoke;
                    var (fastest, median) = Measure(() => method.Invoke(instance, null), ops);
                    string parameters = string.Join(", ", assignment.Select(a => $"{a.Property.Name}={a.Value}"));
                    Console.WriteLine($"| {type.Name}.{method.Name} | {parameters} | {fastest:F2} | {median:F2} | {1000 / fastest:F1} |");
                }
        return 0;
    }

    private static bool Matches(string name, string filter) =>
        filter.Trim('*').Split('*').All(part => name.Contains(part, StringComparison.OrdinalIgnoreCase));

    private static IEnumerable<List<(PropertyInfo Property, object? Value)>> Combinations(Type type)
    {
        IEnumerable<List<(PropertyInfo, object?)>> result = [[]];
        foreach (var p in type.GetProperties())
        {
            object?[]? values = p.GetCustomAttribute<ParamsAttribute>()?.Values;
            if (p.GetCustomAttribute<ParamsSourceAttribute>() is { } source)
                values = ((System.Collections.IEnumerable)type.GetProperty(source.Name, BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!).Cast<object?>().ToArray();
            if (values is null) continue;
            result = result.SelectMany(list => values.Select(v => new List<(PropertyInfo, object?)>(list) { (p, v) })).ToList();
        }
        return result;
    }

    private static (double Fastest, double Median) Measure(Action call, int opsPerCall)
    {
        // Calibrate: how many calls fill one batch.
        long calls = 1;
        while (true)
        {
            double t = Time(call, calls);
            if (t >= BatchSeconds / 4) { calls = Math.Max(1, (long)(calls * BatchSeconds / t)); break; }
            calls *= 2;
        }
        Time(call, calls); // warm-up batch
        var perOp = new double[Rounds];
        for (int r = 0; r < Rounds; r++) perOp[r] = Time(call, calls) * 1e9 / (calls * opsPerCall);
        Array.Sort(perOp);
        return (perOp[0], perOp[Rounds / 2]);
    }

    private static double Time(Action call, long calls)
    {
        double start = ThreadCpuSeconds();
        for (long i = 0; i < calls; i++) call();
        return ThreadCpuSeconds() - start;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private const int ClockThreadCpuTime = 3; // CLOCK_THREAD_CPUTIME_ID (Linux)

    private static double ThreadCpuSeconds()
    {
        if (ClockGetTime(ClockThreadCpuTime, out var t) != 0) throw new InvalidOperationException("clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        return t.Seconds + t.Nanoseconds * 1e-9;
    }
}
