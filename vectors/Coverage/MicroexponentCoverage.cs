using System.Text;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// The coverage classes of shared-microexponent dot vectors (docs/vectors.md, "Shared-microexponent dot classes"),
/// separate from the OCP classes so OCP reports keep their class list: rounding mode, block-exponent codes and pairs,
/// microexponent pairs and block patterns, element codes, C, special rules, result, alignment of C against Σ,
/// cancellation, the largest block, and rounding boundaries per mode. Classified from the exact value, recomputed here.
/// </summary>
public sealed class MicroexponentCoverage
{
    public static readonly string[] Scales = ["min", "next-to-min", "one", "max", "nan", "other"];
    public static readonly string[] ScaleSums = ["both-min", "one", "both-max"];
    public static readonly string[] MicroBlocks = ["all-zero", "all-max", "mixed"];
    public static readonly string[] Operands = ["+0", "-0", "+min", "-min", "+max", "-max", "other"];
    public static readonly string[] Accumulators = ["+0", "-0", "subnormal", "min-normal", "normal", "max", "+inf", "-inf", "qnan", "snan"];
    public static readonly string[] Specials = ["nan-scale-a", "nan-scale-b", "nan-c", "snan-c", "inf-c"];
    public static readonly string[] Results = ["nan", "nv", "inf", "overflow", "max-finite", "normal", "subnormal", "underflow", "exact", "inexact", "zero:+0", "zero:-0"];
    /// <summary>d = msb(C) − msb(Σ): C alone (Σ = 0), Σ alone (C = 0), C dominating (d ≥ 25: Σ is at most sticky), C above, equal, Σ above, Σ dominating.</summary>
    public static readonly string[] Alignments = ["sum-zero", "c-zero", "c-dominant", "c-above", "equal", "sum-above", "sum-dominant"];
    public static readonly string[] Cancels = ["exact", "partial"];
    public static readonly string[] Boundaries = ["exact", "tie", "near-tie"];

    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _ids = [];
    private readonly long[] _counts;
    private long[] _target;

    public BlockFormat Format { get; }
    public NumberFormat Output { get; }
    public long Vectors { get; private set; }
    public IReadOnlyList<RoundingMode> Modes { get; }

    public MicroexponentCoverage(BlockFormat format, NumberFormat output, IReadOnlyList<RoundingMode> modes)
    {
        Format = format; Output = output; Modes = modes;
        int taus = format.Microexponent!.MaxShift + 1;
        foreach (var m in RoundingModes.Deterministic) Add("rm:" + m.ShortName());
        foreach (var s in Scales) Add("scale:" + s);
        foreach (var s in ScaleSums) Add("scale-sum:" + s);
        for (int a = 0; a < taus; a++)
            for (int b = 0; b < taus; b++) Add($"micro:a{a}b{b}");
        foreach (var s in MicroBlocks) Add("micro-block:" + s);
        foreach (var s in Operands) Add("op:" + s);
        foreach (var s in Accumulators) Add("c:" + s);
        foreach (var s in Specials) Add("special:" + s);
        foreach (var s in Results) Add("result:" + s);
        foreach (var s in Alignments) Add("align:" + s);
        foreach (var s in Cancels) Add("cancel:" + s);
        Add("largest:block");
        foreach (var s in Boundaries)
            foreach (var m in RoundingModes.Deterministic) Add($"rb:{s}:{m.ShortName()}");
        _counts = new long[_names.Count];
        _target = _counts;
    }

    private void Add(string name) { _ids[name] = _names.Count; _names.Add(name); }

    public IReadOnlyList<string> Names => _names;
    public long this[string name] => _counts[_ids[name]];

    /// <summary>The classes a run over <see cref="Modes"/> must hit: every class but those of other modes.</summary>
    public IReadOnlyList<string> Expected
    {
        get
        {
            var modes = Modes.Select(m => m.ShortName()).ToHashSet();
            return _names.Where(n => n.Split(':') switch
            {
                ["rm", var m] => modes.Contains(m),
                ["rb", _, var m] => modes.Contains(m),
                _ => true,
            }).ToArray();
        }
    }

    public IReadOnlyList<string> Missing => Expected.Where(n => _counts[_ids[n]] == 0).ToArray();

    private void Hit(string name) => _target[_ids[name]]++;

    /// <summary>
    /// Counts the classes of one vector into <paramref name="counts"/> (indexed as <see cref="Names"/>) instead of this
    /// object's totals: mxref verify keeps a count array per batch. Not thread-safe: one instance per thread.
    /// </summary>
    public void Classify(MicroexponentDotVector v, long[] counts)
    {
        _target = counts;
        try { Classify(v); }
        finally { _target = _counts; }
    }

