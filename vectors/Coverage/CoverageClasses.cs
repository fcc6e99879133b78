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
    /// <summary>
    /// Scale codes by their place in the scale format, asked of its codec: the smallest code (E8M0 0x00 = 2^−127, UE4M3
    /// 0x00 = zero), the next (0x01), unity, the largest finite code (E8M0 0xFE, UE4M3 0x7E = 448), NaN, any other.
    /// </summary>
    public static readonly string[] Scales = ["min", "next-to-min", "one", "max", "nan", "other"];
    /// <summary>The scale pair: both smallest, sa·sb = 1 exactly, both largest (E8M0 exponent sums 0, 254, 508).</summary>
    public static readonly string[] ScaleSums = ["both-min", "one", "both-max"];
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
    /// <summary>
    /// Underflow boundaries bit by bit (docs/vectors.md, "Underflow"): just below 2^emin with the top p bits all ones,
    /// and just below / just above the smallest subnormal 2^q; the fraction below the reference bit is the round bit,
    /// round clear with the next bit set, or a sticky bit only (9 or more bits below).
    /// </summary>
    public static readonly string[] TinyBoundaries = ["below-min-normal", "below-min-sub", "above-min-sub"];
    public static readonly string[] TinyKinds = ["round", "sticky-next", "sticky-far"];
    /// <summary>
    /// Lanes of a block that hold its only NaN or Inf element: lane 0 and lane k − 1, the two ends of the k copies of
    /// the element decoder (<c>lone-special:FORMAT:CODE:first|last</c>, one pair per NaN/Inf code of each format).
    /// </summary>
    public static readonly string[] LoneLanes = ["first", "last"];
    /// <summary>Largest sums: d = msb(C) − msb(Σ) buckets when every product is near max×max with one sign.</summary>
    public static readonly string[] LargestAlignments = ["c-zero", "far-below", "below", "near-below", "equal", "near-above", "above", "far-above"];
    /// <summary>C dominating: d = msb(C) − msb(Σ) ≥ 20, per distance for a normal C, bucketed for a subnormal C.</summary>
    public const int DominantMin = 20, DominantMax = 90;
    public static readonly string[] DominantSubnormal = ["20-25", "26-50", "51-90", "far"];

    private static readonly List<string> NameList = [];
    private static readonly Dictionary<string, int> IdByName = [];

    public static readonly int PairBase, ModeBase, ScaleBase, ScaleSumBase, AccumulatorBase, AlignBase, ZeroBase, ResultBase, SpecialBase, BoundaryBase;
    public static readonly int TinyExactBase, LoneSpecialBase;
    /// <summary>
    /// The result classes of a BF16 or FP16 D (a run with several output formats, <c>--out</c>): <c>out:FMT:NAME</c>,
    /// counted by <see cref="DotOutputClassifier"/> for the vectors rounded to FMT. The other classes count every
    /// vector against its own output's thresholds; these say that each narrow output reached its own boundaries.
    /// </summary>
    public static readonly string[] OutputResults =
        ["normal", "subnormal", "zero", "max-finite", "inf", "nan", "overflow", "underflow", "inexact", "overflow-boundary", "subnormal-boundary", "underflow-boundary"];
    /// <summary>Per output code (0 fp32, 1 bf16, 2 fp16): the first <see cref="OutputResults"/> class, −1 for FP32 (no such classes).</summary>
    private static readonly int[] OutputResultBase;
    /// <summary>Codes of a scale format with a significand (UE4M3), per side, and its zero scale's sign classes (<see cref="ScaleCodeCoverage"/>).</summary>
    public static readonly int ScaleCodeBase, ZeroScaleBase;
    /// <summary>Per element format and code: the first of its <see cref="LoneLanes"/> classes, −1 for a finite code.</summary>
    private static readonly int[][] LoneSpecialOfCode;
    public static readonly int TinyBase, LargestBase, LargestOppositeBase, DominantNormalBase, DominantSubnormalBase, DominantZeroC, ZeroSumBase, NanScaleSideBase;
    /// <summary>Operand class id base per element format; codes map through <see cref="OperandClass"/>.</summary>
    private static readonly int[] OperandBase;
    private static readonly sbyte[][] OperandOfCode;
    private static readonly ulong[][] OperandBitsOfCode;

    public static IReadOnlyList<string> Names => NameList;
    public static int Count => NameList.Count;

    /// <summary>
    /// The ids the dot classifiers count per vector, in one object made once the classes are registered. A classifier
    /// keeps it in a field: the NativeAOT CLI checks that a class's static constructor has run before every read of its
    /// static fields, and the rounding-mode count behind <see cref="RoundingModes.Deterministic"/> is an interface call,
    /// so the static helpers below cost several times the few additions they make (they delegate to this object).
    /// </summary>
    public static readonly DotIds Ids;

    static CoverageClasses()
    {
        int formats = StandardFormats.Elements.Count;
        PairBase = Add(Enumerable.Range(0, formats).SelectMany(a => Enumerable.Range(0, formats).Select(b => $"pair:{Fmt(a)}x{Fmt(b)}")));
        ModeBase = Add(RoundingModes.Deterministic.Select(m => "rm:" + m.ShortName()));
        OperandBase = new int[formats];
        OperandOfCode = new sbyte[formats][];
        for (int f = 0; f < formats; f++)
        {
            var e = ElementCodes.At(f);
            OperandBase[f] = Add(e.Corners.Select(c => $"op:{Fmt(f)}:{c.Name}"));
            OperandOfCode[f] = new sbyte[256];
            Array.Fill(OperandOfCode[f], (sbyte)-1);
            for (int i = 0; i < e.Corners.Count; i++)
                if (OperandOfCode[f][e.Corners[i].Code] < 0) OperandOfCode[f][e.Corners[i].Code] = (sbyte)i;
            // Every other NaN and Inf encoding gets a class of its own (E5M2 0x7D/0x7E, their negatives, ...).
            int next = e.Corners.Count;
            foreach (byte code in Enumerable.Range(0, (int)e.Format.CodeMask + 1).Select(c => (byte)c)
                .Where(c => (e.Table.Class[c] & (Dot.ElementTable.ClassNaN | Dot.ElementTable.ClassInfinity)) != 0))
                if (OperandOfCode[f][code] < 0) { OperandOfCode[f][code] = (sbyte)next++; Add([$"op:{Fmt(f)}:{(IsNaNCode(e, code) ? "nan" : "inf")}-0x{code:X2}"]); }
        }
        // Each format has fewer than 64 operand classes (its corner codes and NaN/Inf encodings; E5M2 has the most).
        OperandBitsOfCode = OperandOfCode.Select(m => m.Select(i => i switch
        {
            < 0 => 0UL,
            < 64 => 1UL << i,
            _ => throw new InvalidOperationException("an element format with more than 64 operand classes needs a wider mask"),
        }).ToArray()).ToArray();
        ScaleBase = Add(Scales.Select(s => "scale:" + s));
        ScaleSumBase = Add(ScaleSums.Select(s => "scale-sum:" + s));
        AccumulatorBase = Add(Accumulators.Select(s => "c:" + s));
        AlignBase = Add(Alignments.Select(s => "align:" + s));
        ZeroBase = Add(Zeros.Select(s => "zero:" + s));
        ResultBase = Add(Results.Select(s => "result:" + s));
        SpecialBase = Add(Specials.Select(s => "special:" + s));
        BoundaryBase = Add(BoundaryKinds.SelectMany(k => BoundaryMagnitudes.SelectMany(m =>
            RoundingModes.Deterministic.Select(r => $"rb:{k}:{m}:{r.ShortName()}"))));
        TinyBase = Add(TinyBoundaries.SelectMany(b => TinyKinds.SelectMany(k => new[] { "+", "-" }.SelectMany(sg =>
            RoundingModes.Deterministic.Select(r => $"tiny:{b}:{k}:{sg}:{r.ShortName()}")))));
        LargestBase = Add(LargestAlignments.Select(a => "largest:" + a));
        LargestOppositeBase = Add(RoundingModes.Deterministic.Select(r => "largest:opposite-pow2:" + r.ShortName()));
        DominantNormalBase = Add(Enumerable.Range(DominantMin, DominantMax - DominantMin + 1).Select(d => $"dominant:c-normal:d{d}").Append("dominant:c-normal:far"));
        DominantSubnormalBase = Add(DominantSubnormal.Select(d => "dominant:c-subnormal:" + d));
        DominantZeroC = Add(["dominant:c-zero:spread-20"]);
        ZeroSumBase = Add(new[] { "c+0", "c-0" }.SelectMany(c => new[] { "zero-products", "cancel" }.SelectMany(k =>
            RoundingModes.Deterministic.Select(r => $"zero-sum:{c}:{k}:{r.ShortName()}"))));
        NanScaleSideBase = Add(["special:nan-scale-a-only", "special:nan-scale-b-only"]);
        // R = ±(2^p − 1)·2^(emin − p) exactly: tiny after rounding with neither a round nor a sticky bit.
        TinyExactBase = Add(new[] { "+", "-" }.SelectMany(sg => RoundingModes.Deterministic.Select(r => $"tiny:{TinyBoundaries[0]}:exact:{sg}:{r.ShortName()}")));
        LoneSpecialBase = NameList.Count;
        LoneSpecialOfCode = new int[formats][];
        for (int f = 0; f < formats; f++)
        {
            var e = ElementCodes.At(f);
            LoneSpecialOfCode[f] = new int[256];
            Array.Fill(LoneSpecialOfCode[f], -1);
            for (int code = 0; code <= (int)e.Format.CodeMask; code++)
                if ((e.Table.Class[code] & (Dot.ElementTable.ClassNaN | Dot.ElementTable.ClassInfinity)) != 0)
                    LoneSpecialOfCode[f][code] = Add(LoneLanes.Select(l => $"lone-special:{Fmt(f)}:0x{code:X2}:{l}"));
        }
        OutputResultBase = StandardFormats.Outputs.Select((o, i) => i == 0 ? -1 : Add(OutputResults.Select(r => $"out:{o.Name}:{r}"))).ToArray();
        (ScaleCodeBase, ZeroScaleBase) = ScaleCodeCoverage.Register(Add);
        Ids = new DotIds();
    }

    /// <summary>The class ids of <see cref="CoverageClasses"/> that a dot vector's classification computes, as instance fields.</summary>
    public sealed class DotIds
    {
        private readonly int _modes = RoundingModes.Deterministic.Count, _elements = StandardFormats.Elements.Count;
        private readonly int _magnitudes = BoundaryMagnitudes.Length, _tinyKinds = TinyKinds.Length;
        public readonly int PairBase = CoverageClasses.PairBase, ModeBase = CoverageClasses.ModeBase, ScaleBase = CoverageClasses.ScaleBase;
        public readonly int ScaleSumBase = CoverageClasses.ScaleSumBase, AccumulatorBase = CoverageClasses.AccumulatorBase;
        public readonly int AlignBase = CoverageClasses.AlignBase, ZeroBase = CoverageClasses.ZeroBase, ResultBase = CoverageClasses.ResultBase;
        public readonly int SpecialBase = CoverageClasses.SpecialBase, NanScaleSideBase = CoverageClasses.NanScaleSideBase;
        public readonly int LargestBase = CoverageClasses.LargestBase, LargestOppositeBase = CoverageClasses.LargestOppositeBase;
        public readonly int DominantNormalBase = CoverageClasses.DominantNormalBase, DominantSubnormalBase = CoverageClasses.DominantSubnormalBase;
        public readonly int DominantZeroC = CoverageClasses.DominantZeroC;
        private readonly int _boundaryBase = BoundaryBase, _tinyBase = TinyBase, _tinyExactBase = TinyExactBase, _zeroSumBase = ZeroSumBase;
        private readonly int[] _operandBase = OperandBase, _outputResultBase = OutputResultBase;
        private readonly ulong[][] _operandBits = OperandBitsOfCode;
        private readonly int[][] _loneSpecial = LoneSpecialOfCode;

        internal DotIds()
        {
            // The classifier indexes these tables with a byte and no bounds check (DotClassifier.ProductSum).
            if (_operandBits.Any(t => t.Length != 256)) throw new InvalidOperationException("an operand-bits table needs an entry for every byte");
        }

        public int Pair(int formatCodeA, int formatCodeB) => PairBase + formatCodeA * _elements + formatCodeB;
        public int Mode(RoundingMode mode) => ModeBase + (int)mode;
        public int Boundary(int kind, int magnitude, RoundingMode mode) =>
            _boundaryBase + (kind * _magnitudes + magnitude) * _modes + (int)mode;
        public int Tiny(int boundary, int kind, bool negative, RoundingMode mode) =>
            _tinyBase + ((boundary * _tinyKinds + kind) * 2 + (negative ? 1 : 0)) * _modes + (int)mode;
        public int TinyExact(bool negative, RoundingMode mode) => _tinyExactBase + (negative ? 1 : 0) * _modes + (int)mode;
        public int ZeroSum(bool negativeC, bool cancel, RoundingMode mode) =>
            _zeroSumBase + ((negativeC ? 2 : 0) + (cancel ? 1 : 0)) * _modes + (int)mode;
        public int OutputResult(int outputCode) => _outputResultBase[outputCode];
        public int LoneSpecial(int formatCode, byte code) => _loneSpecial[formatCode][code];
        /// <summary>Per code of element format <paramref name="formatCode"/>: its operand class as one bit (<see cref="CoverageClasses.OperandBits"/>).</summary>
        public ulong[] OperandBits(int formatCode) => _operandBits[formatCode];
        public int OperandBaseOf(int formatCode) => _operandBase[formatCode];
    }

    /// <summary>The first <c>out:FMT:</c> class of output code <paramref name="outputCode"/> (0 fp32, 1 bf16, 2 fp16), or −1 for FP32.</summary>
    public static int OutputResult(int outputCode) => Ids.OutputResult(outputCode);

    private static bool IsNaNCode(ElementCodes e, byte code) => (e.Table.Class[code] & Dot.ElementTable.ClassNaN) != 0;

    public static int Tiny(int boundary, int kind, bool negative, RoundingMode mode) => Ids.Tiny(boundary, kind, negative, mode);

    public static int TinyExact(bool negative, RoundingMode mode) => Ids.TinyExact(negative, mode);

    /// <summary>The <c>first</c> class of a lone NaN/Inf <paramref name="code"/> (<c>last</c> is the next id), or −1 for a finite code.</summary>
    internal static int LoneSpecial(int formatCode, byte code) => Ids.LoneSpecial(formatCode, code);

    public static int ZeroSum(bool negativeC, bool cancel, RoundingMode mode) => Ids.ZeroSum(negativeC, cancel, mode);

    private static string Fmt(int code) => StandardFormats.Elements[code].Name;

    private static int Add(IEnumerable<string> names)
    {
        int start = NameList.Count;
        foreach (var n in names) { IdByName[n] = NameList.Count; NameList.Add(n); }
        return start;
    }

    public static int Id(string name) => IdByName.TryGetValue(name, out int id) ? id : throw new ArgumentException($"no coverage class '{name}'");

    public static int Pair(NumberFormat a, NumberFormat b) => Pair(ElementCodes.For(a).Index, ElementCodes.For(b).Index);

    internal static int Pair(int formatCodeA, int formatCodeB) => Ids.Pair(formatCodeA, formatCodeB);
    /// <summary>The mode's class (the deterministic modes are numbered in their order in <see cref="RoundingModes.Deterministic"/>).</summary>
    public static int Mode(RoundingMode mode) => Ids.Mode(mode);
    /// <summary>The operand class id of an element code, or −1 for an unnamed code.</summary>
    public static int OperandClass(NumberFormat format, byte code)
    {
        int f = ElementCodes.For(format).Index;
        return OperandOfCode[f][code] is var i and >= 0 ? OperandBase[f] + i : -1;
    }

    /// <summary>
    /// Per code of element format <paramref name="formatCode"/>: its operand class as one bit (bit i: class id
    /// <see cref="OperandBaseOf"/> + i), 0 for an unnamed code, so that a block's classes are the OR of its codes' masks.
    /// </summary>
    internal static ulong[] OperandBits(int formatCode) => Ids.OperandBits(formatCode);

    /// <summary>The first operand class id of element format <paramref name="formatCode"/>.</summary>
    internal static int OperandBaseOf(int formatCode) => Ids.OperandBaseOf(formatCode);

    public static int Boundary(int kind, int magnitude, RoundingMode mode) => Ids.Boundary(kind, magnitude, mode);

    /// <summary>
    /// The classes a run whose vectors take several output formats must hit: each output's classes (<see
    /// cref="Expected(IReadOnlyList{NumberFormat}, IReadOnlyList{NumberFormat}, IReadOnlyList{RoundingMode}, ScaleCodec?, int, NumberFormat?)"/>)
    /// and, for BF16 and FP16, their <c>out:FMT:</c> classes — a boundary class only where the output's own boundary
    /// classes are expected (the subnormal and underflow ones need a scale range that reaches them).
    /// </summary>
    public static IReadOnlyList<int> Expected(IReadOnlyList<NumberFormat> formatsA, IReadOnlyList<NumberFormat> formatsB, IReadOnlyList<RoundingMode> modes,
        ScaleCodec? scales, int block, IReadOnlyList<NumberFormat> outputs)
    {
        var ids = new SortedSet<int>();
        foreach (var o in outputs)
        {
            var own = Expected(formatsA, formatsB, modes, scales, block, o);
            ids.UnionWith(own);
            int first = OutputResult(Files.DotLine.OutputCodeOf(o));
            if (first < 0) continue;
            var names = own.Select(id => NameList[id]).ToArray();
            for (int r = 0; r < OutputResults.Length; r++)
            {
                bool keep = OutputResults[r] switch
                {
                    "underflow" => names.Contains("result:underflow"),
                    "overflow-boundary" => names.Any(n => n.StartsWith("rb:", StringComparison.Ordinal) && n.Contains(":overflow:")),
                    "subnormal-boundary" => names.Any(n => n.StartsWith("rb:", StringComparison.Ordinal) && n.Contains(":subnormal:")),
                    "underflow-boundary" => names.Any(n => n.StartsWith("tiny:", StringComparison.Ordinal)),
                    _ => true,
                };
                if (keep) ids.Add(first + r);
            }
        }
        return ids.ToArray();
    }

    /// <summary>The classes a run over these formats and modes must hit (every class not tied to another format or mode).</summary>
    /// <remarks>
    /// With a scale format whose range is narrow (NVFP4's UE4M3: scaled products between 2^−20 and about 2^27), some
    /// result classes cannot occur for a given output and are not expected: subnormal results when even the smallest
    /// product, less the 24 bits of an FP32 C that cancels it, lies above the output's normal range; ties and near-ups
    /// at the overflow threshold when the largest block sum (k·max·max·smax²) stays below half an ulp of the output's
    /// maximum. E8M0 reaches both for every output, so OCP MX runs expect every class as before.
    /// </remarks>
    public static IReadOnlyList<int> Expected(IReadOnlyList<NumberFormat> formatsA, IReadOnlyList<NumberFormat> formatsB, IReadOnlyList<RoundingMode> modes,
        ScaleCodec? scales = null, int block = 32, NumberFormat? output = null)
    {
        bool subnormalReachable = true, overflowTiesReachable = true;
        if (scales is not null && output is not null)
        {
            int minProduct = 2 * scales.LeastExponent + formatsA.Min(f => f.QuantumExponent) + formatsB.Min(f => f.QuantumExponent);
            subnormalReachable = minProduct - 24 < output.Emin;
            double Log2Max(NumberFormat f) => Math.Log2(f.MaxFinite.Significand) + f.MaxFinite.Exponent;
            uint maxScale = scales.Format.MaxFiniteCode;
            double maxSum = Math.Log2(block) + formatsA.Max(Log2Max) + formatsB.Max(Log2Max)
                + 2 * (scales.Exponent(maxScale) + Math.Log2(scales.Significand(maxScale)));
            overflowTiesReachable = maxSum >= output.Emax - output.MantissaBits - 2;
        }
        var modeNames = modes.Select(m => m.ShortName()).ToHashSet();
        var formatNames = formatsA.Concat(formatsB).Select(f => f.Name).ToHashSet();
        var pairs = formatsA.SelectMany(a => formatsB.Select(b => $"pair:{a.Name}x{b.Name}")).ToHashSet();
        var used = formatsA.Concat(formatsB).ToArray();
        bool anyInfinity = used.Any(f => f.HasInfinity), anyNaN = used.Any(f => f.HasNan);
        // The new boundary families need a power-of-two scale's range (E8M0) to place a block anywhere; a product
        // spread of 20 bits inside one block needs a pair whose products span that much.
        bool wideScales = scales is null || scales.IsPowerOfTwo;
        static double Log2Of(NumberFormat f, byte code) => Math.Log2(Math.Abs((double)Dot.ElementTable.For(f).Fixed[code]));
        bool spread20 = formatsA.Any(a => formatsB.Any(b =>
            Log2Of(a, ElementCodes.For(a).MaxNormal) + Log2Of(b, ElementCodes.For(b).MaxNormal)
            - Log2Of(a, ElementCodes.For(a).MinSubnormal) - Log2Of(b, ElementCodes.For(b).MinSubnormal) >= 20));
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
                "rb" when parts[2] == "subnormal" && !subnormalReachable => false,
                "rb" when parts[2] == "overflow" && parts[1] is not ("exact" or "sticky-far") && !overflowTiesReachable => false,
                "rb" => modeNames.Contains(parts[3]),
                "result" when parts[1] is "underflow" or "cancel-subnormal" && !subnormalReachable => false,
                "zero" when n == "zero:cancel:-0" => modeNames.Contains("rdn"), // only rdn turns a cancellation into −0
                // Element rules need an element format that has Inf (only e5m2) or NaN (e4m3, e5m2).
                "special" when parts[1] is "inf-times-zero" or "inf-both-signs" or "inf-product" => anyInfinity,
                "special" when parts[1] == "nan-element" => anyNaN,
                "tiny" => wideScales && modeNames.Contains(parts[4]),
                "largest" when parts[1] == "opposite-pow2" => modeNames.Contains(parts[2]),
                "largest" => wideScales,
                "dominant" when parts[1] == "c-zero" => spread20,
                "dominant" => wideScales,
                "zero-sum" when parts[2] == "cancel" && block < 2 => false, // one product cannot cancel with a zero C
                "zero-sum" => modeNames.Contains(parts[3]),
                "lone-special" => formatNames.Contains(parts[1]),
                "out" => false, // expected only for runs with that output: ExpectedFor(…, outputs)
                "scale-code" or "zero-scale" => ScaleCodeCoverage.Expected(scales, n),
                _ => true,
            };
            if (keep) ids.Add(id);
        }
        return ids;
    }
}
