using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation;

/// <summary>A contiguous run of vector indices of one kind, labelled in files as <c>// class: NAME</c>.</summary>
public sealed record VectorSection(string Name, long Start, long Count)
{
    public long End => Start + Count;
}

/// <summary>
/// The dot-product vector generator. A run is a fixed sequence of vectors numbered 0 … <see cref="Total"/>−1: the
/// corner sections, then the exhaustive section, then the random section. Vector i is a pure function of (options, i)
/// — random draws come from a stream of the seed and the index (<c>VectorRandom</c> in the random section,
/// <c>MxRandom.ForStream</c> in the corner sections) — so <see cref="Generate"/> can be
/// called for any index in any order or thread, and shard I of N (a contiguous index range) is byte-identical to the
/// same lines of the unsharded run.
/// </summary>
public sealed class DotVectorGenerator
{
    /// <summary>Recorded in file headers; bump when the same options and seed produce different vectors.</summary>
    /// <remarks>4: the random section draws from <see cref="VectorRandom"/>, several decisions per 64-bit word (docs/vectors.md).</remarks>
    public const string Version = "mxref-vectors/4";

    private static readonly CornerFamily[] Families =
        [new OperandCorners(), new ScaleCorners(), new AccumulatorCorners(), new AlignmentCorners(), new ResultCorners(), new RoundingBoundaryCorners(),
         new SpecialCodeCorners(), new UnderflowCorners(), new LargestSumCorners(), new DominantCorners(), new ZeroSumCorners(),
         new LaneSpecialCorners(), new UnderflowExactCorners(), new ScaleCodeCorners()];

    // The corner sections' stream numbers start at 2^62 (the random section has its own kind of stream, VectorRandom).
    private const ulong CornerStreams = 1UL << 62;

    private readonly (NumberFormat A, NumberFormat B)[] _pairs;
    /// <summary>With <c>--pairs</c>: <see cref="_randomA"/>[p] and <see cref="_randomB"/>[p] are pair p, and the draw picks a pair.</summary>
    private readonly bool _paired;
    /// <summary>The random section's formats and modes as arrays, looked up once (the draw runs for every vector).</summary>
    private readonly ElementCodes[] _randomA, _randomB;
    private readonly RoundingMode[] _modes;
    /// <summary>The random section's key (<see cref="VectorRandom.KeyOf"/> of the seed), formed once.</summary>
    private readonly ulong _randomKey;
    /// <summary>The scale format's codec and powers, and the output formats as an array, looked up once.</summary>
    private readonly ScalePowers _scales;
    private readonly NumberFormat[] _outputs;
    /// <summary>The random section's first index and its length (0 without one): its vectors skip the plan search.</summary>
    private readonly long _randomStart, _randomCount;
    /// <summary>The sections in index order with what builds their vectors (an array: searched for every vector).</summary>
    private readonly SectionPlan[] _plans;

    public DotGeneratorOptions Options { get; }
    public IReadOnlyList<VectorSection> Sections { get; }
    public long Total { get; }
    /// <summary>This shard's index range [Start, End).</summary>
    public long ShardStart { get; }
    public long ShardEnd { get; }

    private sealed record SectionPlan(VectorSection Section, CornerFamily? Family, long[] PairStarts, bool IsRandom, NumberFormat Output, long OutputBase)
    {
        /// <summary>The section's end, a field (read for every vector).</summary>
        public long End { get; } = Section.End;
    }