    /// <summary>Counts the classes of one vector (its inputs and expected D/FLAGS).</summary>
    public void Classify(MicroexponentDotVector v)
    {
        Vectors++;
        var f = v.Format;
        var codec = f.ScaleCodec;
        Hit("rm:" + v.Rounding.ShortName());
        Hit("scale:" + ScaleName(codec, v.ScaleA));
        if (v.ScaleB != v.ScaleA) Hit("scale:" + ScaleName(codec, v.ScaleB));
        if (v.ScaleA == 0 && v.ScaleB == 0) Hit("scale-sum:both-min");
        else if (!codec.IsNaN(v.ScaleA) && !codec.IsNaN(v.ScaleB) && codec.Exponent(v.ScaleA) + codec.Exponent(v.ScaleB) == 0) Hit("scale-sum:one");
        else if (v.ScaleA == codec.Format.MaxFiniteCode && v.ScaleB == codec.Format.MaxFiniteCode) Hit("scale-sum:both-max");

        int maxShift = f.Microexponent!.MaxShift;
        for (int j = 0; j < v.SubBlocks; j++) Hit($"micro:a{v.MicroA[j]}b{v.MicroB[j]}");
        foreach (var micro in new[] { v.MicroA, v.MicroB })
            Hit("micro-block:" + (micro.All(t => t == 0) ? "all-zero" : micro.All(t => t == maxShift) ? "all-max" : "mixed"));

        int m = f.MagnitudeBits;
        uint signBit = 1u << m, mask = signBit - 1;
        var seen = new bool[Operands.Length];
        foreach (var codes in new[] { v.A, v.B })
            foreach (uint code in codes)
            {
                uint mag = code & mask;
                bool neg = (code & signBit) != 0;
                int i = mag == 0 ? (neg ? 1 : 0) : mag == 1 ? (neg ? 3 : 2) : mag == mask ? (neg ? 5 : 4) : 6;
                if (!seen[i]) { seen[i] = true; Hit("op:" + Operands[i]); }
            }

        var c = Codec.Decode(StandardFormats.Fp32, v.C);
        Hit("c:" + Accumulators[AccumulatorIndex(c, v.C)]);
        bool nanA = codec.IsNaN(v.ScaleA), nanB = codec.IsNaN(v.ScaleB);
        if (nanA) Hit("special:nan-scale-a");
        if (nanB) Hit("special:nan-scale-b");
        if (c.IsNaN) Hit("special:nan-c");
        if (c.Class == ValueClass.SignalingNaN) Hit("special:snan-c");
        if (c.IsInfinity) Hit("special:inf-c");
        var d = Codec.Decode(Output, v.D);
        if (nanA || nanB || !c.IsFinite)
        {
            if (d.IsNaN) Hit("result:nan");
            if (d.IsInfinity) Hit("result:inf");
            if ((v.Flags & (byte)ExceptionFlags.Invalid) != 0) Hit("result:nv");
            return;
        }

        // The product sum exactly: Σ ±Ma·Mb·2^(2·maxτ − τa − τb) at 2^(Ea + Eb − 2(m − 1) − 2·maxτ).
        Int128 sum = 0;
        bool largest = true;
        int signs = 0, k2 = f.Microexponent.Size;
        for (int i = 0; i < v.K; i++)
        {
            uint x = v.A[i], y = v.B[i];
            bool neg = ((x ^ y) & signBit) != 0;
            Int128 p = (Int128)((ulong)(x & mask) * (y & mask)) << (2 * maxShift - v.MicroA[i / k2] - v.MicroB[i / k2]);
            sum += neg ? -p : p;
            largest &= (x & mask) == mask && (y & mask) == mask && v.MicroA[i / k2] == 0 && v.MicroB[i / k2] == 0;
            signs |= neg ? 2 : 1;
        }
        if (largest && signs != 3) Hit("largest:block");
        int sumExp = codec.Exponent(v.ScaleA) + codec.Exponent(v.ScaleB) - 2 * (m - 1) - 2 * maxShift;
        Int128 cTerm = c.Negative ? -(Int128)c.Significand : (Int128)c.Significand;
        int msbSum = sum == 0 ? int.MinValue : sumExp + Msb(sum), msbC = c.IsZero ? int.MinValue : c.Exponent + Msb(cTerm);
        if (sum == 0) Hit("align:sum-zero");
        else if (c.IsZero) Hit("align:c-zero");
        else
        {
            int dist = msbC - msbSum;
            Hit("align:" + (dist >= 25 ? "c-dominant" : dist > 0 ? "c-above" : dist == 0 ? "equal" : dist > -25 ? "sum-above" : "sum-dominant"));
        }

        var s = ExactSum.Add(sum, sumExp, cTerm, c.Exponent);
        if (s.IsExactZero)
        {
            if (sum != 0 || !c.IsZero) Hit("cancel:exact");
            Hit(d.Negative ? "result:zero:-0" : "result:zero:+0");
            Hit("result:exact");
            Hit("rb:exact:" + v.Rounding.ShortName());
            return;
        }
        int msbExact = s.Exponent + 127 - (int)UInt128.LeadingZeroCount(s.Magnitude);
        if (sum != 0 && !c.IsZero && msbExact <= Math.Max(msbSum, msbC) - 8) Hit("cancel:partial");
        ResultClasses(v, d);
        Boundary(v, s, msbExact);
    }

