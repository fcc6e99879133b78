using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Generation;

/// <summary>
/// What <see cref="DotVectorGenerator"/> produces: element formats (of <see cref="StandardFormats.Elements"/>), modes,
/// block size and the scale format (E8M0 unless a block format such as NVFP4 is named, see <see cref="ForBlockFormat"/>).
/// </summary>
public sealed record DotGeneratorOptions
{
    public required IReadOnlyList<NumberFormat> FormatsA { get; init; }
    public required IReadOnlyList<NumberFormat> FormatsB { get; init; }
    public required IReadOnlyList<RoundingMode> Modes { get; init; }
    public int Block { get; init; } = 32;
    public NumberFormat Output
    {
        get => _output;
        init { _output = value; _outputs = _outputList ?? Alone(value); }
    }
    /// <summary>
    /// Several output formats that the vectors take in turn (<see cref="WithOutputs"/>: the corner and exhaustive sets
    /// once per output, random vector j the (j mod n)-th), or null for <see cref="Output"/> alone.
    /// </summary>
    public IReadOnlyList<NumberFormat>? OutputList
    {
        get => _outputList;
        init { _outputList = value; _outputs = value ?? Alone(_output); }
    }
    /// <summary>
    /// The run's output formats: <see cref="OutputList"/>, or <see cref="Output"/> alone. Resolved when either is set
    /// (also by <c>with</c>, which runs the setters after copying), so reading it costs a field load: the generator
    /// reads it for every random vector.
    /// </summary>
    public IReadOnlyList<NumberFormat> Outputs => _outputs;

    private readonly NumberFormat _output = StandardFormats.Fp32;
    private readonly IReadOnlyList<NumberFormat>? _outputList;
    private readonly IReadOnlyList<NumberFormat> _outputs = Alone(StandardFormats.Fp32);

    /// <summary>
    /// One shared one-element list per output format, found by the format's value (<see cref="NumberFormat.Equals(NumberFormat)"/>),
    /// so that options equal field by field stay equal as records — the record compares the resolved list by reference —
    /// for any output format, standard or not, and for equal formats that are different objects.
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<NumberFormat, NumberFormat[]> Single = new();

    private static IReadOnlyList<NumberFormat> Alone(NumberFormat output) => Single.GetOrAdd(output, o => [o]);
    /// <summary>Whether the vectors differ in output format (the file's lines then carry it).</summary>
    public bool PerVectorOutput => OutputList is { Count: > 1 };
    public AccumulationModel Model { get; init; } = AccumulationModel.Fused;
    /// <summary>The golden model's implementation profile for the expected results (docs/semantics.md).</summary>
    public ImplementationProfile Profile { get; init; } = ImplementationProfile.Default;
    /// <summary>
    /// The (A, B) format pairs to generate, instead of the cross product <see cref="FormatsA"/> × <see cref="FormatsB"/>
    /// (a unit that takes one format for both operands); null for the cross product. <see cref="WithPairs"/> sets
    /// FormatsA and FormatsB to the formats the pairs use.
    /// </summary>
    public IReadOnlyList<(NumberFormat A, NumberFormat B)>? Pairs { get; init; }
    public ulong Seed { get; init; } = 1;
    /// <summary>Number of weighted-random vectors (used when <see cref="Random"/>).</summary>
    public long Count { get; init; }
    public bool Corners { get; init; }
    public bool Random { get; init; }
    public bool Exhaustive { get; init; }
    /// <summary>This run is part <see cref="ShardIndex"/> (0-based) of <see cref="ShardCount"/> disjoint parts.</summary>
    public int ShardIndex { get; init; }
    public int ShardCount { get; init; } = 1;
    /// <summary>The block scale format (read through its <see cref="ScaleCodec"/>).</summary>
    public NumberFormat Scale { get; init; } = StandardFormats.E8M0;
    /// <summary>The named block format the run was asked for (recorded in the header), or null for OCP MX with E8M0.</summary>
    public BlockFormat? BlockFormat { get; init; }

    public ScaleCodec Scales => ScaleCodec.For(Scale);

    /// <summary>The pairs the run generates: <see cref="Pairs"/>, or every A × B.</summary>
    public IReadOnlyList<(NumberFormat A, NumberFormat B)> FormatPairs => Pairs ?? FormatsA.SelectMany(a => FormatsB.Select(b => (a, b))).ToArray();

    /// <summary>These options for exactly the given pairs (duplicates dropped, order kept).</summary>
    public DotGeneratorOptions WithPairs(IReadOnlyList<(NumberFormat A, NumberFormat B)> pairs)
    {
        var distinct = pairs.Distinct().ToArray();
        return this with { Pairs = distinct, FormatsA = distinct.Select(p => p.A).Distinct().ToArray(), FormatsB = distinct.Select(p => p.B).Distinct().ToArray() };
    }

