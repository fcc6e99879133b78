namespace MxRef.Harness.Verify;

/// <summary>
/// The batches of one simulation process, in a ring that they go round in stream order: claimed (in order, one claim at
/// a time, since a file's lines are read in order), prepared (in parallel), written to the bench (in order), compared (in
/// order), then released for the batch <see cref="Size"/> places further on. Every hand-over is one batch of thousands
/// of vectors. Each role waits in a place of its own — the preparers for a free slot, the writer for the next batch
/// prepared, the reader for the next batch written — and a hand-over wakes only the role that can now go on, and only
/// when it can: a thread woken for nothing, or spinning for a lock another thread holds while it waits, costs a
/// context switch on each side (docs/PERFORMANCE.md, "the bench's side of the stream"). Waits poll the run's stop flag,
/// so a stop elsewhere (another process's crash, the mismatch limit) never leaves a thread waiting.
/// </summary>
public sealed class BatchRing(int size, RunContext ctx)
{
    private readonly VectorBatch[] _batches = Enumerable.Range(0, size).Select(_ => ctx.Unit.NewBatch()).ToArray();
    // The three waiting places; each also guards the state its waiters test.
    private readonly object _slots = new(), _prepared = new(), _written = new();
    private long _claimed, _writtenCount, _released;
    private long _end = long.MaxValue;
    private bool _claiming;
    private volatile bool _writerDone, _abandoned;

    public int Size => size;

    /// <summary>Why claiming stopped early (a malformed file), reported when no earlier batch failed.</summary>
    public Exception? ClaimError { get; private set; }

    /// <summary>The next batch in stream order, filled by <paramref name="source"/>'s <c>Claim</c>; null at the end or on a stop.</summary>
    public VectorBatch? Claim(IVectorSource source)
    {
        long n;
        lock (_slots)
        {
            while (true)
            {
                n = _claimed;
                if (n >= Volatile.Read(ref _end) || Stopped) return null;
                // Batch n reuses the slot of batch n − size: wait until that one has been compared, and for a claim in
                // progress (the source is read in order) to finish.
                if (!_claiming && _released > n - size) break;
                Monitor.Wait(_slots, 100);
            }
            _claiming = true;
        }
        var batch = _batches[n % size];
        batch.Reset();
        batch.Number = n;
        bool any;
        var t = ctx.Stages is null ? 0 : StageProfile.ThreadCpuNs();
        try
        {
            any = !ctx.StopRequested && source.Claim(batch);
        }
        catch (Exception e)
        {
            ClaimError = e;
            any = false;
            ctx.Stop();
        }
        ctx.Stages?.Lap(StageProfile.Stage.Claim, t);
        lock (_slots)
        {
            _claiming = false;
            if (any)
            {
                _claimed = n + 1;
                if (_released > n + 1 - size) Monitor.Pulse(_slots); // another slot is free: another preparer may claim
            }
            else
            {
                Volatile.Write(ref _end, n);
                Monitor.PulseAll(_slots);
            }
        }
        if (!any) Wake(_prepared); // the writer may be waiting for batch n, which will not come
        return any ? batch : null;
    }

    /// <summary>Marks a claimed batch prepared (its <see cref="VectorBatch.Error"/> set if that failed).</summary>
    public void Prepared(VectorBatch batch)
    {
        lock (_prepared)
        {
            batch.Ready = true;
            if (batch.Number == _writtenCount) Monitor.Pulse(_prepared); // the one the writer waits for
        }
    }

    /// <summary>For the writer: the next batch in stream order once prepared; null at the end of the stream.</summary>
    public VectorBatch? NextPrepared()
    {
        lock (_prepared)
        {
            long n = _writtenCount;
            while (true)
            {
                if (n >= Volatile.Read(ref _end) || _abandoned) return null;
                var batch = _batches[n % size];
                if (batch.Number == n && batch.Ready) return batch;
                // After a stop the preparers quit: a batch not yet claimed will never come.
                if (Stopped && n >= Volatile.Read(ref _claimed)) return null;
                Monitor.Wait(_prepared, 100);
            }
        }
    }

    /// <summary>For the writer: the batch goes to the reader, its records sent to the bench or (<paramref name="sent"/> false) not.</summary>
    public void Written(VectorBatch batch, bool sent)
    {
        batch.Written = sent;
        lock (_prepared) _writtenCount = batch.Number + 1;
        lock (_written) Monitor.Pulse(_written);
    }

    public void WriterDone()
    {
        _writerDone = true;
        Wake(_written);
    }

    /// <summary>For the reader: the next batch the writer has dealt with, in stream order; null once the writer is done.</summary>
    public VectorBatch? NextWritten()
    {
        long n = Volatile.Read(ref _released);
        lock (_written)
        {
            while (Volatile.Read(ref _writtenCount) <= n)
            {
                // Written before the flag: a batch written just before the end is still handed out.
                if (_writerDone) return Volatile.Read(ref _writtenCount) <= n ? null : _batches[n % size];
                Monitor.Wait(_written, 100);
            }
            return _batches[n % size];
        }
    }

    /// <summary>For the reader: done with the batch; its slot may take a new one. (A reader that stops releasing keeps the batches.)</summary>
    public void Release(VectorBatch batch)
    {
        batch.Ready = false;
        lock (_slots)
        {
            _released = batch.Number + 1;
            if (!_claiming) Monitor.Pulse(_slots); // a claim in progress passes the slot on when it ends
        }
    }

    /// <summary>The reader has finished: wake and stop every thread still waiting for a slot or a batch.</summary>
    public void Abandon()
    {
        _abandoned = true;
        Wake(_slots);
        Wake(_prepared);
        Wake(_written);
    }

    private static void Wake(object place)
    {
        lock (place) Monitor.PulseAll(place);
    }

    private bool Stopped => _abandoned || ctx.StopRequested;
}
