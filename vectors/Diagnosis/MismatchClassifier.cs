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
    /// <summary>Knob settings (<c>tininess=on-result</c>, <c>shortcut=threshold</c>, …) that each explain the result alone.</summary>
    public required IReadOnlyList<string> Explanations { get; init; }
    /// <summary>E_C − msb(S) when the shortcut explains the result (every threshold N below it does).</summary>
    public int? ShortcutDistance { get; init; }
    /// <summary>The input's coverage classes (operand-code classes left out), from the golden result.</summary>
    public required IReadOnlyList<string> Coverage { get; init; }

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
        (Explained ? $"explained by {string.Join(" or ", Explanations)}{(ShortcutDistance is { } d ? $" (distance {d}: threshold:N with N < {d})" : "")}" : "explained by no single knob");
}

/// <summary>
/// Classifies mismatches by re-running the golden model under each single-knob profile (docs/semantics.md,
/// "Implementation profiles"), each knob set on top of the run's own profile. Only mismatches pay for this: about 20
/// model evaluations and one coverage classification per call. Thread-safe.
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

    private readonly NumberFormat _output;
    private readonly AccumulationModel _model;
    private readonly ImplementationProfile _profile;
    /// <summary>The run's profile with one knob changed, for every setting that differs from the run's own.</summary>
    private readonly (int Order, string Name, ImplementationProfile Profile)[] _candidates;
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
        _candidates = model.Kind == AccumulationKind.Fp32Sum ? [] : Settings
            .Select((s, i) => (Order: i, Name: $"{s.Knob}={s.Value}", Profile: s.Value == "threshold" ? profile : profile.With(s.Knob, s.Value, out _)!))
            .Where(c => c.Profile != profile)
            .ToArray();
    }

    public NumberFormat Output => _output;

    /// <summary>Diagnoses vector <paramref name="v"/> (its inputs) whose golden result is expected, the design's actual.</summary>
    public MismatchDiagnosis Diagnose(DotVector v, uint expectedD, byte expectedFlags, uint actualD, byte actualFlags)
    {
        var parts = Parts(_output, expectedD, expectedFlags, actualD, actualFlags);
        var explanations = new List<(int Order, string Name)>();
        // The knobs' conditions and the coverage classes read the model's own flags, masked or not.
        byte modelFlags = _flagMask == 0x1F ? expectedFlags : (byte)v.Evaluate(_output, _model, _profile).Flags;
        var relevant = Relevance(v, expectedD, modelFlags);
        foreach (var (order, name, candidate) in _candidates)
        {
            if (!relevant(name[..name.IndexOf('=')])) continue;
            var r = v.Evaluate(_output, _model, candidate);
            if (r.Bits == actualD && ((byte)r.Flags & _flagMask) == actualFlags) explanations.Add((order, name));
        }
        int? shortcut = _candidates.Length == 0 ? null : Shortcut(v, actualD, actualFlags);
        if (shortcut is not null) explanations.Add((ShortcutOrder, ShortcutSetting));
        var names = explanations.OrderBy(e => e.Order).Select(e => e.Name).ToArray();
        return new MismatchDiagnosis
        {
            Class = names.Length > 0 ? string.Join('|', names) : UnexplainedPrefix + string.Join('+', parts),
            Parts = parts,
            Ulps = Ulps(_output, expectedD, actualD),
            Explanations = names,
            ShortcutDistance = shortcut,
            Coverage = CoverageOf(v, expectedD, modelFlags),
        };
    }

    /// <summary>
    /// Which knobs can change this vector's result at all, from the rules of docs/semantics.md, so that a mismatch
    /// re-runs the model only under those: snan-elements needs a signalling element code, nan-scale a NaN scale code,
    /// special-c a NaN or infinite C, flush-c a subnormal C; nan-result changes only NaN results, overflow only
    /// results that overflow (OF), zero-sign only zero results (with S = 0 both IEEE and passthrough give C
    /// otherwise), tininess and flush-result only results with UF or at most the smallest normal magnitude. A knob
    /// outside its condition gives the expected result, which is not the design's (the vector mismatches). Under
    /// chunked:n only the input conditions (signalling elements, NaN scales) are used.
    /// </summary>
    public Func<string, bool> Relevance(DotVector v, uint expectedD, byte expectedFlags)
    {
        var e = Codec.Decode(_output, expectedD);
        uint magnitude = expectedD & ~_output.NegativeZeroCode;
        uint minNormal = 1u << _output.MantissaBits;
        var c = Codec.Decode(StandardFormats.Fp32, v.C);
        // chunked:n: each step's C is the running sum, whose intermediate values (subnormal, infinite, tiny with UF)
        // the final result does not show; only the conditions on the inputs hold there.
        bool chunked = _model.Kind == AccumulationKind.Chunked;
        return knob => knob switch
        {
            "snan-elements" => HasSignalingElement(v),
            "nan-scale" => v.Scales.IsNaN(v.ScaleA) || v.Scales.IsNaN(v.ScaleB),
            _ when chunked => true,
            "special-c" => !c.IsFinite,
            "flush-c" => c.Class == ValueClass.Subnormal,
            "nan-result" => e.IsNaN,
            "overflow" => (expectedFlags & (byte)ExceptionFlags.Overflow) != 0,
            "zero-sign" => e.IsZero,
            "tininess" or "flush-result" => !e.IsNaN && ((expectedFlags & (byte)ExceptionFlags.Underflow) != 0 || magnitude <= minNormal),
            _ => true,
        };
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
    /// shortcut=threshold:(d − 1) with d the vector's distance (every threshold below d gives the same result): d when
    /// that explains the result, else null.
    /// </summary>
    private int? Shortcut(DotVector v, uint actualD, byte actualFlags)
    {
        var block = new BlockPair(ElementTable.For(v.FormatA), v.A, v.ScaleA, ElementTable.For(v.FormatB), v.B, v.ScaleB, v.Scales);
        if (ProfiledDot.ShortcutDistance(block, v.C, _profile) is not { } d || d - 1 < MinShortcutThreshold) return null;
        if (_profile.ShortcutThreshold is > 0 and var own && own < d) return null; // the run's own shortcut already applies
        var r = v.Evaluate(_output, _model, _profile with { ShortcutThreshold = d - 1 });
        return r.Bits == actualD && ((byte)r.Flags & _flagMask) == actualFlags ? d : null;
    }

    /// <summary>The parts of (expected, actual) that differ, in <see cref="PartNames"/> order.</summary>
    public static IReadOnlyList<string> Parts(NumberFormat output, uint expectedD, byte expectedFlags, uint actualD, byte actualFlags)
    {
        var parts = new List<string>();
        bool nanE = Codec.Decode(output, expectedD).IsNaN, nanA = Codec.Decode(output, actualD).IsNaN;
        uint sign = output.NegativeZeroCode;
        if (nanE || nanA)
        {
            if (nanE != nanA) parts.Add("nan");
            else if (expectedD != actualD) parts.Add("nan-bits");
        }
        else
        {
            if ((expectedD & ~sign) != (actualD & ~sign)) parts.Add("value");
            if ((expectedD & sign) != (actualD & sign)) parts.Add("sign");
        }
        foreach (var (bit, name) in FlagBits)
            if (((expectedFlags ^ actualFlags) & bit) != 0) parts.Add(name + ((actualFlags & bit) != 0 ? "-extra" : "-missing"));
        return parts;
    }

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
    /// Checks a class name as a waiver gives it: knob settings (<c>knob=value</c>, <c>shortcut=threshold</c>) joined by
    /// '|', or <c>unexplained/PART+PART</c>. Returns an error naming the valid forms, or null.
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
            if (!Settings.Any(s => $"{s.Knob}={s.Value}" == term))
                return $"unknown mismatch class '{term}'; a class is a knob setting ({string.Join(", ", Settings.Select(s => $"{s.Knob}={s.Value}").Distinct())}), " +
                       $"several joined by '|', or {UnexplainedPrefix}PART+PART (parts: {string.Join(", ", PartNames)})";
        return null;
    }
}
