namespace MxRef.Harness.Verify;

/// <summary>
/// The batches of one simulation process, in a ring that they go round in stream order: claimed (in order, under one
/// lock, since a file's lines are read in order), prepared (in parallel), written to the bench (in order), compared (in
/// order), then released for the batch <see cref="Size"/> places further on. Every hand-over is one batch of thousands
/// of vectors, under one monitor; waits poll the run's stop flag, so a stop elsewhere (another process's crash, the
/// mismatch limit) never leaves a thread waiting.
/// </summary>
public sealed class BatchRing(int size, RunContext ctx)
{
    private readonly VectorBatch[] _batches = Enumerable.Range(0, size).Select(_ => ctx.Unit.NewBatch()).ToArray();
    private readonly object _claimLock = new(), _gate = new();
    private long _claimed, _written, _released;
    private long _end = long.MaxValue;
    private bool _writerDone, _abandoned;

    public int Size => size;

    /// <summary>Why claiming stopped early (a malformed file), reported when no earlier batch failed.</summary>
    public Exception? ClaimError { get; private set; }

    /// <summary>The next batch in stream order, filled by <paramref name="source"/>'s <c>Claim</c>; null at the end or on a stop.</summary>
    public VectorBatch? Claim(IVectorSource source)
    {
        lock (_claimLock)
        {
            long n;
            lock (_gate)
            {
                n = _claimed;
                // Batch n reuses the slot of batch n − size: wait until that one has been compared.
                while (n < _end && _released <= n - size && !Stopped) Monitor.Wait(_gate, 100);
                if (n >= _end || Stopped) return null;
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
                Monitor.PulseAll(_gate);
            }
            return any ? batch : null;
        }
    }

    /// <summary>Marks a claimed batch prepared (its <see cref="VectorBatch.Error"/> set if that failed).</summary>
    public void Prepared(VectorBatch batch)
    {
        lock (_gate)
        {
            batch.Ready = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>For the writer: the next batch in stream order once prepared; null at the end of the stream.</summary>
    public VectorBatch? NextPrepared()
    {
        lock (_gate)
        {
            long n = _written;
            while (true)
            {
                if (n >= _end || _abandoned) return null;
                var batch = _batches[n % size];
                if (batch.Number == n && batch.Ready) return batch;
                // After a stop the preparers quit: a batch not yet claimed will never come.
                if (Stopped && n >= _claimed) return null;
                Monitor.Wait(_gate, 100);
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
            Monitor.PulseAll(_gate);
        }
    }

    public void WriterDone()
    {
        lock (_gate)
        {
            _writerDone = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>For the reader: the next batch the writer has dealt with, in stream order; null once the writer is done.</summary>
    public VectorBatch? NextWritten()
    {
        lock (_gate)
        {
            long n = _released;
            while (_written <= n)
            {
                if (_writerDone) return null;
                Monitor.Wait(_gate, 100);
            }
            return _batches[n % size];
        }
    }

    /// <summary>For the reader: done with the batch; its slot may take a new one. (A reader that stops releasing keeps the batches.)</summary>
    public void Release(VectorBatch batch)
    {
        lock (_gate)
        {
            batch.Ready = false;
            _released = batch.Number + 1;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>The reader has finished: wake and stop every thread still waiting for a slot or a batch.</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _abandoned = true;
            Monitor.PulseAll(_gate);
        }
    }

    private bool Stopped => _abandoned || ctx.StopRequested;
}
