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
        var report = new CoverageReport(CoverageReport.ExpectedFor(o.FormatsA, o.FormatsB, o.Modes));
        threads = threads > 0 ? threads : Environment.ProcessorCount;
        using var writer = MxvWriter.Create(path, header);

        // Batches never straddle a section boundary, so the section comment goes between two batches.
        var batches = new List<(long Start, long End, string? Section)>();
        foreach (var s in gen.Sections)
        {
            long start = Math.Max(s.Start, gen.ShardStart), end = Math.Min(s.End, gen.ShardEnd);
            for (long b = start; b < end; b += BatchSize)
                batches.Add((b, Math.Min(end, b + BatchSize), b == start ? s.Name : null));
        }

        int lineMax = MxvLine.MaxLength(o.Block);
        var results = new (byte[] Bytes, int Length)?[batches.Count];
        var ready = new SemaphoreSlim[batches.Count];
        for (int i = 0; i < ready.Length; i++) ready[i] = new SemaphoreSlim(0, 1);
        int nextBatch = -1;
        // Bounded look-ahead: a worker may run at most `window` batches ahead of the writer (memory stays small).
        int window = Math.Max(4, 4 * threads);
        var slots = new SemaphoreSlim(window, window);
        var counters = new List<long[]>();
        // Batch buffers are recycled (at most `window` are in flight): fresh megabyte arrays would cost page faults and GCs.
        var buffers = new System.Collections.Concurrent.ConcurrentBag<byte[]>();
        Exception? failure = null;
        var workers = new Thread[threads];
        for (int w = 0; w < threads; w++)
        {
            var local = CoverageReport.NewCounters();
            counters.Add(local);
            workers[w] = new Thread(() =>
            {
                var v = new DotVector(o.Block);
                var classifier = new DotClassifier(o.Output);
                try
                {
                    while (true)
                    {
                        slots.Wait();
                        int bi = Interlocked.Increment(ref nextBatch);
                        if (bi >= batches.Count || Volatile.Read(ref failure) is not null) { slots.Release(); return; }
                        var (start, end, _) = batches[bi];
                        if (!buffers.TryTake(out var bytes)) bytes = new byte[BatchSize * lineMax];
                        int len = 0;
                        for (long i = start; i < end; i++)
                        {
                            gen.Generate(i, v);
                            classifier.Classify(v, local);
                            len += MxvLine.FormatDot(v, o.Output, bytes.AsSpan(len));
                        }
                        results[bi] = (bytes, len);
                        ready[bi].Release();
                    }
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref failure, e, null);
                    foreach (var r in ready) if (r.CurrentCount == 0) try { r.Release(); } catch (SemaphoreFullException) { }
                }
            }) { IsBackground = true, Name = $"mxv-gen-{w}" };
            workers[w].Start();
        }

        var clock = Stopwatch.StartNew();
        long written = 0, total = gen.ShardEnd - gen.ShardStart;
        var nextReport = TimeSpan.FromSeconds(2);
        for (int bi = 0; bi < batches.Count; bi++)
        {
            ready[bi].Wait();
            if (failure is not null) break;
            var (start, end, section) = batches[bi];
            if (section is not null) writer.WriteComment("class: " + section);
            var (bytes, len) = results[bi]!.Value;
            writer.WriteDataLines(bytes.AsSpan(0, len), (int)(end - start));
            results[bi] = null;
            buffers.Add(bytes);
            slots.Release();
            written += end - start;
            if (progress is not null && clock.Elapsed > nextReport)
            {
                progress.WriteLine($"mxref vectors gen: {written}/{total} vectors ({100.0 * written / total:F1}%), {written / clock.Elapsed.TotalSeconds / 1e6:F2} M/s");
                nextReport = clock.Elapsed + TimeSpan.FromSeconds(2);
            }
        }
        foreach (var t in workers) t.Join();
        if (failure is not null) throw new InvalidOperationException($"vector generation failed: {failure.Message}", failure);
        foreach (var c in counters) report.Add(c, 0);
        report.Add(CoverageReport.NewCounters(), total);
        writer.Commit();
        return report;
    }
}