    /// <summary>These options with the output formats <paramref name="outputs"/> (one: the plain <see cref="Output"/>).</summary>
    public DotGeneratorOptions WithOutputs(IReadOnlyList<NumberFormat> outputs) =>
        this with { Output = outputs.Count > 0 ? outputs[0] : Output, OutputList = outputs.Count > 1 ? outputs.ToArray() : null };

    /// <summary>
    /// The classes the run must hit over its output formats and format pairs (<see cref="CoverageReport.ExpectedFor(IReadOnlyList{NumberFormat}, IReadOnlyList{NumberFormat}, IReadOnlyList{RoundingMode}, ScaleCodec?, int, IReadOnlyList{NumberFormat})"/>).
    /// </summary>
    public IReadOnlyList<int> ExpectedCoverage() =>
        ExpectedCoverage((a, b) => Coverage.CoverageReport.ExpectedFor(a, b, Modes, Scales, Block, Outputs));

    /// <summary>
    /// The coverage classes the run must hit, from <paramref name="expectedFor"/> (A formats, B formats → class ids):
    /// for the cross product as a whole, for <see cref="Pairs"/> the union over the pairs.
    /// </summary>
    public IReadOnlyList<int> ExpectedCoverage(Func<IReadOnlyList<NumberFormat>, IReadOnlyList<NumberFormat>, IReadOnlyList<int>> expectedFor) =>
        Pairs is null ? expectedFor(FormatsA, FormatsB) : Pairs.SelectMany(p => expectedFor([p.A], [p.B])).Distinct().Order().ToArray();

    /// <summary>
    /// These options for one block format: its element on both sides, its block size and scale format (NVFP4: E2M1,
    /// k = 16, UE4M3).
    /// </summary>
    public DotGeneratorOptions ForBlockFormat(BlockFormat f) => this with
    {
        FormatsA = [f.Element], FormatsB = [f.Element], Block = f.BlockSize, Scale = f.Scale, BlockFormat = f,
    };

    public static DotGeneratorOptions AllFormatsAndModes(ulong seed, long count) => new()
    {
        FormatsA = StandardFormats.Elements,
        FormatsB = StandardFormats.Elements,
        Modes = RoundingModes.Deterministic,
        Seed = seed, Count = count, Corners = true, Random = true,
    };

    /// <summary>Checks the options; returns a message naming the bad option, or null.</summary>
    public string? Validate()
    {
        if (FormatsA.Count == 0 || FormatsB.Count == 0) return "--a and --b need at least one format";
        if (Pairs is { Count: 0 }) return "--pairs needs at least one A:B pair";
        if (Pairs is not null && Pairs.Any(p => !FormatsA.Contains(p.A) || !FormatsB.Contains(p.B))) return "--pairs: every pair's formats must be among --a and --b";
        if (!Profile.IsDefault && Model.Kind == AccumulationKind.Fp32Sum) return $"--profile applies to the fused and chunked:N accumulation models, not {Model}";
        if (FormatsA.Concat(FormatsB).Any(f => StandardFormats.ElementCode(f) < 0)) return "the element formats are e4m3, e5m2, e3m2, e2m3, e2m1, int8";
        if (!StandardFormats.Scales.Contains(Scale)) return $"the scale format must be one of {string.Join(", ", StandardFormats.Scales.Select(s => s.Name))}";
        if (BlockFormat is { Microexponent: not null }) return $"{BlockFormat.Name} has microexponents; the dot vectors cover block formats with one scale level";
        if (Modes.Count == 0) return "--rounding needs at least one mode";
        if (Modes.Any(m => RoundingModes.FromCode((int)m) is null)) return "only the deterministic modes rne, rtz, rdn, rup, rna, rto have vector codes";
        if (Block is < 1 or > 4096) return $"--block must be 1..4096, got {Block}";
        if (!StandardFormats.Outputs.Contains(Output) || Outputs.Any(o => !StandardFormats.Outputs.Contains(o))) return "--out must be fp32, bf16 or fp16";
        if (Outputs.Distinct().Count() != Outputs.Count) return "--out names an output format twice";
        if (PerVectorOutput && BlockFormat is { Microexponent: not null }) return "--out: shared-microexponent vectors take one output format";
        if (Count < 0) return "--count must be at least 0";
        if (!Corners && !Random && !Exhaustive) return "choose at least one of --corners, --random, --exhaustive";
        if (ShardCount < 1 || ShardIndex < 0 || ShardIndex >= ShardCount) return $"--shard I/N needs 0 <= I < N (got {ShardIndex}/{ShardCount})";
        if (Exhaustive)
        {
            int widest = FormatsA.Max(f => f.Bits) + FormatsB.Max(f => f.Bits);
            if (Block * widest > ExhaustiveSet.MaxBits)
                return $"--exhaustive enumerates every code of both blocks: k·(wA+wB) = {Block}·{widest} bits exceeds {ExhaustiveSet.MaxBits}; use --block 1 (or 2 with 4/6-bit formats)";
        }
        return null;
    }
}
