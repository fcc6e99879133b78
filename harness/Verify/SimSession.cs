using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace MxRef.Harness.Verify;

/// <summary>
/// One simulation process and the threads that keep it busy: a producer claims vectors and prepares them in parallel
/// (inputs, golden results, records), a writer streams the records into the bench's stdin in order, and the calling
/// thread reads the results from its stdout and compares them. A watchdog stops a bench that owes results and has
/// produced none for the timeout; a crash or hang is reported with the last vector the bench consumed.
/// </summary>
public sealed partial class SimSession(string exe, Func<IVectorSource> sourceFactory, RunContext ctx, int k, string label)
{
    private const int PoolSize = 8;

    public long Vectors { get; private set; }
    public double SimSeconds { get; private set; }
    public int Latency { get; private set; }
    /// <summary>CPU seconds the bench process used, as it reported them at the end (0 if it did not).</summary>
    public double BenchCpuSeconds { get; private set; }
    public long[] Coverage { get; } = new long[CoverageTally.Size];

    private readonly ConcurrentDictionary<long, VectorBatch> _inFlight = new();
    private long _written, _received, _lastProgress;
    private volatile bool _hung, _helloSeen;
    private Exception? _sourceError, _claimError;

    public void Run()
    {
        using var source = sourceFactory();
        var psi = new ProcessStartInfo(exe) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var proc = Process.Start(psi) ?? throw new SimFailure($"could not start {exe}");
        var errTail = new Queue<string>();
        proc.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (errTail)
            {
                errTail.Enqueue(e.Data);
                if (errTail.Count > 40) errTail.Dequeue();
            }
        };
        proc.BeginErrorReadLine();
        var stdin = proc.StandardInput.BaseStream;
        var stdout = proc.StandardOutput.BaseStream;
        _lastProgress = Stopwatch.GetTimestamp();
        using var watchdog = new Timer(_ => Watch(proc), null, 250, 250);

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
            h = StreamProtocol.ReadHello(hello);
        }
        catch (InvalidDataException e)
        {
            Tools.Terminate(proc);
            throw new SimFailure($"{label}: {e.Message}");
        }
        if (h.K != k) throw new SimFailure($"{label}: the bench was built for K = {h.K}, the run needs K = {k}");
        Latency = h.Latency;
        _helloSeen = true;
        var clock = Stopwatch.StartNew();

        var pool = new BlockingCollection<VectorBatch>();
        for (int i = 0; i < PoolSize; i++) pool.Add(new VectorBatch(k));
        var ordered = new BlockingCollection<Task<VectorBatch>>(PoolSize);
        var toCompare = new BlockingCollection<VectorBatch>(PoolSize);
        var producer = new Thread(() => Produce(source, pool, ordered)) { IsBackground = true, Name = label + " producer" };
        var writer = new Thread(() => Write(stdin, pool, ordered, toCompare)) { IsBackground = true, Name = label + " writer" };
        producer.Start();
        writer.Start();

        bool truncated = false;
        var buffer = new byte[VectorBatch.Capacity * StreamProtocol.ResultBytes];
        foreach (var batch in toCompare.GetConsumingEnumerable())
        {
            if (!truncated)
            {
                try
                {
                    stdout.ReadExactly(buffer, 0, batch.Count * StreamProtocol.ResultBytes);
                    Compare(batch, buffer);
                }
                catch (Exception e) when (e is EndOfStreamException or IOException)
                {
                    truncated = true;
                    ctx.Stop();
                }
            }
            if (truncated) continue; // keep the batches: the failure report looks up the last vector consumed
            _inFlight.TryRemove(batch.FirstSeq, out _);
            batch.Reset();
            pool.Add(batch);
        }
        writer.Join();
        producer.Join();
        if (!proc.WaitForExit(10_000)) Tools.Terminate(proc);
        proc.WaitForExit();
        SimSeconds = clock.Elapsed.TotalSeconds;
        if ((_sourceError ?? _claimError) is { } sourceError) throw sourceError;
        if (_hung) throw Failure(proc, errTail, $"no result for {ctx.Timeout.TotalSeconds:0} s although {Interlocked.Read(ref _written) - Interlocked.Read(ref _received)} vectors were outstanding: the simulation hung and was stopped");
        if (truncated || proc.ExitCode != 0) throw Failure(proc, errTail, $"the simulation ended after {Interlocked.Read(ref _received)} of {Interlocked.Read(ref _written)} results");
        if (stdout.Read(buffer, 0, 1) != 0) throw new SimFailure($"{label}: the bench wrote more results than vectors");
        Thread.Sleep(20); // the bench's last stderr line (its CPU time) may still be on its way
        lock (errTail)
        {
            var cpu = errTail.Select(l => CpuPattern().Match(l)).LastOrDefault(m => m.Success);
            if (cpu is not null) BenchCpuSeconds = double.Parse(cpu.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private void Produce(IVectorSource source, BlockingCollection<VectorBatch> pool, BlockingCollection<Task<VectorBatch>> ordered)
    {
        try
        {
            while (!ctx.StopRequested)
            {
                // Poll, not Take: after a crash the reader keeps its batches for the report, and the pool may stay empty.
                if (!pool.TryTake(out var batch, 100)) continue;
                if (ctx.StopRequested || !source.Claim(batch))
                {
                    pool.Add(batch);
                    break;
                }
                ordered.Add(Task.Run(() => Prepare(source, batch)));
            }
        }
        catch (Exception e)
        {
            // Reported only if no earlier vector failed: batches already queued are parsed first, so a bad line is
            // named before the trailer's checksum that the same bad line also breaks.
            _claimError = e;
            ctx.Stop();
        }
        finally
        {
            ordered.CompleteAdding();
        }
    }

    /// <summary>Inputs, golden result, binary record and coverage of every vector of the batch (runs on the thread pool).</summary>
    private VectorBatch Prepare(IVectorSource source, VectorBatch batch)
    {
        Array.Clear(batch.Coverage);
        for (int i = 0; i < batch.Count; i++)
        {
            source.Materialize(batch, i);
            var v = batch.Vectors[i];
            var r = ctx.Evaluate(v);
            batch.ExpectedD[i] = r.Bits;
            batch.ExpectedFlags[i] = (byte)r.Flags;
            StreamProtocol.Encode(v, batch.Record(i));
            CoverageTally.Classify(v, r.Bits, (byte)r.Flags, batch.Coverage);
        }
        return batch;
    }

    private void Write(Stream stdin, BlockingCollection<VectorBatch> pool, BlockingCollection<Task<VectorBatch>> ordered, BlockingCollection<VectorBatch> toCompare)
    {
        long seq = 0;
        bool open = true;
        try
        {
            foreach (var task in ordered.GetConsumingEnumerable())
            {
                VectorBatch batch;
                try
                {
                    batch = task.Result;
                }
                catch (AggregateException e)
                {
                    _sourceError ??= e.InnerException;
                    ctx.Stop();
                    continue;
                }
                if (!open || ctx.StopRequested)
                {
                    batch.Reset();
                    pool.Add(batch);
                    continue;
                }
                batch.FirstSeq = seq;
                seq += batch.Count;
                _inFlight[batch.FirstSeq] = batch;
                if (Interlocked.Read(ref _written) <= Interlocked.Read(ref _received) + Latency + 1)
                    Interlocked.Exchange(ref _lastProgress, Stopwatch.GetTimestamp()); // the bench was idle until now
                Interlocked.Add(ref _written, batch.Count);
                toCompare.Add(batch);
                try
                {
                    stdin.Write(batch.Records, 0, batch.Count * batch.RecordBytes);
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
            toCompare.CompleteAdding();
        }
    }

    private void Compare(VectorBatch batch, byte[] results)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            uint d = BinaryPrimitives.ReadUInt32LittleEndian(results.AsSpan(i * StreamProtocol.ResultBytes));
            byte flags = results[i * StreamProtocol.ResultBytes + 4];
            if (d != batch.ExpectedD[i] || flags != batch.ExpectedFlags[i]) ctx.Record(batch, i, d, flags);
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