    private void ResultClasses(MicroexponentDotVector v, Decoded d)
    {
        var flags = (ExceptionFlags)v.Flags;
        if ((flags & ExceptionFlags.Overflow) != 0) Hit("result:overflow");
        if ((flags & ExceptionFlags.Underflow) != 0) Hit("result:underflow");
        if (d.IsInfinity) Hit("result:inf");
        else if ((v.D & ~Output.NegativeZeroCode) == Output.MaxFiniteCode) Hit("result:max-finite");
        else if (d.Class == ValueClass.Normal) Hit("result:normal");
        else if (d.Class == ValueClass.Subnormal) Hit("result:subnormal");
        else if (d.IsZero) Hit(d.Negative ? "result:zero:-0" : "result:zero:+0");
        Hit((flags & ExceptionFlags.Inexact) != 0 ? "result:inexact" : "result:exact");
    }

    /// <summary>
    /// Where the exact value lies against the output's grid at its magnitude: on it, on a tie, or off a tie by less than
    /// a quarter ulp (the round bit set or clear with sticky bits: a shared-microexponent block cannot get much closer
    /// than its smallest product over its largest, 2^−(2(m−1)+2·maxτ), 1/32 for MX4).
    /// </summary>
    private void Boundary(MicroexponentDotVector v, ExactSum.Sum s, int msbExact)
    {
        int ulp = Math.Max(msbExact - Output.MantissaBits, Output.Emin - Output.MantissaBits); // exponent of the output's last bit
        int below = ulp - s.Exponent; // window bits below the output's last bit
        string mode = v.Rounding.ShortName();
        if (below <= 0) { if (!s.Sticky) Hit("rb:exact:" + mode); return; }
        if (below > 126) return;
        UInt128 rest = s.Magnitude & ((UInt128.One << below) - 1), half = UInt128.One << (below - 1);
        if (rest == 0 && !s.Sticky) Hit("rb:exact:" + mode);
        else if (rest == half && !s.Sticky) Hit("rb:tie:" + mode);
        else if (below >= 2)
        {
            UInt128 distance = rest >= half ? rest - half : half - rest;
            if (distance < (UInt128.One << (below - 2)) || (distance == 0 && s.Sticky)) Hit("rb:near-tie:" + mode);
        }
    }

    private static int Msb(Int128 x)
    {
        UInt128 mag = x < 0 ? (UInt128)(-x) : (UInt128)x;
        return 127 - (int)UInt128.LeadingZeroCount(mag);
    }

    private static string ScaleName(ScaleCodec codec, byte s) =>
        s == 0 ? "min" : s == 1 ? "next-to-min" : s == codec.UnitCode ? "one" : s == codec.Format.MaxFiniteCode ? "max" : codec.IsNaN(s) ? "nan" : "other";

    private static int AccumulatorIndex(Decoded c, uint bits) => c.Class switch
    {
        ValueClass.Zero => c.Negative ? 1 : 0,
        ValueClass.Subnormal => 2,
        ValueClass.Normal when (bits & 0x7FFFFFFF) == 0x00800000 => 3,
        ValueClass.Normal when (bits & 0x7FFFFFFF) == 0x7F7FFFFF => 5,
        ValueClass.Normal => 4,
        ValueClass.Infinity => c.Negative ? 7 : 6,
        ValueClass.QuietNaN => 8,
        _ => 9,
    };

    public string ToText()
    {
        var expected = Expected.ToHashSet();
        var sb = new StringBuilder();
        sb.Append($"coverage ({Format.Name}): {Vectors} vectors, {expected.Count(n => _counts[_ids[n]] > 0)}/{expected.Count} expected classes hit\n");
        string group = "";
        for (int id = 0; id < _names.Count; id++)
        {
            var name = _names[id];
            if (_counts[id] == 0 && !expected.Contains(name)) continue;
            var g = name[..name.IndexOf(':')];
            if (g != group) { sb.Append($"[{g}]\n"); group = g; }
            sb.Append($"  {name,-34} {_counts[id],12}\n");
        }
        var missing = Missing;
        sb.Append(missing.Count == 0 ? "never hit: none\n" : $"never hit ({missing.Count}): {string.Join(' ', missing)}\n");
        return sb.ToString();
    }

    public string ToJson()
    {
        var expected = Expected.ToHashSet();
        var classes = new JObject();
        for (int id = 0; id < _names.Count; id++)
            if (_counts[id] > 0 || expected.Contains(_names[id])) classes[_names[id]] = _counts[id];
        return new JObject { ["block_format"] = Format.Name, ["vectors"] = Vectors, ["classes"] = classes, ["never_hit"] = new JArray(Missing) }.ToString(Formatting.Indented);
    }
}
