using MxRef.Dot;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Verify;

/// <summary>
/// State shared by the simulation processes of one run: the golden model (accumulation and profile), every mismatch
/// counted and classified (the first <c>maxMismatches</c> kept in full, a few examples per class), the optional stop
/// after <c>stopAfter</c> mismatches, counters, the stop flag.
/// </summary>
public sealed class RunContext(AccumulationModel model, int maxMismatches, TimeSpan timeout, IVectorOrigins origins,
    ImplementationProfile? profile = null, int? stopAfter = null, int examplesPerClass = 3, byte flagMask = RunContext.AllFlags)
{
    /// <summary>Every flag bit of the protocol's flags byte (NX UF OF bit3 NV).</summary>
    public const byte AllFlags = 0x1F;
    private readonly List<Mismatch> _mismatches = [];
    private long _mismatchCount;
    private volatile bool _stop;
    private readonly ImplementationProfile _profile = profile ?? ImplementationProfile.Default;
    private readonly MismatchClassifier _classifier = new(MxRef.Formats.StandardFormats.Fp32, model, profile ?? ImplementationProfile.Default, flagMask);

    /// <summary>The flag bits the design reports (a described unit may lack some); the others are not compared.</summary>
    public byte FlagMask => flagMask;

    public AccumulationModel Model => model;
    public ImplementationProfile Profile => _profile;
    public TimeSpan Timeout => timeout;
    public IVectorOrigins Origins => origins;
    /// <summary>CPU per stage when <c>MXREF_VERIFY_PROFILE=1</c>, else null.</summary>
    public StageProfile? Stages { get; } = StageProfile.FromEnvironment();
    public bool StopRequested => _stop;
    public long MismatchCount => Interlocked.Read(ref _mismatchCount);
    /// <summary>The run stopped at <c>stopAfter</c> mismatches (not every vector was compared).</summary>
    public bool LimitReached { get; private set; }
    /// <summary>Every mismatch by class (diagnosis), with a bounded number of examples each.</summary>
    public MismatchTable<Mismatch> Classes { get; } = new(examplesPerClass);

    /// <summary>Vectors whose results came back and were compared, over all processes.</summary>
    public long Compared;

    public void Stop() => _stop = true;

    /// <summary>The golden result of a vector under the run's model and profile.</summary>
    public MxRef.Dot.DotResult Evaluate(MxRef.Vectors.Files.DotVector v) => v.Evaluate(MxRef.Formats.StandardFormats.Fp32, model, _profile);

    /// <summary>The mismatches kept in full (the first <c>maxMismatches</c> to arrive).</summary>
    public IReadOnlyList<Mismatch> Mismatches
    {
        get { lock (_mismatches) return _mismatches.OrderBy(m => m.Number).ToArray(); }
    }

    /// <summary>
    /// Counts and classifies a mismatch (only mismatches pay for the diagnosis), keeps it in full up to the limit and as
    /// an example of its class when it is among the first of it, and stops the run at <c>stopAfter</c>.
    /// </summary>
    public void Record(VectorBatch batch, int i, uint d, byte flags)
    {
        long n = Interlocked.Increment(ref _mismatchCount);
        var copy = batch.Vectors[i].CopyInputs();
        var diagnosis = _classifier.Diagnose(copy, batch.ExpectedD[i], (byte)(batch.ExpectedFlags[i] & flagMask), d, flags);
        Mismatch? built = null;
        Mismatch Build()
        {
            if (built is not null) return built;
            // A few vectors before it put the pipeline in the state it had (for the trace re-run); a few after show the drain.
            int from = Math.Max(0, i - 8), to = Math.Min(batch.Count, i + 9);
            return built = new Mismatch
            {
                Number = (int)Math.Min(n, int.MaxValue),
                Source = origins.Describe(batch.File, batch.Origin[i]),
                File = batch.File,
                Origin = batch.Origin[i],
                Vector = copy,
                ExpectedD = batch.ExpectedD[i],
                ExpectedFlags = (byte)(batch.ExpectedFlags[i] & flagMask),
                ActualD = d,
                ActualFlags = flags,
                Neighbourhood = batch.Records.AsSpan(from * batch.RecordBytes, (to - from) * batch.RecordBytes).ToArray(),
                NeighbourIndex = i - from,
                Diagnosis = diagnosis,
            };
        }
        if (n <= maxMismatches)
            lock (_mismatches) _mismatches.Add(Build());
        Classes.Add(diagnosis, n, Build);
        if (stopAfter is { } limit && n == limit)
        {
            LimitReached = true;
            Stop();
        }
    }

    /// <summary>Every kept mismatch: the full reports and the class examples (the same object when both).</summary>
    public IEnumerable<Mismatch> AllKept() => Mismatches.Concat(Classes.Rows.SelectMany(r => r.Examples)).Distinct();
}
