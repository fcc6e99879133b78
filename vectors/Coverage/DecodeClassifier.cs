using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// Coverage classes of decode vectors (docs/vector-format.md, "op decode"), one count per element: what the input was
/// (NaN scale, NaN or infinite element, zero, subnormal) and what the output became (exact normal or subnormal, an
/// overflow or an underflow per rounding mode), re-derived from the element and scale values and the expected result.
/// </summary>
public static class DecodeClassifier
{
    private static readonly string[] Modes = RoundingModes.Deterministic.Select(m => m.ShortName()).ToArray();

    public static readonly string[] Names =
    [
        .. StandardFormats.Elements.Select(f => "dfmt:" + f.Name),
        "din:nan-scale", "din:nan-element", "din:inf-element", "din:zero", "din:subnormal",
        "dout:exact-normal", "dout:exact-subnormal",
        .. Modes.Select(m => "dout:overflow:" + m),
        .. Modes.Select(m => "dout:underflow-to-subnormal:" + m),
        .. Modes.Select(m => "dout:underflow-to-zero:" + m),
    ];

    private static readonly Dictionary<string, int> Ids = Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);

    public static int Count => Names.Length;
    public static int Id(string name) => Ids[name];

    // The class ids the per-element loop counts, looked up once (a name per element was most of the decode unit's
    // coverage cost). Element format f is class f (Names starts with StandardFormats.Elements); the per-mode classes
    // are indexed by the mode's code (RoundingModes.Deterministic is codes 0..5 in order).
    private static readonly int NanScale = Id("din:nan-scale"), NanElement = Id("din:nan-element"), InfElement = Id("din:inf-element"),
        Zero = Id("din:zero"), Subnormal = Id("din:subnormal"), ExactNormal = Id("dout:exact-normal"), ExactSubnormal = Id("dout:exact-subnormal");
    private static readonly int[] Overflow = PerMode("dout:overflow:"), ToSubnormal = PerMode("dout:underflow-to-subnormal:"), ToZero = PerMode("dout:underflow-to-zero:");

    private static int[] PerMode(string prefix) => RoundingModes.Deterministic.Select(m => Id(prefix + m.ShortName())).ToArray();

    /// <summary>Adds the classes of every element of <paramref name="v"/> (inputs and expected outputs) to <paramref name="counts"/>.</summary>
    public static void Classify(DecodeVector v, NumberFormat output, long[] counts)
    {
        counts[StandardFormats.ElementCode(v.Format)]++;
        int mode = (int)v.Rounding;
        bool nanScale = v.Scales.IsNaN(v.Scale);
        if (nanScale) counts[NanScale]++;
        var max = Codec.Decode(output, output.MaxFiniteCode);
        ulong scaleSig = nanScale ? 0 : v.Scales.Significand(v.Scale);
        int scaleExp = nanScale ? 0 : v.Scales.Exponent(v.Scale);
        for (int i = 0; i < v.K; i++)
        {
            var p = Codec.Decode(v.Format, v.A[i]);
            if (p.IsNaN) { counts[NanElement]++; continue; }
            if (p.IsInfinity) { counts[InfElement]++; continue; }
            if (nanScale) continue;
            if (p.IsZero) { counts[Zero]++; continue; }
            if (p.Class == ValueClass.Subnormal) counts[Subnormal]++;
            var d = Codec.Decode(output, v.D[i]);
            // Classified by the exact value X·P against the output's range (the flags are per block, not per element).
            ulong sig = p.Significand * scaleSig;
            int exp = p.Exponent + scaleExp;
            bool exact = d.IsFinite && Compare(sig, exp, d.Significand, d.Exponent) == 0;
            if (sig == 0) continue; // a zero UE4M3 scale: the element's zero, counted as neither
            if (Compare(sig, exp, max.Significand, max.Exponent) > 0) counts[Overflow[mode]]++;
            else if (exact) counts[d.Class == ValueClass.Subnormal ? ExactSubnormal : ExactNormal]++;
            else if (d.IsZero) counts[ToZero[mode]]++;
            else if (Compare(sig, exp, 1, output.Emin) < 0) counts[ToSubnormal[mode]]++;
        }
    }

    /// <summary>Sign of a·2^ea − b·2^eb for non-negative significands of at most 32 bits.</summary>
    private static int Compare(ulong a, int ea, ulong b, int eb)
    {
        if (a == 0 || b == 0) return a.CompareTo(b);
        int ma = ea + 63 - System.Numerics.BitOperations.LeadingZeroCount(a), mb = eb + 63 - System.Numerics.BitOperations.LeadingZeroCount(b);
        if (ma != mb) return ma.CompareTo(mb);
        int e = Math.Min(ea, eb);
        return (a << (ea - e)).CompareTo(b << (eb - e));
    }

    /// <summary>The classes a run over <paramref name="formats"/> into <paramref name="output"/> with E8M0 or UE4M3 scales must hit.</summary>
    public static IReadOnlyList<int> Expected(IEnumerable<NumberFormat> formats, IEnumerable<RoundingMode> modes, NumberFormat output, NumberFormat scale)
    {
        var fs = formats.ToArray();
        var e = new List<string>(fs.Select(f => "dfmt:" + f.Name)) { "din:nan-scale", "din:zero", "din:subnormal", "dout:exact-normal" };
        if (fs.Any(f => f.HasNan)) e.Add("din:nan-element");
        if (fs.Any(f => f.HasInfinity)) e.Add("din:inf-element");
        // Only E8M0's range (2^-127 .. 2^127) reaches past the outputs' ranges; a UE4M3 scale (2^-9 .. 448) times any
        // element stays inside FP16's normal range for e2m1 and needs no overflow or underflow classes.
        if (scale.Kind != FormatKind.PowerOfTwo) return e.Select(Id).ToArray();
        e.Add("dout:exact-subnormal");
        foreach (var m in modes.Select(m => m.ShortName()))
        {
            // Every element format times 2^127 overflows FP16 and BF16 and, from e2m1's 6·2^127 up, FP32.
            e.Add("dout:overflow:" + m);
            // FP32 holds every element times 2^-127 exactly (the smallest, e5m2's 2^-16·2^-127, is above 2^-149).
            if (output != StandardFormats.Fp32)
            {
                e.Add("dout:underflow-to-subnormal:" + m);
                // Round-to-odd never gives zero from a non-zero value (an inexact result gets an odd last bit).
                if (m != "rto") e.Add("dout:underflow-to-zero:" + m);
            }
        }
        return e.Select(Id).ToArray();
    }

    public static string Report(long[] counts, long vectors, IReadOnlyList<int> expected, bool json) =>
        ClassReport.Format(Names, counts, vectors, expected, json);
}
