namespace MxRef.Harness.Verify;

/// <summary>
/// The batches of one simulation process, in a ring that they go round in stream order: claimed (in order, one
/// preparer at a time, since a file's lines are read in order), prepared (in parallel), written to the bench (in order),
/// compared (in order), then released for the batch <see cref="Size"/> places further on. Every hand-over is one batch
/// of thousands of vectors. The ring's state is guarded by one short-held lock; each role blocks on a monitor of its
/// own (the preparer whose turn it is to claim: a free slot; the other preparers: the turn; the writer: the next
/// prepared batch; the reader: the next written one) and is woken only by the event it waits for. With one monitor for
/// all, every hand-over woke every waiting thread, and a preparer waiting for a slot held the claim lock, on which the
/// others spun (<c>sched_yield</c>) before they blocked: ~30 ns of CPU per vector at mx_dot K = 32 (docs/PERFORMANCE.md,
/// "verify's pipeline"). Waits poll the run's stop flag, so a stop elsewhere (another process's crash, the mismatch
/// limit) never leaves a thread waiting.
/// </summary>
public sealed class BatchRing(int size, RunContext ctx)
{
    private readonly VectorBatch[] _batches = Enumerable.Range(0, size).Select(_ => ctx.Unit.NewBatch()).ToArray();
    private readonly object _gate = new(), _turn = new(), _slot = new(), _writer = new(), _reader = new();
    private long _claimed, _written, _released; // under _gate
    private long _end = long.MaxValue;
    private bool _writerDone;
    private volatile bool _abandoned;
    private bool _claiming; // under _turn: a preparer holds the turn to claim

    public int Size => size;

    /// <summary>Why claiming stopped early (a malformed file), reported when no earlier batch failed.</summary>
    public Exception? ClaimError { get; private set; }

    /// <summary>The next batch in stream order, filled by <paramref name="source"/>'s <c>Claim</c>; null at the end or on a stop.</summary>
    public VectorBatch? Claim(IVectorSource source)
    {
        lock (_turn)
        {
            while (_claiming && !Stopped) Monitor.Wait(_turn, PollMs);
            if (Stopped) return null;
            _claiming = true;
        }
        try
        {
            return ClaimInTurn(source);
        }
        finally
        {
            lock (_turn)
            {
                _claiming = false;
                Monitor.Pulse(_turn);
            }
        }
    }

    private VectorBatch? ClaimInTurn(IVectorSource source)
    {
        long n;
        lock (_slot)
        {
            while (true)
            {
                lock (_gate)
                {
                    n = _claimed;
                    if (n >= _end || Stopped) return null;
                    // Batch n reuses the slot of batch n − size: wait until that one has been compared.
                    if (_released > n - size) break;
                }
                Monitor.Wait(_slot, PollMs);
            }
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
        lock (_gate)
        {
            if (any) _claimed = n + 1;
            else _end = n;
        }
        if (!any) Wake(_writer); // it may wait for batch n, which will never come
        return any ? batch : null;
    }

    /// <summary>Marks a claimed batch prepared (its <see cref="VectorBatch.Error"/> set if that failed).</summary>
    public void Prepared(VectorBatch batch)
    {
        bool next;
        lock (_gate)
        {
            batch.Ready = true;
            next = batch.Number == _written; // the one the writer waits for
        }
        if (next) Wake(_writer);
    }

    /// <summary>For the writer: the next batch in stream order once prepared; null at the end of the stream.</summary>
    public VectorBatch? NextPrepared()
    {
        lock (_writer)
        {
            while (true)
            {
                lock (_gate)
                {
                    long n = _written;
                    if (n >= _end || _abandoned) return null;
                    var batch = _batches[n % size];
                    if (batch.Number == n && batch.Ready) return batch;
                    // After a stop the preparers quit: a batch not yet claimed will never come.
                    if (Stopped && n >= _claimed) return null;
                }
                Monitor.Wait(_writer, PollMs);
            }
        }
    }

    /// <summary>For the writer: the batch goes to the reader, its records sent to the bench or (<paramref name="sent"/> false) not.</summary>
    public void Written(VectorBatch batch, bool sent)
    {
        lock (_gate)
        {
            batch.Written = sent;
            _written = batch.Number + 1;
        }
        Wake(_reader);
    }

    public void WriterDone()
    {
        lock (_gate) _writerDone = true;
        Wake(_reader);
    }

    /// <summary>For the reader: the next batch the writer has dealt with, in stream order; null once the writer is done.</summary>
    public VectorBatch? NextWritten()
    {
        lock (_reader)
        {
            while (true)
            {
                lock (_gate)
                {
                    long n = _released;
                    if (_written > n) return _batches[n % size];
                    if (_writerDone) return null;
                }
                Monitor.Wait(_reader, PollMs);
            }
        }
    }

    /// <summary>For the reader: done with the batch; its slot may take a new one. (A reader that stops releasing keeps the batches.)</summary>
    public void Release(VectorBatch batch)
    {
        lock (_gate)
        {
            batch.Ready = false;
            _released = batch.Number + 1;
        }
        Wake(_slot);
    }

    /// <summary>The reader has finished: wake and stop every thread still waiting for a slot or a batch.</summary>
    public void Abandon()
    {
        lock (_gate) _abandoned = true;
        foreach (var role in new[] { _turn, _slot, _writer, _reader })
        {
            lock (role) Monitor.PulseAll(role);
        }
    }

    /// <summary>
    /// Wakes one thread blocked on <paramref name="role"/>, if any: the writer, the reader, the preparer holding the turn
    /// (on <c>_slot</c>) or one preparer waiting for the turn. A waiter checks its condition under
    /// <paramref name="role"/>'s lock before it waits, and the state changed before this takes that lock, so no wake-up
    /// is lost.
    /// </summary>
    private static void Wake(object role)
    {
        lock (role) Monitor.Pulse(role);
    }

    private const int PollMs = 100;

    private bool Stopped => _abandoned || ctx.StopRequested;
}