    public DotVectorGenerator(DotGeneratorOptions options)
    {
        if (options.Validate() is { } problem) throw new ArgumentException(problem);
        Options = options;
        _pairs = options.FormatPairs.ToArray();
        _paired = options.Pairs is not null;
        _randomA = (_paired ? _pairs.Select(p => p.A) : options.FormatsA).Select(ElementCodes.For).ToArray();
        _randomB = (_paired ? _pairs.Select(p => p.B) : options.FormatsB).Select(ElementCodes.For).ToArray();
        _randomKey = VectorRandom.KeyOf(options.Seed);
        _modes = options.Modes.ToArray();
        _scales = ScalePowers.For(options.Scales);
        _outputs = options.Outputs.ToArray();
        long next = 0;
        var plans = new List<SectionPlan>();
        int modes = options.Modes.Count;
        // Several output formats: the corner and exhaustive sets once per output (each family aims at that output's
        // thresholds), in turn, their sections named with the output; the random vectors take the outputs in turn.
        var outputs = options.Outputs;
        string Suffix(NumberFormat o) => outputs.Count > 1 ? " " + o.Name : "";
        foreach (var output in outputs)
        {
            long outputBase = next; // this output's corner and exhaustive vectors draw their filler as in a run of it alone
            if (options.Corners)
            {
                foreach (var family in Families)
                {
                    var starts = new long[_pairs.Length + 1];
                    for (int p = 0; p < _pairs.Length; p++)
                        starts[p + 1] = starts[p] + (long)family.Variants(ElementCodes.For(_pairs[p].A), ElementCodes.For(_pairs[p].B), options.Scales, options.Block) * modes;
                    Add(new VectorSection("corners/" + family.Name + Suffix(output), next, starts[^1]), family, starts, false, output, outputBase);
                }
            }
            if (options.Exhaustive)
            {
                var starts = new long[_pairs.Length + 1];
                for (int p = 0; p < _pairs.Length; p++)
                    starts[p + 1] = starts[p] + ExhaustiveSet.CombinationsPerCell(_pairs[p].A, _pairs[p].B, options.Block) * modes * ExhaustiveSet.Accumulators.Length;
                Add(new VectorSection("exhaustive" + Suffix(output), next, starts[^1]), null, starts, false, output, outputBase);
            }
        }
        if (options.Random)
        {
            (_randomStart, _randomCount) = (next, options.Count);
            Add(new VectorSection("random", next, options.Count), null, [], true, options.Output, 0);
        }
        _plans = plans.ToArray();
        Sections = _plans.Select(p => p.Section).ToArray();
        Total = next;
        ShardStart = Total * options.ShardIndex / options.ShardCount;
        ShardEnd = Total * (options.ShardIndex + 1) / options.ShardCount;

        void Add(VectorSection s, CornerFamily? f, long[] starts, bool isRandom, NumberFormat output, long outputBase)
        {
            if (s.Count == 0) return;
            plans.Add(new SectionPlan(s, f, starts, isRandom, output, outputBase));
            next += s.Count;
        }
    }

    /// <summary>The section holding vector <paramref name="index"/>.</summary>
    public VectorSection SectionOf(long index) => PlanOf(index).Section;

    private SectionPlan PlanOf(long index)
    {
        var plans = _plans;
        for (int i = 0; i < plans.Length; i++)
            if (index < plans[i].End) return plans[i];
        throw new ArgumentOutOfRangeException(nameof(index), $"vector {index} is beyond the run's {Total} vectors");
    }

    /// <summary>Vector <paramref name="index"/> of the run: inputs and the golden model's expected D and FLAGS.</summary>
    public void Generate(long index, DotVector v) => Generate(index, v, out _);

    /// <summary>
    /// <see cref="Generate(long, DotVector)"/>, also giving the model's outcome (the exact product sum it formed), so a
    /// coverage classifier reads the sum instead of forming it again (<see cref="Coverage.DotOutputClassifier"/>).
    /// </summary>
    public void Generate(long index, DotVector v, out Dot.DotOutcome outcome)
    {
        GenerateInputs(index, v);
        outcome = v.Outcome(v.Output, Options.Model, Options.Profile);
        var r = outcome.Result;
        v.D = r.Bits;
        v.Flags = (byte)r.Flags;
    }

