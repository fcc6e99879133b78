using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Diagnosis;

/// <summary>
/// What is known about one result that differs from the golden model (docs/verify.md, "Mismatch classes"): which parts
/// differ, the distance in ulps of the output format, the single-knob profiles under which the model gives exactly the
/// design's result, and the coverage classes of the input.
/// </summary>
public sealed record MismatchDiagnosis
{
    /// <summary>The table and waiver key: the explaining settings joined by '|', else <c>unexplained/PART+PART</c>.</summary>
    public required string Class { get; init; }
    /// <summary><c>value</c>, <c>sign</c>, <c>nan</c>, <c>nan-bits</c>, and per flag bit <c>NX-missing</c> / <c>NX-extra</c> (…).</summary>
    public required IReadOnlyList<string> Parts { get; init; }
    /// <summary>ord(actual) − ord(expected) in ulps of the output (±0 are one point; null when either is NaN).</summary>
    public long? Ulps { get; init; }
    /// <summary>
    /// Knob settings (<c>tininess=on-result</c>, <c>shortcut=threshold</c>, …) that each explain the result alone; when
    /// none does, the pairs of settings that explain it together (<c>tininess=on-result + zero-sign=positive</c>).
    /// </summary>
    public required IReadOnlyList<string> Explanations { get; init; }
    /// <summary>E_C − msb(S) when the shortcut explains the result (every threshold N below it does).</summary>
    public int? ShortcutDistance { get; init; }
    /// <summary>
    /// The input's coverage classes (operand-code classes left out), from the golden result. Computed on first use: a
    /// run reads it only for the mismatches it reports, and classifying every mismatch's coverage was a third of the
    /// diagnosis's cost when half the vectors mismatch (docs/PERFORMANCE.md, "Mismatch classification").
    /// </summary>
    public IReadOnlyList<string> Coverage
    {
        get => _coverage ??= _coverageOf?.Invoke() ?? [];
        init => _coverage = value;
    }

    private IReadOnlyList<string>? _coverage;
    private readonly Func<IReadOnlyList<string>>? _coverageOf;

    /// <summary>Supplies <see cref="Coverage"/> when it is first read.</summary>
    public Func<IReadOnlyList<string>> CoverageOf { init => _coverageOf = value; }

    /// <summary>True when the explanations are pairs of settings (no single setting explains the result).</summary>
    public bool ExplainedByPair => Explanations.Count > 0 && Explanations[0].Contains(MismatchClassifier.PairJoiner, StringComparison.Ordinal);

    public bool Explained => Explanations.Count > 0;

    /// <summary>"actual 1 ulp above expected", "same value", or "" when a NaN is involved.</summary>
    public string Distance => Ulps switch
    {
        null => "",
        0 => "same value",
        long u => $"actual {Math.Abs(u):N0} ulp{(Math.Abs(u) == 1 ? "" : "s")} {(u > 0 ? "above" : "below")} expected",
    };

    /// <summary>One line: differing parts, distance, explanation.</summary>
    public string Summary =>
        $"differs {string.Join(", ", Parts)}{(Distance.Length > 0 ? $"; {Distance}" : "")}; " +
        (Explained ? $"explained by {string.Join(" or ", Explanations)}{(ShortcutDistance is { } d ? $" (distance {d}: threshold:N with N < {d})" : "")}" : "explained by no single knob or pair");
}

/// <summary>
/// Classifies mismatches by re-running the golden model under each single-knob profile (docs/semantics.md,
/// "Implementation profiles"), each knob set on top of the run's own profile, and — only for a mismatch no single knob
/// explains — under each pair of settings of two different knobs, since one real unit has several behaviours at once.
/// Only mismatches pay for this: a few model evaluations per relevant knob (about 20 at most for one knob each, a few
/// dozen pairs at most), and nothing for knobs that cannot change the vector's result. Thread-safe.
/// </summary>
public sealed class MismatchClassifier
{
    /// <summary>The flag bits in the order they are named (bit 3 is unused by the dot product but compared).</summary>
    public static readonly IReadOnlyList<(byte Bit, string Name)> FlagBits = [(1, "NX"), (2, "UF"), (4, "OF"), (8, "bit3"), (16, "NV")];

    /// <summary>The part names an <c>unexplained/…</c> class is made of.</summary>
    public static IReadOnlyList<string> PartNames { get; } =
        ["value", "sign", "nan", "nan-bits", .. FlagBits.SelectMany(f => new[] { f.Name + "-missing", f.Name + "-extra" })];

