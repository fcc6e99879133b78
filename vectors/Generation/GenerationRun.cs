using System.Collections.Concurrent;
using System.Diagnostics;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation;

/// <summary>
/// Runs a generator into an <c>.mxv</c> file: worker threads produce batches of consecutive indices (inputs, golden
/// result, coverage classes, formatted bytes) and the writer appends the batches strictly in index order, so the file
/// is byte-identical whatever the thread count. Sections start with a <c>// class: NAME</c> comment.
/// </summary>
public static class GenerationRun
{
    public const int BatchSize = 8192;

    /// <summary>Generates the shard of <paramref name="gen"/> into <paramref name="path"/>; returns the coverage of what was written.</summary>
    public static CoverageReport Write(DotVectorGenerator gen, MxvHeader header, string path, int threads = 0, TextWriter? progress = null)
    {
        var o = gen.Options;
        var report = new CoverageReport(o.ExpectedCoverage());
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        using var writer = MxvWriter.Create(path, header);
        var plan = new BatchPlan(gen);
        int lineMax = MxvLine.MaxLength(o.Block);

        // A ring of `window` result slots: a worker claims batch b only after taking one of `window` tickets, which the
        // writer returns once it has written a batch, so batch b's slot (b mod window) is free when b is claimed.
        int window = Math.Max(4, 4 * threads);
        var tickets = new SemaphoreSlim(window);
        var done = Enumerable.Range(0, window).Select(_ => new SemaphoreSlim(0)).ToArray();
        var results = new (byte[] Bytes, int Length)[window];
        var buffers = new ConcurrentBag<byte[]>(); // recycled: fresh megabyte arrays would cost page faults and GCs
        long nextBatch = -1;
        Exception? failure = null;
        bool stop = false;

        var counters = new long[threads][];
        var workers = new Thread[threads];
        for (int w = 0; w < threads; w++)
        {
            var local = counters[w] = CoverageReport.NewCounters();
            workers[w] = new Thread(() =>
            {
                var v = new DotVector(o.Block);
                var classifier = new DotOutputClassifier();
                var lineOutput = o.PerVectorOutput ? null : o.Output; // several outputs: each line names its own
                try
                {
                    while (true)
                    {
                        tickets.Wait();
                        long b = Interlocked.Increment(ref nextBatch);
                        if (b >= plan.Count || Volatile.Read(ref stop)) return;
                        var (start, end, _) = plan[b];
                        if (!buffers.TryTake(out var bytes)) bytes = new byte[BatchSize * lineMax];
                        int len = 0;
                        for (long i = start; i < end; i++)
                        {
                            gen.Generate(i, v, out var outcome);
                            classifier.Classify(v, outcome, local);
                            len += MxvLine.FormatDot(v, lineOutput, bytes.AsSpan(len));
                        }
                        results[b % window] = (bytes, len);
                        done[b % window].Release();
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                    foreach (var d in done) d.Release(); // wake the writer, whichever batch it waits for
                }
            }) { IsBackground = true, Name = $"mxv-gen-{w}" };
            workers[w].Start();
        }

        var clock = Stopwatch.StartNew();
        long written = 0, total = gen.ShardEnd - gen.ShardStart;
        var nextReport = TimeSpan.FromSeconds(2);
        try
        {
            for (long b = 0; b < plan.Count; b++)
            {
                done[b % window].Wait();
                if (Volatile.Read(ref failure) is { } f) throw new InvalidOperationException($"vector generation failed: {f.Message}", f);
                var (start, end, section) = plan[b];
                if (section is not null) writer.WriteComment("class: " + section);
                var (bytes, len) = results[b % window];
                writer.WriteDataLines(bytes.AsSpan(0, len), (int)(end - start));
                buffers.Add(bytes);
                tickets.Release();
                written += end - start;
                if (progress is not null && clock.Elapsed > nextReport)
                {
                    progress.WriteLine($"mxref vectors gen: {written}/{total} vectors ({100.0 * written / total:F1}%), {written / clock.Elapsed.TotalSeconds / 1e6:F2} M/s");
                    nextReport = clock.Elapsed + TimeSpan.FromSeconds(2);
                }
            }
        }
        finally
        {
            // Normal end or failure (here or in a worker): let every worker see the stop and leave.
            Volatile.Write(ref stop, true);
            tickets.Release(threads);
            foreach (var t in workers) t.Join();
        }
        foreach (var c in counters) report.Add(c, 0);
        report.Add(CoverageReport.NewCounters(), total);
        writer.Commit();
        return report;
    }

    /// <summary>The shard's batches: consecutive index ranges of at most <see cref="BatchSize"/>, never straddling a section.</summary>
    private sealed class BatchPlan
    {
        private readonly List<(long FirstBatch, long Start, long End, string Name)> _runs = [];

        public long Count { get; }

        public BatchPlan(DotVectorGenerator gen)
        {
            long batches = 0;
            foreach (var s in gen.Sections)
            {
                long start = Math.Max(s.Start, gen.ShardStart), end = Math.Min(s.End, gen.ShardEnd);
                if (end <= start) continue;
                _runs.Add((batches, start, end, s.Name));
                batches += (end - start + BatchSize - 1) / BatchSize;
            }
            Count = batches;
        }

        /// <summary>Batch b's index range, and its section's name when it is the section's first batch in this shard.</summary>
        public (long Start, long End, string? Section) this[long b]
        {
            get
            {
                int r = _runs.Count - 1;
                while (_runs[r].FirstBatch > b) r--;
                var run = _runs[r];
                long start = run.Start + (b - run.FirstBatch) * BatchSize;
                return (start, Math.Min(run.End, start + BatchSize), b == run.FirstBatch ? run.Name : null);
            }
        }
    }
}
