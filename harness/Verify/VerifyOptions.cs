using MxRef.Dot;

namespace MxRef.Harness.Verify;

/// <summary>Everything <c>mxref verify</c> was asked to do (see docs/verify.md).</summary>
public sealed record VerifyOptions
{
    /// <summary>The kind of unit the design is (docs/verify.md "Units"): its ports, bench, golden model and coverage.</summary>
    public UnitKind Unit { get; init; } = UnitKind.Dot;
    /// <summary>
    /// The unit configured for a generated run of a kind other than dot (its golden settings: policy, recipe); null for
    /// the dot unit (made from <see cref="Model"/> and <see cref="Profile"/>) and for files (their headers decide).
    /// </summary>
    public IUnit? Golden { get; init; }
    public required IReadOnlyList<string> Rtl { get; init; }
    /// <summary>True when the sources are the project's own rtl/ (the repro command then needs no --rtl).</summary>
    public bool DefaultRtl { get; init; }
    public string Top { get; init; } = "mx_dot";
    public IReadOnlyList<(string Name, string Value)> Parameters { get; init; } = [];
    public int K { get; init; } = 32;
    public IReadOnlyList<string> VerilatorFlags { get; init; } = [];
    /// <summary>The unit's description file (<c>--dut</c>): the bench is generated from it; null: the mx_dot interface.</summary>
    public Description.DutDescription? Dut { get; init; }
    public AccumulationModel Model { get; init; } = AccumulationModel.Fused;
    /// <summary>The golden model's implementation profile (docs/semantics.md); with files, their header's when not given.</summary>
    public ImplementationProfile? Profile { get; init; }

    public IReadOnlyList<string> VectorFiles { get; init; } = [];
    public long? Line { get; init; }
    public IGeneratedVectors? Generator { get; init; }
    public long? Index { get; init; }

    public int Jobs { get; init; } = 1;
    public int Shard { get; init; }
    public int Shards { get; init; } = 1;
    /// <summary>Mismatches printed (and kept in the JSON report) in full; every mismatch is still counted and classified.</summary>
    public int MaxMismatches { get; init; } = 10;
    /// <summary>Stop the run after this many mismatches (null: compare every vector).</summary>
    public int? StopAfter { get; init; }
    /// <summary>Examples kept per mismatch class in the reports.</summary>
    public int ExamplesPerClass { get; init; } = 3;
    /// <summary>Accepted mismatch classes: counted and reported, but they do not fail the run.</summary>
    public MxRef.Vectors.Diagnosis.WaiverSet? Waivers { get; init; }
    public bool Trace { get; init; }
    public string TraceDir { get; init; } = "out/verify";
    public string BuildDir { get; init; } = "out/verilator";
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    public string? JUnit { get; init; }
    public string? Report { get; init; }
    /// <summary>Raw simulation rate only: run the bench's free-running mode for this many vectors.</summary>
    public long? FreeRun { get; init; }
    /// <summary>Build with Verilator line and toggle coverage and write coverage.dat, coverage.info and HTML here (null: off).</summary>
    public string? CodeCoverageDir { get; init; }
}

/// <summary>The generator behind <c>mxref verify</c>'s generator options: index-addressable vectors.</summary>
public interface IGeneratedVectors
{
    long Total { get; }
    /// <summary>A source for one simulation process: its slice of the index range, or just <paramref name="onlyIndex"/>.</summary>
    IVectorSource Open(RunSlice slice, long? onlyIndex);
    IVectorOrigins Origins { get; }
    /// <summary>The coverage classes this run must hit.</summary>
    IReadOnlyList<int> ExpectedCoverage { get; }
    /// <summary>Identifies the regression (shards of the same regression have the same text).</summary>
    string Describe();
}