    public const string UnexplainedPrefix = "unexplained/";
    public const string ShortcutSetting = "shortcut=threshold";
    /// <summary>Joins the two settings of a pair explanation (a knob value may itself contain '+').</summary>
    public const string PairJoiner = " + ";

    /// <summary>
    /// Every single-knob setting tried, in the order explanations are listed (the simpler zero-sign values first);
    /// the shortcut's threshold is chosen per vector.
    /// </summary>
    public static readonly IReadOnlyList<(string Knob, string Value)> Settings =
    [
        ("tininess", "after-rounding"), ("tininess", "before-rounding"), ("tininess", "on-result"),
        ("zero-sign", "ieee"), ("zero-sign", "positive"), ("zero-sign", "c-passthrough"), ("zero-sign", "positive+c-passthrough"),
        ("shortcut", "none"), ("shortcut", "threshold"),
        ("snan-elements", "quiet"), ("snan-elements", "signal"),
        ("flush-inputs", "off"), ("flush-inputs", "on"), ("flush-c", "off"), ("flush-c", "on"), ("flush-result", "off"), ("flush-result", "on"),
        ("overflow", "ieee"), ("overflow", "saturate"),
        ("nan-scale", "nan"), ("nan-scale", "as-number"),
        ("special-c", "ieee"), ("special-c", "passthrough-when-dominant"),
        ("nan-result", "canonical"), ("nan-result", "propagate"),
    ];

    /// <summary>A setting tried on top of the run's profile (the shortcut's profile is made per vector).</summary>
    private sealed record Candidate(int Order, Knob Knob, string Name, ImplementationProfile Profile);

    /// <summary>The knobs the relevance rules tell apart (the rest are always relevant).</summary>
    private enum Knob { Other, Tininess, ZeroSign, Shortcut, SignalingElements, FlushInputs, FlushC, FlushResult, Overflow, NanScale, SpecialC, NanResult }

    private static Knob KnobOf(string name) => name switch
    {
        "tininess" => Knob.Tininess, "zero-sign" => Knob.ZeroSign, "shortcut" => Knob.Shortcut, "snan-elements" => Knob.SignalingElements,
        "flush-inputs" => Knob.FlushInputs, "flush-c" => Knob.FlushC, "flush-result" => Knob.FlushResult, "overflow" => Knob.Overflow,
        "nan-scale" => Knob.NanScale, "special-c" => Knob.SpecialC, "nan-result" => Knob.NanResult, _ => Knob.Other,
    };

    private readonly NumberFormat _output;
    private readonly AccumulationModel _model;
    private readonly ImplementationProfile _profile;
    /// <summary>The run's profile with one knob changed, for every setting that differs from the run's own (shortcut excluded).</summary>
    private readonly Candidate[] _candidates;
    /// <summary>The run's profile with two knobs changed, composed once: [i, j] for candidates i &lt; j of different knobs.</summary>
    private readonly ImplementationProfile?[,] _pairs;
    private readonly bool _shortcut;
    private readonly ThreadLocal<DotClassifier> _coverage;
    /// <summary>The flag bits the design reports: a candidate's other flag bits are not compared.</summary>
    private readonly byte _flagMask;

    /// <param name="flagMask">The flag bits the design reports (a unit without some flag outputs): the expected and
    /// actual flags given to <see cref="Diagnose"/> carry only these, and each candidate is compared on them alone.</param>
    public MismatchClassifier(NumberFormat output, AccumulationModel model, ImplementationProfile profile, byte flagMask = 0x1F)
    {
        _output = output;
        _flagMask = flagMask;
        _model = model;
        _profile = profile;
        _coverage = new ThreadLocal<DotClassifier>(() => new DotClassifier(output));
        // fp32-sum takes only the default profile: its mismatches are classified by their parts alone.
        bool profiled = model.Kind != AccumulationKind.Fp32Sum;
        _shortcut = profiled;
        _candidates = !profiled ? [] : Settings
            .Select((s, i) => (s, i))
            .Where(x => x.s.Value != "threshold")
            .Select(x => new Candidate(x.i, KnobOf(x.s.Knob), $"{x.s.Knob}={x.s.Value}", profile.With(x.s.Knob, x.s.Value, out _)!))
            .Where(c => c.Profile != profile)
            .ToArray();
        _pairs = new ImplementationProfile?[_candidates.Length, _candidates.Length];
        for (int i = 0; i < _candidates.Length; i++)
            for (int j = i + 1; j < _candidates.Length; j++)
                if (_candidates[i].Knob != _candidates[j].Knob)
                {
                    var (knob, value) = Settings[_candidates[j].Order];
                    _pairs[i, j] = _candidates[i].Profile.With(knob, value, out _);
                }
    }

