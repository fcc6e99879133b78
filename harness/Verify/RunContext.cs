using MxRef.Dot;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Verify;

/// <summary>State shared by the simulation processes of one run: the mismatch list and its limit, counters, the stop flag.</summary>
public sealed class RunContext(AccumulationModel model, int maxMismatches, TimeSpan timeout, IVectorOrigins origins)
{
    private readonly List<Mismatch> _mismatches = [];
    private long _mismatchCount;
    private volatile bool _stop;

    public AccumulationModel Model => model;
    public TimeSpan Timeout => timeout;
    public IVectorOrigins Origins => origins;
    /// <summary>CPU per stage when <c>MXREF_VERIFY_PROFILE=1</c>, else null.</summary>
    public StageProfile? Profile { get; } = StageProfile.FromEnvironment();
    public bool StopRequested => _stop;
    public long MismatchCount => Interlocked.Read(ref _mismatchCount);
    public bool LimitReached { get; private set; }

    /// <summary>Vectors whose results came back and were compared, over all processes.</summary>
    public long Compared;

    public void Stop() => _stop = true;

    public IReadOnlyList<Mismatch> Mismatches
    {
        get { lock (_mismatches) return _mismatches.OrderBy(m => m.Number).ToArray(); }
    }

    /// <summary>Records a mismatch (in detail up to the limit) and stops the run when the limit is reached.</summary>
    public void Record(VectorBatch batch, int i, uint d, byte flags)
    {
        long n = Interlocked.Increment(ref _mismatchCount);
        if (n > maxMismatches) return;
        var v = batch.Vectors[i];
        var copy = v.CopyInputs();
        // A few vectors before it put the pipeline in the state it had (for the trace re-run); a few after show the drain.
        int from = Math.Max(0, i - 8), to = Math.Min(batch.Count, i + 9);
        var m = new Mismatch
        {
            Number = (int)n,
            Source = origins.Describe(batch.File, batch.Origin[i]),
            File = batch.File,
            Origin = batch.Origin[i],
            Vector = copy,
            ExpectedD = batch.ExpectedD[i],
            ExpectedFlags = batch.ExpectedFlags[i],
            ActualD = d,
            ActualFlags = flags,
            Neighbourhood = batch.Records.AsSpan(from * batch.RecordBytes, (to - from) * batch.RecordBytes).ToArray(),
            NeighbourIndex = i - from,
        };
        lock (_mismatches) _mismatches.Add(m);
        if (n == maxMismatches)
        {
            LimitReached = true;
            Stop();
        }
    }
}