    /// <summary>Vector <paramref name="index"/>'s inputs only.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit] // every local is written before it is read: no frame zeroing per vector
    public void GenerateInputs(long index, DotVector v)
    {
        if (v.K != Options.Block) throw new ArgumentException($"vector has k = {v.K}, the run's block is {Options.Block}");
        // Reference fields are written only when they change: each write is a call to the GC's write barrier, and a
        // run's vectors mostly keep them.
        var scales = _scales.Codec;
        if (!ReferenceEquals(v.Scales, scales)) v.Scales = scales;
        long j = index - _randomStart;
        if ((ulong)j < (ulong)_randomCount)
        {
            // Random vector j is vector j of the run with its output alone (the outputs in turn: the (j mod n)-th).
            var outputs = _outputs;
            var output = outputs.Length == 1 ? outputs[0] : outputs[(int)(j % outputs.Length)];
            if (!ReferenceEquals(v.Output, output)) v.Output = output;
            WeightedRandom.Build(v, _randomA, _randomB, _paired, _modes, output, _scales, new VectorRandom(_randomKey, (ulong)j));
            return;
        }
        var plan = PlanOf(index);
        j = index - plan.Section.Start;
        v.Output = plan.Output;
        // Corner and exhaustive sections: pair-major, then variant, with the rounding mode changing fastest so that
        // consecutive lines switch modes (pipelines that read the mode from the wrong stage fail at once).
        int p = Array.BinarySearch(plan.PairStarts, j);
        p = p >= 0 ? p : ~p - 1;
        while (p + 1 < plan.PairStarts.Length && plan.PairStarts[p + 1] == plan.PairStarts[p]) p++; // skip empty pairs
        long within = j - plan.PairStarts[p];
        int modes = Options.Modes.Count;
        var mode = Options.Modes[(int)(within % modes)];
        long variant = within / modes;
        v.FormatA = _pairs[p].A;
        v.FormatB = _pairs[p].B;
        v.Rounding = mode;
        if (plan.Family is { } family)
        {
            var rng = MxRandom.ForStream(Options.Seed, CornerStreams + (ulong)(index - plan.OutputBase));
            family.Build(new CornerCell(ProductSums.For(v.FormatA, v.FormatB), mode, plan.Output), (int)variant, v, ref rng);
        }
        else
        {
            int nc = ExhaustiveSet.Accumulators.Length;
            v.C = ExhaustiveSet.Accumulators[variant % nc];
            ExhaustiveSet.Build(variant / nc, v);
        }
    }

    /// <summary>The <c>.mxv</c> header describing this run (and shard); <paramref name="command"/> is recorded as given.</summary>
    public MxvHeader Header(string? command = null)
    {
        var o = Options;
        var sets = new List<string>();
        if (o.Corners) sets.Add("corners");
        if (o.Exhaustive) sets.Add("exhaustive");
        if (o.Random) sets.Add("random");
        return new MxvHeader
        {
            Op = MxvHeader.OpDot, Block = o.Block, Output = MxvHeader.OutputText(o.Outputs), Accumulation = o.Model.ToString(),
            Profile = o.Profile.IsDefault ? null : o.Profile.ToString(),
            Pairs = o.Pairs?.Select(p => $"{p.A.Name}:{p.B.Name}").ToArray(),
            BlockFormat = o.BlockFormat?.Name, Scale = o.Scale == StandardFormats.E8M0 ? null : o.Scale.Name,
            FormatsA = FormatNames(o.FormatsA), FormatsB = FormatNames(o.FormatsB), Rounding = ModeNames(o.Modes), Sets = sets,
            Count = o.Random ? o.Count : null, Seed = o.Seed, Shard = o.ShardCount > 1 ? $"{o.ShardIndex}/{o.ShardCount}" : null,
            Generator = Version, Command = command,
        };
    }

    public static IReadOnlyList<string> FormatNames(IEnumerable<NumberFormat> formats) => formats.Select(f => f.Name).ToArray();
    /// <summary>Names of element formats given by their position in <see cref="StandardFormats.Elements"/>.</summary>
    public static IReadOnlyList<string> FormatNames(IEnumerable<int> codes) => codes.Select(c => StandardFormats.Elements[c].Name).ToArray();
    public static IReadOnlyList<string> ModeNames(IEnumerable<RoundingMode> modes) => modes.Select(m => m.ShortName()).ToArray();
}