    public NumberFormat Output => _output;

    /// <summary>Diagnoses vector <paramref name="v"/> (its inputs) whose golden result is expected, the design's actual.</summary>
    public MismatchDiagnosis Diagnose(DotVector v, uint expectedD, byte expectedFlags, uint actualD, byte actualFlags)
    {
        var (parts, unexplained) = PartSetOf(PartMask(_output, expectedD, expectedFlags, actualD, actualFlags));
        var inputs = new InputConditions(v, _model);
        // The knobs' conditions and the coverage classes read the model's own flags, masked or not.
        byte modelFlags = _flagMask == 0x1F ? expectedFlags : (byte)v.Evaluate(_output, _model, _profile).Flags;
        List<(int Order, int Second, string Name)>? explanations = null;
        // Each relevant single candidate's result, kept for the pairs: a second knob is judged on the first one's result.
        int n = _candidates.Length;
        Span<bool> tried = stackalloc bool[n];
        Span<DotResult> results = stackalloc DotResult[n];
        for (int i = 0; i < n; i++)
        {
            var candidate = _candidates[i];
            if (!Relevant(candidate.Knob, inputs, expectedD, modelFlags)) continue;
            var r = v.Evaluate(_output, _model, candidate.Profile);
            if (r.Bits == actualD && ((byte)r.Flags & _flagMask) == actualFlags) (explanations ??= []).Add((candidate.Order, -1, candidate.Name));
            tried[i] = true;
            results[i] = r;
        }
        var distances = new ShortcutDistances(v, inputs.SubnormalElement);
        int? shortcut = _shortcut ? Shortcut(v, _profile, ref distances, actualD, actualFlags) : null;
        if (shortcut is not null) (explanations ??= []).Add((ShortcutOrder, -1, ShortcutSetting));
        if (explanations is null && n > 0)
            shortcut = Pairs(v, inputs, tried, results, ref distances, actualD, actualFlags, ref explanations);
        string[] names = explanations is null ? [] : explanations.OrderBy(e => e.Order).ThenBy(e => e.Second).Select(e => e.Name).ToArray();
        var copy = v.CopyInputs();
        return new MismatchDiagnosis
        {
            Class = names.Length > 0 ? string.Join('|', names) : unexplained,
            Parts = parts,
            Ulps = Ulps(_output, expectedD, actualD),
            Explanations = names,
            ShortcutDistance = shortcut,
            CoverageOf = () => CoverageOf(copy, expectedD, modelFlags),
        };
    }

    /// <summary>
    /// The pairs of settings of two different knobs under which the model gives the design's result. A pair (A, B) is
    /// tried when A can change the expected result and B can change A's result, or the other way round (the
    /// relevance rules of <see cref="Relevance"/>, applied to the intermediate result), so an exact zero that
    /// flush-inputs makes is open to zero-sign. The shortcut pairs with each relevant setting at that setting's own
    /// distance. Returns the shortcut distance when a shortcut pair explains the result.
    /// </summary>
    private int? Pairs(DotVector v, in InputConditions inputs, ReadOnlySpan<bool> tried, ReadOnlySpan<DotResult> results, ref ShortcutDistances distances,
        uint actualD, byte actualFlags, ref List<(int Order, int Second, string Name)>? explanations)
    {
        int? shortcut = null;
        int n = _candidates.Length;
        for (int i = 0; i < n; i++)
        {
            if (!tried[i]) continue;
            var first = _candidates[i];
            for (int j = 0; j < n; j++)
            {
                // (i, j) with both tried is opened from the lower index first; from the higher one only if that did not.
                var (lo, hi) = i < j ? (i, j) : (j, i);
                if (_pairs[lo, hi] is not { } pair || !Relevant(_candidates[j].Knob, inputs, results[i].Bits, (byte)results[i].Flags)) continue;
                if (j < i && tried[j] && Relevant(first.Knob, inputs, results[j].Bits, (byte)results[j].Flags)) continue;
                var r = v.Evaluate(_output, _model, pair);
                if (r.Bits == actualD && ((byte)r.Flags & _flagMask) == actualFlags)
                    (explanations ??= []).Add((_candidates[lo].Order, _candidates[hi].Order, _candidates[lo].Name + PairJoiner + _candidates[hi].Name));
            }
            if (_shortcut && first.Knob != Knob.Shortcut && Shortcut(v, first.Profile, ref distances, actualD, actualFlags) is { } d)
            {
                var (a, b) = ShortcutOrder < first.Order ? (ShortcutSetting, first.Name) : (first.Name, ShortcutSetting);
                (explanations ??= []).Add((Math.Min(ShortcutOrder, first.Order), Math.Max(ShortcutOrder, first.Order), a + PairJoiner + b));
                shortcut ??= d;
            }
        }
        return shortcut;
    }

