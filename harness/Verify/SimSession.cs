using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MxRef.Harness.Verify;

/// <summary>
/// One simulation process and the threads that keep it busy: <paramref name="preparers"/> threads claim batches of
/// vectors in order and prepare them in parallel (inputs, golden results, records, coverage), a writer streams the
/// records into the bench's stdin in order, and the calling thread reads the results from its stdout and compares them.
/// The batches circulate in a fixed ring (<see cref="BatchRing"/>), so threads hand over thousands of vectors at a time
/// and nothing is allocated per batch. A watchdog stops a bench that owes results and has produced none for the
/// timeout; a crash or hang is reported with the last vector the bench consumed. <paramref name="benchArguments"/> are
/// the bench's options (<c>--posedge-only</c>).
/// </summary>
public sealed partial class SimSession(string exe, Func<IVectorSource> sourceFactory, RunContext ctx, int k, string label, int preparers = 1,
    IReadOnlyList<string>? benchArguments = null)
{

    public long Vectors { get; private set; }
    public double SimSeconds { get; private set; }
    public int Latency { get; private set; }
    /// <summary>CPU seconds the bench process used, as it reported them at the end (0 if it did not).</summary>
    public double BenchCpuSeconds { get; private set; }
    public long[] Coverage { get; } = new long[ctx.Unit.CoverageNames.Count];

    private readonly ConcurrentDictionary<long, VectorBatch> _inFlight = new();
    private long _written, _received, _lastProgress;
    private volatile bool _hung, _helloSeen;
    private Exception? _sourceError;

    public void Run()
    {
        using var source = sourceFactory();
        var psi = new ProcessStartInfo(exe) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in benchArguments ?? []) psi.ArgumentList.Add(a);
        using var proc = Process.Start(psi) ?? throw new SimFailure($"could not start {exe}");
        var errTail = new Queue<string>();
        var stdin = proc.StandardInput.BaseStream;
        var stdout = proc.StandardOutput.BaseStream;
        _lastProgress = Stopwatch.GetTimestamp();
        // The bench's stderr and the watchdog each on a thread of their own, not on the thread pool: a pool worker woken
        // by a timer tick or a stderr line spins on sched_yield for a while before it sleeps again, which cost ~37 ns of
        // CPU per vector with 250 ms ticks (docs/PERFORMANCE.md, "the bench's side of the stream").
        var errReader = new Thread(() => ReadErrors(proc.StandardError, errTail)) { IsBackground = true, Name = label + " stderr" };
        errReader.Start();
        using var ended = new ManualResetEventSlim(false, 0);
        var watchdog = new Thread(() =>
        {
            while (!ended.Wait(250)) Watch(proc);
        }) { IsBackground = true, Name = label + " watchdog" };
        watchdog.Start();
        try
        {
            Stream(proc, source, stdin, stdout, errTail, errReader);
        }
        finally
        {
            ended.Set();
            watchdog.Join();
        }
    }

    /// <summary>The ring of batches through the bench, from its start to its exit; the results compared on this thread.</summary>
    private void Stream(Process proc, IVectorSource source, Stream stdin, Stream stdout, Queue<string> errTail, Thread errReader)
    {
        // The preparers fill the ring while the bench starts (loads, builds the model, resets, measures its latency),
        // so that its first read finds whole batches waiting; the writer starts once the greeting is checked.
        var ring = new BatchRing(Math.Max(4, 2 * preparers + 2), ctx);
        var workers = Enumerable.Range(0, preparers)
            .Select(w => new Thread(() => Prepare(source, ring)) { IsBackground = true, Name = $"{label} prepare {w + 1}" })
            .ToList();
        foreach (var t in workers) t.Start();
        try
        {
            Greet(proc, stdout, errTail);
        }
        catch
        {
            ring.Abandon();
            foreach (var t in workers) t.Join();
            throw;
        }
        var clock = Stopwatch.StartNew();
        var writer = new Thread(() => Write(stdin, ring)) { IsBackground = true, Name = label + " writer" };
        workers.Add(writer);
        writer.Start();

        long readerCpu0 = ctx.Stages is null ? 0 : StageProfile.ThreadCpuNs();
        bool truncated = false;
        var buffer = new byte[VectorBatch.Capacity * ctx.Unit.ResultBytes];
        while (ring.NextWritten() is { } batch)
        {
            if (!truncated && batch.Written)
            {
                try
                {
                    stdout.ReadExactly(buffer, 0, batch.Count * batch.ResultBytes);
                    Compare(batch, buffer);
                }
                catch (Exception e) when (e is EndOfStreamException or IOException)
                {
                    truncated = true;
                    ctx.Stop();
                }
            }
            // Keep the unreleased batches (the failure report looks up the last vector consumed) and stop reading: the
            // ring would hand this same unreleased batch back forever.
            if (truncated) break;
            _inFlight.TryRemove(batch.FirstSeq, out _);
            ring.Release(batch);
        }
        ctx.Stages?.Lap(StageProfile.Stage.Reader, readerCpu0);
        ring.Abandon(); // after a crash the preparers may wait for batches the reader kept
        foreach (var t in workers) t.Join();
        if (!proc.WaitForExit(10_000)) Tools.Terminate(proc);
        proc.WaitForExit();
        errReader.Join(); // the stderr stream ends with the bench, so its last line (its CPU time) is in errTail
        SimSeconds = clock.Elapsed.TotalSeconds;
        if ((_sourceError ?? ring.ClaimError) is { } sourceError) throw sourceError;
        if (_hung) throw Failure(proc, errTail, $"no result for {ctx.Timeout.TotalSeconds:0} s although {Interlocked.Read(ref _written) - Interlocked.Read(ref _received)} vectors were outstanding: the simulation hung and was stopped");
        if (truncated || proc.ExitCode != 0) throw Failure(proc, errTail, $"the simulation ended after {Interlocked.Read(ref _received)} of {Interlocked.Read(ref _written)} results");
        if (stdout.Read(buffer, 0, 1) != 0) throw new SimFailure($"{label}: the bench wrote more results than vectors");
        lock (errTail)
        {
            var cpu = errTail.Select(l => CpuPattern().Match(l)).LastOrDefault(m => m.Success);
            if (cpu is not null) BenchCpuSeconds = double.Parse(cpu.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Keeps the bench's last 40 stderr lines (its CPU time, a crash's last vector) until the stream ends.</summary>
    private static void ReadErrors(StreamReader stderr, Queue<string> errTail)
    {
        try
        {
            while (stderr.ReadLine() is { } line)
            {
                lock (errTail)
                {
                    errTail.Enqueue(line);
                    if (errTail.Count > 40) errTail.Dequeue();
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // the pipe broke with the bench, or a failed session disposed of it
        }
    }

    /// <summary>Reads and checks the bench's greeting (unit, protocol version, K) and takes its latency.</summary>
    private void Greet(Process proc, Stream stdout, Queue<string> errTail)
    {
        var hello = new byte[StreamProtocol.HelloBytes];
        try
        {
            stdout.ReadExactly(hello);
        }
        catch (EndOfStreamException)
        {
            proc.WaitForExit(5000);
            throw Failure(proc, errTail, _hung ? $"the testbench did not start within {ctx.Timeout.TotalSeconds:0} s and was stopped" : "the testbench stopped before it was ready");
        }
        StreamProtocol.Hello h;
        try
        {
            h = StreamProtocol.ReadHello(hello, ctx.Unit.Kind);
        }
        catch (InvalidDataException e)
        {
            Tools.Terminate(proc);
            throw new SimFailure($"{label}: {e.Message}");
        }
        if (h.K != k) throw new SimFailure($"{label}: the bench was built for K = {h.K}, the run needs K = {k}");
        Latency = h.Latency;
        _helloSeen = true;
    }

    /// <summary>A preparing thread: claims the next batch in order, then fills it in parallel with the other preparers.</summary>
    private void Prepare(IVectorSource source, BatchRing ring)
    {
        var profile = ctx.Stages;
        while (ring.Claim(source) is { } batch)
        {
            try
            {
                Prepare(source, batch, profile);
            }
            catch (Exception e)
            {
                batch.Error = e;
            }
            ring.Prepared(batch);
        }
    }

    /// <summary>Inputs, golden result, coverage and binary record of every vector of the batch, chunk by chunk (the unit's steps).</summary>
    private void Prepare(IVectorSource source, VectorBatch batch, StageProfile? profile)
    {
        Array.Clear(batch.Coverage);
        var unit = ctx.Unit;
        long t = profile is null ? 0 : StageProfile.ThreadCpuNs();
        // Stage by stage over chunks small enough to stay in the cache, so that a profile reads the clock per chunk.
        for (int from = 0; from < batch.Count; from += Chunk)
        {
            int to = Math.Min(batch.Count, from + Chunk);
            source.Materialize(batch, from, to);
            if (profile is not null) t = profile.Lap(StageProfile.Stage.Inputs, t);
            unit.Evaluate(batch, from, to);
            if (profile is not null) t = profile.Lap(StageProfile.Stage.Model, t);
            if (unit.HasCoverageStep)
            {
                unit.Classify(batch, from, to);
                if (profile is not null) t = profile.Lap(StageProfile.Stage.Coverage, t);
            }
            unit.Encode(batch, from, to);
            if (profile is not null) t = profile.Lap(StageProfile.Stage.Encode, t);
        }
    }

    private const int Chunk = 256;

    private void Write(Stream stdin, BatchRing ring)
    {
        long cpu0 = ctx.Stages is null ? 0 : StageProfile.ThreadCpuNs();
        var pipe = new RecordPipe(stdin);
        long seq = 0;
        bool open = true;
        try
        {
            while (ring.NextPrepared() is { } batch)
            {
                if (batch.Error is { } error)
                {
                    // The first failure in stream order is reported: a bad line before the checksum it also breaks.
                    _sourceError ??= error is AggregateException a ? a.InnerException : error;
                    ctx.Stop();
                }
                if (batch.Error is not null || !open || ctx.StopRequested)
                {
                    ring.Written(batch, false);
                    continue;
                }
                batch.FirstSeq = seq;
                seq += batch.Count;
                _inFlight[batch.FirstSeq] = batch;
                if (Interlocked.Read(ref _written) <= Interlocked.Read(ref _received) + Latency + 1)
                    Interlocked.Exchange(ref _lastProgress, Stopwatch.GetTimestamp()); // the bench was idle until now
                Interlocked.Add(ref _written, batch.Count);
                ring.Written(batch, true);
                try
                {
                    pipe.Send(batch.Records, batch.Count * batch.RecordBytes);
                }
                catch (IOException)
                {
                    open = false; // the bench is gone; the reader reports why
                    ctx.Stop();
                }
            }
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
                // the bench is gone
            }
            ring.WriterDone();
            ctx.Stages?.Lap(StageProfile.Stage.Writer, cpu0);
        }
    }

    private void Compare(VectorBatch batch, byte[] results)
    {
        int size = batch.ResultBytes;
        if (size == 8)
        {
            // The dot unit's 8-byte results: one word compare per vector (the hot path of the default run).
            var got = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(results.AsSpan(0, batch.Count * 8));
            var want = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(batch.Expected.AsSpan(0, batch.Count * 8));
            for (int i = 0; i < got.Length; i++)
                if (got[i] != want[i]) ctx.Record(batch, i, results.AsSpan(i * 8, 8));
        }
        else
        {
            for (int i = 0; i < batch.Count; i++)
            {
                var got = results.AsSpan(i * size, size);
                if (!got.SequenceEqual(batch.ExpectedResult(i))) ctx.Record(batch, i, got);
            }
        }
        for (int c = 0; c < Coverage.Length; c++) Coverage[c] += batch.Coverage[c];
        Vectors += batch.Count;
        Interlocked.Add(ref _received, batch.Count);
        Interlocked.Add(ref ctx.Compared, batch.Count);
        Interlocked.Exchange(ref _lastProgress, Stopwatch.GetTimestamp());
    }

    private void Watch(Process proc)
    {
        if (_hung) return;
        // The bench flushes its results before it waits for input, so once it has its greeting out, more than Latency
        // vectors without a result for the whole timeout means it is stuck (or waits for a clock that never comes).
        long outstanding = Interlocked.Read(ref _written) - Interlocked.Read(ref _received);
        if (_helloSeen && outstanding <= Latency) return;
        if (Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastProgress)) < ctx.Timeout) return;
        _hung = true;
        ctx.Stop();
        Tools.Terminate(proc);
    }

    [GeneratedRegex(@"streamed \d+ vectors, cpu ([0-9.]+) s")]
    private static partial Regex CpuPattern();

    [GeneratedRegex(@"after driving (\d+) vectors")]
    private static partial Regex DrivenPattern();

    private SimFailure Failure(Process proc, Queue<string> errTail, string what)
    {
        string[] lines;
        Thread.Sleep(100); // let the last stderr lines arrive
        lock (errTail) lines = errTail.ToArray();
        string exit = !proc.HasExited ? "still running" : proc.ExitCode > 128 ? $"exit code {proc.ExitCode} (signal {proc.ExitCode - 128})" : $"exit code {proc.ExitCode}";
        string last = "";
        var driven = lines.Select(l => DrivenPattern().Match(l)).LastOrDefault(m => m.Success);
        if (driven is not null && long.TryParse(driven.Groups[1].Value, out long n) && n > 0)
        {
            long seq = n - 1;
            var b = _inFlight.Values.FirstOrDefault(x => seq >= x.FirstSeq && seq < x.FirstSeq + x.Count);
            last = b is null
                ? $"\n  last vector consumed: #{seq} of this process's stream"
                : $"\n  last vector consumed: {ctx.Origins.Describe(b.File, b.Origin[seq - b.FirstSeq])} (#{seq} of this process's stream)";
        }
        else if (Interlocked.Read(ref _received) > 0)
        {
            last = $"\n  results received for the first {Interlocked.Read(ref _received)} vectors of this process's stream";
        }
        var stderr = lines.Length == 0 ? "" : "\n  bench output:\n    " + string.Join("\n    ", lines);
        return new SimFailure($"{label}: {what} ({exit}){last}{stderr}");
    }
}
