using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// The coverage classes of dot vectors, each with a fixed id (docs/vectors.md lists them): format pair, rounding mode,
/// operand codes per format, scales, C, alignment distance, exact-zero sign rule, result, and rounding boundary
/// (kind × magnitude × mode). Which classes a run must hit depends on its formats and modes (<see cref="Expected"/>).
/// </summary>
public static class CoverageClasses
{
    public static readonly string[] Scales = ["00", "01", "7f", "fe", "ff", "other"];
    public static readonly string[] ScaleSums = ["0", "254", "508"];
    public static readonly string[] Accumulators = ["+0", "-0", "subnormal", "min-normal", "normal", "max", "+inf", "-inf", "qnan", "snan"];
    public static readonly string[] Alignments =
        ["sum-zero", "c-zero", "far-above", "sticky-above", "round-above", "near-above", "equal", "near-below", "round-below", "sticky-below", "far-below"];
    public static readonly string[] Zeros = ["all-zero-terms:+0", "all-zero-terms:-0", "cancel:+0", "cancel:-0"];
    public static readonly string[] Results =
        ["nan", "nv", "inf", "overflow", "max-finite", "normal", "subnormal", "underflow", "cancel-subnormal", "exact", "inexact"];
    /// <summary>Which special-value rule applies (docs/semantics.md, "Special cases"); several can hold at once.</summary>
    public static readonly string[] Specials =
        ["nan-scale", "nan-element", "nan-c", "snan-c", "inf-times-zero", "inf-both-signs", "inf-product", "inf-c"];
    public static readonly string[] BoundaryKinds = ["exact", "tie", "tie-below", "tie-above", "sticky-far", "near-up"];
    public static readonly string[] BoundaryMagnitudes = ["normal", "subnormal", "overflow"];

    private static readonly List<string> NameList = [];
    private static readonly Dictionary<string, int> Ids = [];

    public static readonly int PairBase, ModeBase, ScaleBase, ScaleSumBase, AccumulatorBase, AlignBase, ZeroBase, ResultBase, SpecialBase, BoundaryBase;
    /// <summary>Operand class id base per element format; codes map through <see cref="OperandClass"/>.</summary>
    private static readonly int[] OperandBase;
    private static readonly sbyte[][] OperandOfCode;

    public static IReadOnlyList<string> Names => NameList;
    public static int Count => NameList.Count;

    static CoverageClasses()
    {
        int formats = StandardFormats.Elements.Count;
        PairBase = Add(Enumerable.Range(0, formats).SelectMany(a => Enumerable.Range(0, formats).Select(b => $"pair:{Fmt(a)}x{Fmt(b)}")));
        ModeBase = Add(RoundingModes.Deterministic.Select(m => "rm:" + m.ShortName()));
        OperandBase = new int[formats];
        OperandOfCode = new sbyte[formats][];
        for (int f = 0; f < formats; f++)
        {
            var e = ElementCodes.For(f);
            OperandBase[f] = Add(e.Corners.Select(c => $"op:{Fmt(f)}:{c.Name}"));
            OperandOfCode[f] = new sbyte[256];
            Array.Fill(OperandOfCode[f], (sbyte)-1);
            for (int i = 0; i < e.Corners.Count; i++)
                if (OperandOfCode[f][e.Corners[i].Code] < 0) OperandOfCode[f][e.Corners[i].Code] = (sbyte)i;
        }
        ScaleBase = Add(Scales.Select(s => "scale:" + s));
        ScaleSumBase = Add(ScaleSums.Select(s => "scale-sum:" + s));
        AccumulatorBase = Add(Accumulators.Select(s => "c:" + s));
        AlignBase = Add(Alignments.Select(s => "align:" + s));
        ZeroBase = Add(Zeros.Select(s => "zero:" + s));
        ResultBase = Add(Results.Select(s => "result:" + s));
        SpecialBase = Add(Specials.Select(s => "special:" + s));
        BoundaryBase = Add(BoundaryKinds.SelectMany(k => BoundaryMagnitudes.SelectMany(m =>
            RoundingModes.Deterministic.Select(r => $"rb:{k}:{m}:{r.ShortName()}"))));
    }

    private static string Fmt(int code) => StandardFormats.Elements[code].Name;

    private static int Add(IEnumerable<string> names)
    {
        int start = NameList.Count;
        foreach (var n in names) { Ids[n] = NameList.Count; NameList.Add(n); }
        return start;
    }

    public static int Id(string name) => Ids.TryGetValue(name, out int id) ? id : throw new ArgumentException($"no coverage class '{name}'");

    public static int Pair(int a, int b) => PairBase + a * StandardFormats.Elements.Count + b;
    public static int Mode(int code) => ModeBase + code;
    /// <summary>The operand class id of an element code, or −1 for an unnamed code.</summary>
    public static int OperandClass(int format, byte code) => OperandOfCode[format][code] is var i and >= 0 ? OperandBase[format] + i : -1;
    public static int Boundary(int kind, int magnitude, int mode) =>
        BoundaryBase + (kind * BoundaryMagnitudes.Length + magnitude) * RoundingModes.Deterministic.Count + mode;

    /// <summary>The classes a run over these formats and modes must hit (every class not tied to another format or mode).</summary>
    public static IReadOnlyList<int> Expected(IReadOnlyList<int> formatsA, IReadOnlyList<int> formatsB, IReadOnlyList<RoundingMode> modes)
    {
        var modeNames = modes.Select(m => m.ShortName()).ToHashSet();
        var formatNames = formatsA.Concat(formatsB).Select(Fmt).ToHashSet();
        var pairs = formatsA.SelectMany(a => formatsB.Select(b => $"pair:{Fmt(a)}x{Fmt(b)}")).ToHashSet();
        var used = formatsA.Concat(formatsB).Select(f => StandardFormats.Elements[f]).ToArray();
        bool anyInfinity = used.Any(f => f.HasInfinity), anyNaN = used.Any(f => f.HasNan);
        var ids = new List<int>();
        for (int id = 0; id < NameList.Count; id++)
        {
            var n = NameList[id];
            var parts = n.Split(':');
            bool keep = parts[0] switch
            {
                "pair" => pairs.Contains(n),
                "rm" => modeNames.Contains(parts[1]),
                "op" => formatNames.Contains(parts[1]),
                "rb" => modeNames.Contains(parts[3]),
                "zero" when n == "zero:cancel:-0" => modeNames.Contains("rdn"), // only rdn turns a cancellation into −0
                // Element rules need an element format that has Inf (only e5m2) or NaN (e4m3, e5m2).
                "special" when parts[1] is "inf-times-zero" or "inf-both-signs" or "inf-product" => anyInfinity,
                "special" when parts[1] == "nan-element" => anyNaN,
                _ => true,
            };
            if (keep) ids.Add(id);
        }
        return ids;
    }
}