    /// <summary>
    /// Which knobs can change this vector's result at all, from the rules of docs/semantics.md, so that a mismatch
    /// re-runs the model only under those: snan-elements needs a signalling element code, flush-inputs a nonzero
    /// subnormal element code, nan-scale a NaN scale code, special-c a NaN or infinite C, flush-c a subnormal C;
    /// nan-result changes only NaN results, overflow only results that overflow (OF), zero-sign only zero results (with
    /// S = 0 both IEEE and passthrough give C otherwise), tininess and flush-result only results with UF or at most the
    /// smallest normal magnitude. A knob outside its condition gives the expected result, which is not the design's (the
    /// vector mismatches). Under chunked:n only the input conditions (signalling elements, subnormal elements, NaN
    /// scales) are used.
    /// </summary>
    public Func<string, bool> Relevance(DotVector v, uint expectedD, byte expectedFlags)
    {
        var inputs = new InputConditions(v, _model);
        return knob => Relevant(KnobOf(knob), inputs, expectedD, expectedFlags);
    }

    /// <summary>What the relevance rules read from a vector's inputs, computed once per mismatch.</summary>
    private readonly struct InputConditions(DotVector v, AccumulationModel model)
    {
        public readonly bool SignalingElement = HasSignalingElement(v);
        /// <summary>flush-inputs changes only a nonzero subnormal element code (docs/semantics.md, "flush-inputs").</summary>
        public readonly bool SubnormalElement = HasSubnormal(v.FormatA, v.A) || HasSubnormal(v.FormatB, v.B);
        public readonly bool NaNScale = v.Scales.IsNaN(v.ScaleA) || v.Scales.IsNaN(v.ScaleB);
        public readonly ValueClass C = Codec.Decode(StandardFormats.Fp32, v.C).Class;
        public readonly bool CFinite = Codec.Decode(StandardFormats.Fp32, v.C).IsFinite;
        // chunked:n: each step's C is the running sum, whose intermediate values (subnormal, infinite, tiny with UF)
        // the final result does not show; only the conditions on the inputs hold there.
        public readonly bool Chunked = model.Kind == AccumulationKind.Chunked;
    }

    private bool Relevant(Knob knob, in InputConditions inputs, uint d, byte flags)
    {
        switch (knob)
        {
            case Knob.SignalingElements: return inputs.SignalingElement;
            case Knob.NanScale: return inputs.NaNScale;
            case Knob.FlushInputs: return inputs.SubnormalElement;
        }
        if (inputs.Chunked) return true;
        switch (knob)
        {
            case Knob.SpecialC: return !inputs.CFinite;
            case Knob.FlushC: return inputs.C == ValueClass.Subnormal;
            case Knob.Overflow: return (flags & (byte)ExceptionFlags.Overflow) != 0;
            case Knob.NanResult or Knob.ZeroSign or Knob.Tininess or Knob.FlushResult: break;
            default: return true;
        }
        var e = Codec.Decode(_output, d);
        return knob switch
        {
            Knob.NanResult => e.IsNaN,
            Knob.ZeroSign => e.IsZero,
            _ => !e.IsNaN && ((flags & (byte)ExceptionFlags.Underflow) != 0 || (d & ~_output.NegativeZeroCode) <= 1u << _output.MantissaBits),
        };
    }

    /// <summary>A code with a zero exponent field and a nonzero fraction (INT8 has none).</summary>
    private static bool HasSubnormal(NumberFormat f, byte[] codes)
    {
        if (f.Kind != FormatKind.Float) return false;
        uint exponentMask = ((1u << f.ExponentBits) - 1) << f.MantissaBits, fractionMask = (1u << f.MantissaBits) - 1;
        foreach (byte c in codes)
            if ((c & exponentMask) == 0 && (c & fractionMask) != 0) return true;
        return false;
    }

    private static bool HasSignalingElement(DotVector v)
    {
        var block = new BlockPair(ElementTable.For(v.FormatA), v.A, v.ScaleA, ElementTable.For(v.FormatB), v.B, v.ScaleB, v.Scales);
        return ProfiledDot.HasSignalingElement(block);
    }

    private static readonly int ShortcutOrder = Settings.ToList().IndexOf(("shortcut", "threshold"));

    /// <summary>
    /// The smallest shortcut threshold tried: the output's precision plus guard, round and sticky bits (27 for FP32). A
    /// narrower alignment window would misround ordinary sums, and as a hypothesis it would "explain" almost any
    /// difference of a small sum next to C.
    /// </summary>
    public int MinShortcutThreshold => _output.MantissaBits + 4;

    /// <summary>
    /// shortcut=threshold:(d − 1) on top of <paramref name="profile"/>, with d the vector's distance under it (every
    /// threshold below d gives the same result): d when that explains the result, else null.
    /// </summary>
    private int? Shortcut(DotVector v, ImplementationProfile profile, ref ShortcutDistances distances, uint actualD, byte actualFlags)
    {
        if (distances.Of(profile) is not { } d || d - 1 < MinShortcutThreshold) return null;
        if (profile.ShortcutThreshold is > 0 and var own && own < d) return null; // the profile's own shortcut already applies
        var r = v.Evaluate(_output, _model, profile with { ShortcutThreshold = d - 1 });
        return r.Bits == actualD && ((byte)r.Flags & _flagMask) == actualFlags ? d : null;
    }

    /// <summary>
    /// A vector's shortcut distance under each combination of the two knobs it depends on (flush-inputs, flush-c),
    /// computed on first use: the pair search asks for it once per relevant setting, and an exact product sum per ask
    /// was most of the search's cost.
    /// </summary>
    private struct ShortcutDistances(DotVector v, bool subnormalElement)
    {
        private int? _d0, _d1, _d2, _d3;
        private int _known;

        public int? Of(ImplementationProfile profile)
        {
            int i = (profile.FlushInputs && subnormalElement ? 1 : 0) | (profile.FlushC ? 2 : 0);
            if ((_known & (1 << i)) == 0)
            {
                var block = new BlockPair(ElementTable.For(v.FormatA), v.A, v.ScaleA, ElementTable.For(v.FormatB), v.B, v.ScaleB, v.Scales);
                int? d = ProfiledDot.ShortcutDistance(block, v.C, profile);
                switch (i) { case 0: _d0 = d; break; case 1: _d1 = d; break; case 2: _d2 = d; break; default: _d3 = d; break; }
                _known |= 1 << i;
            }
            return i switch { 0 => _d0, 1 => _d1, 2 => _d2, _ => _d3 };
        }
    }

    /// <summary>
    /// The profile an explanation names, on top of the run's <paramref name="profile"/>: one setting, or a pair joined by
    /// <see cref="PairJoiner"/>; <c>shortcut=threshold</c> at the diagnosis's distance. Null for a text that is not an
    /// explanation (or a shortcut without its distance).
    /// </summary>
    public static ImplementationProfile? ProfileOf(string explanation, ImplementationProfile profile, int? shortcutDistance)
    {
        ImplementationProfile? p = profile;
        foreach (var setting in explanation.Split(PairJoiner))
        {
            if (setting == ShortcutSetting)
            {
                if (shortcutDistance is not { } d) return null;
                p = p with { ShortcutThreshold = d - 1 };
                continue;
            }
            var kv = setting.Split('=', 2);
            p = kv.Length == 2 ? p.With(kv[0], kv[1], out _) : null;
            if (p is null) return null;
        }
        return p;
    }

    /// <summary>The parts of (expected, actual) that differ, in <see cref="PartNames"/> order.</summary>
    public static IReadOnlyList<string> Parts(NumberFormat output, uint expectedD, byte expectedFlags, uint actualD, byte actualFlags) =>
        PartSetOf(PartMask(output, expectedD, expectedFlags, actualD, actualFlags)).Parts;

    /// <summary>The differing parts as bits of <see cref="PartNames"/>' order.</summary>
    private static int PartMask(NumberFormat output, uint expectedD, byte expectedFlags, uint actualD, byte actualFlags)
    {
        int mask = 0;
        bool nanE = Codec.Decode(output, expectedD).IsNaN, nanA = Codec.Decode(output, actualD).IsNaN;
        uint sign = output.NegativeZeroCode;
        if (nanE || nanA)
        {
            if (nanE != nanA) mask |= 1 << 2;
            else if (expectedD != actualD) mask |= 1 << 3;
        }
        else
        {
            if ((expectedD & ~sign) != (actualD & ~sign)) mask |= 1 << 0;
            if ((expectedD & sign) != (actualD & sign)) mask |= 1 << 1;
        }
        for (int f = 0; f < FlagBits.Count; f++)
            if (((expectedFlags ^ actualFlags) & FlagBits[f].Bit) != 0) mask |= 1 << (4 + 2 * f + ((actualFlags & FlagBits[f].Bit) != 0 ? 1 : 0));
        return mask;
    }

    /// <summary>
    /// A set of differing parts with its <c>unexplained/…</c> class, made on first use and kept (one per mask, 2^14 at
    /// most): a run where half the vectors mismatch would otherwise build the same few lists and strings every time.
    /// </summary>
    private static PartSet PartSetOf(int mask)
    {
        // A race makes two equal entries, and either is kept: no lock on the hot path.
        if (PartSets[mask] is { } known) return known;
        IReadOnlyList<string> parts = PartNames.Where((_, i) => (mask & (1 << i)) != 0).ToArray();
        return PartSets[mask] = new PartSet(parts, UnexplainedPrefix + string.Join('+', parts));
    }

    private sealed record PartSet(IReadOnlyList<string> Parts, string Unexplained);

    private static readonly PartSet?[] PartSets = new PartSet?[1 << 14];

    /// <summary>Signed distance in ulps: codes ordered as the values they encode (−0 and +0 at the same point).</summary>
    public static long? Ulps(NumberFormat output, uint expectedD, uint actualD)
    {
        if (Codec.Decode(output, expectedD).IsNaN || Codec.Decode(output, actualD).IsNaN) return null;
        return Ordinal(output, actualD) - Ordinal(output, expectedD);
    }

    private static long Ordinal(NumberFormat f, uint code)
    {
        uint sign = f.NegativeZeroCode;
        long magnitude = code & ~sign & f.CodeMask;
        return (code & sign) != 0 ? -magnitude : magnitude;
    }

    private IReadOnlyList<string> CoverageOf(DotVector v, uint d, byte flags)
    {
        var counts = t_counts ??= new long[CoverageClasses.Count];
        var copy = v.CopyInputs();
        copy.D = d;
        copy.Flags = flags;
        _coverage.Value!.Classify(copy, counts);
        var names = new List<string>();
        for (int i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0) continue;
            counts[i] = 0;
            if (!CoverageClasses.Names[i].StartsWith("op:", StringComparison.Ordinal)) names.Add(CoverageClasses.Names[i]);
        }
        return names;
    }

    [ThreadStatic] private static long[]? t_counts;

    /// <summary>
    /// Checks a class name as a waiver gives it: knob settings (<c>knob=value</c>, <c>shortcut=threshold</c>) or pairs
    /// of them (<c>tininess=on-result + zero-sign=positive</c>) joined by '|', or <c>unexplained/PART+PART</c>. Returns an error naming the valid forms, or null.
    /// </summary>
    public static string? ValidateClass(string name)
    {
        if (name.Length == 0) return "empty class name";
        if (name.StartsWith(UnexplainedPrefix, StringComparison.Ordinal))
        {
            foreach (var p in name[UnexplainedPrefix.Length..].Split('+'))
                if (!PartNames.Contains(p)) return $"unknown part '{p}' in '{name}'; parts: {string.Join(", ", PartNames)}";
            return null;
        }
        foreach (var term in name.Split('|'))
        {
            var settings = term.Split(PairJoiner);
            foreach (var setting in settings)
                if (!Settings.Any(s => $"{s.Knob}={s.Value}" == setting))
                    return $"unknown mismatch class '{setting}'; a class is a knob setting ({string.Join(", ", Settings.Select(s => $"{s.Knob}={s.Value}").Distinct())}), " +
                           $"a pair of settings of two knobs joined by '{PairJoiner}', several of these joined by '|', or {UnexplainedPrefix}PART+PART (parts: {string.Join(", ", PartNames)})";
            if (settings.Length > 2 || (settings.Length == 2 && settings[0].Split('=')[0] == settings[1].Split('=')[0]))
                return $"'{term}' is not a pair of settings of two different knobs joined by '{PairJoiner}'";
        }
        return null;
    }
}
