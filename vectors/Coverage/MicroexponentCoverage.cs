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

    // The first class id of each group, taken as the names are added: Classify counts by index into a group (a name
    // per class hit, looked up in a dictionary, was most of the dot-bdr unit's coverage cost). Groups indexed by a
    // rounding mode use its code (RoundingModes.Deterministic is codes 0..5 in order).
    private readonly int _rm, _scale, _scaleSum, _micro, _microBlock, _op, _c, _special, _result, _align, _cancel, _largest, _rb;
    private readonly int _taus;

    public BlockFormat Format { get; }
    public NumberFormat Output { get; }
    public long Vectors { get; private set; }
    public IReadOnlyList<RoundingMode> Modes { get; }

    public MicroexponentCoverage(BlockFormat format, NumberFormat output, IReadOnlyList<RoundingMode> modes)
    {
        Format = format; Output = output; Modes = modes;
        int taus = _taus = format.Microexponent!.MaxShift + 1;
        _rm = _names.Count;
        foreach (var m in RoundingModes.Deterministic) Add("rm:" + m.ShortName());
        _scale = Group("scale:", Scales);
        _scaleSum = Group("scale-sum:", ScaleSums);
        _micro = _names.Count;
        for (int a = 0; a < taus; a++)
            for (int b = 0; b < taus; b++) Add($"micro:a{a}b{b}");
        _microBlock = Group("micro-block:", MicroBlocks);
        _op = Group("op:", Operands);
        _c = Group("c:", Accumulators);
        _special = Group("special:", Specials);
        _result = Group("result:", Results);
        _align = Group("align:", Alignments);
        _cancel = Group("cancel:", Cancels);
        _largest = _names.Count;
        Add("largest:block");
        _rb = _names.Count;
        foreach (var s in Boundaries)
            foreach (var m in RoundingModes.Deterministic) Add($"rb:{s}:{m.ShortName()}");
        _counts = new long[_names.Count];
        _target = _counts;
    }

    private int Group(string prefix, string[] names)
    {
        int first = _names.Count;
        foreach (var s in names) Add(prefix + s);
        return first;
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

    private void Hit(int id) => _target[id]++;

    // Indices into Results, Specials, Alignments, Cancels, MicroBlocks and Boundaries (the order of those arrays).
    private const int RNan = 0, RNv = 1, RInf = 2, ROverflow = 3, RMaxFinite = 4, RNormal = 5, RSubnormal = 6, RUnderflow = 7,
        RExact = 8, RInexact = 9, RZeroPos = 10, RZeroNeg = 11;
    private const int SNanA = 0, SNanB = 1, SNanC = 2, SSnanC = 3, SInfC = 4;
    private const int ASumZero = 0, ACZero = 1, ACDominant = 2, ACAbove = 3, AEqual = 4, ASumAbove = 5, ASumDominant = 6;
    private const int BExact = 0, BTie = 1, BNearTie = 2;

    private int Rb(int boundary, RoundingMode mode) => _rb + boundary * RoundingModes.Deterministic.Count + (int)mode;

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
        Hit(_rm + (int)v.Rounding);
        Hit(_scale + ScaleIndex(codec, v.ScaleA));
        if (v.ScaleB != v.ScaleA) Hit(_scale + ScaleIndex(codec, v.ScaleB));
        if (v.ScaleA == 0 && v.ScaleB == 0) Hit(_scaleSum + 0);
        else if (!codec.IsNaN(v.ScaleA) && !codec.IsNaN(v.ScaleB) && codec.Exponent(v.ScaleA) + codec.Exponent(v.ScaleB) == 0) Hit(_scaleSum + 1);
        else if (v.ScaleA == codec.Format.MaxFiniteCode && v.ScaleB == codec.Format.MaxFiniteCode) Hit(_scaleSum + 2);

        int maxShift = f.Microexponent!.MaxShift;
        for (int j = 0; j < v.SubBlocks; j++) Hit(_micro + v.MicroA[j] * _taus + v.MicroB[j]);
        Hit(_microBlock + MicroBlock(v.MicroA, maxShift));
        Hit(_microBlock + MicroBlock(v.MicroB, maxShift));

        int m = f.MagnitudeBits;
        uint signBit = 1u << m, mask = signBit - 1;
        int seen = 0; // a bit per Operands entry
        for (int side = 0; side < 2; side++)
            foreach (uint code in side == 0 ? v.A : v.B)
            {
                uint mag = code & mask;
                bool neg = (code & signBit) != 0;
                int i = mag == 0 ? (neg ? 1 : 0) : mag == 1 ? (neg ? 3 : 2) : mag == mask ? (neg ? 5 : 4) : 6;
                if ((seen & 1 << i) == 0) { seen |= 1 << i; Hit(_op + i); }
            }

        var c = Codec.Decode(StandardFormats.Fp32, v.C);
        Hit(_c + AccumulatorIndex(c, v.C));
        bool nanA = codec.IsNaN(v.ScaleA), nanB = codec.IsNaN(v.ScaleB);
        if (nanA) Hit(_special + SNanA);
        if (nanB) Hit(_special + SNanB);
        if (c.IsNaN) Hit(_special + SNanC);
        if (c.Class == ValueClass.SignalingNaN) Hit(_special + SSnanC);
        if (c.IsInfinity) Hit(_special + SInfC);
        var d = Codec.Decode(Output, v.D);
        if (nanA || nanB || !c.IsFinite)
        {
            if (d.IsNaN) Hit(_result + RNan);
            if (d.IsInfinity) Hit(_result + RInf);
            if ((v.Flags & (byte)ExceptionFlags.Invalid) != 0) Hit(_result + RNv);
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
        if (largest && signs != 3) Hit(_largest);
        int sumExp = codec.Exponent(v.ScaleA) + codec.Exponent(v.ScaleB) - 2 * (m - 1) - 2 * maxShift;
        Int128 cTerm = c.Negative ? -(Int128)c.Significand : (Int128)c.Significand;
        int msbSum = sum == 0 ? int.MinValue : sumExp + Msb(sum), msbC = c.IsZero ? int.MinValue : c.Exponent + Msb(cTerm);
        if (sum == 0) Hit(_align + ASumZero);
        else if (c.IsZero) Hit(_align + ACZero);
        else
        {
            int dist = msbC - msbSum;
            Hit(_align + (dist >= 25 ? ACDominant : dist > 0 ? ACAbove : dist == 0 ? AEqual : dist > -25 ? ASumAbove : ASumDominant));
        }

        var s = ExactSum.Add(sum, sumExp, cTerm, c.Exponent);
        if (s.IsExactZero)
        {
            if (sum != 0 || !c.IsZero) Hit(_cancel + 0);
            Hit(_result + (d.Negative ? RZeroNeg : RZeroPos));
            Hit(_result + RExact);
            Hit(Rb(BExact, v.Rounding));
            return;
        }
        int msbExact = s.Exponent + 127 - (int)UInt128.LeadingZeroCount(s.Magnitude);
        if (sum != 0 && !c.IsZero && msbExact <= Math.Max(msbSum, msbC) - 8) Hit(_cancel + 1);
        ResultClasses(v, d);
        Boundary(v, s, msbExact);
    }

    /// <summary>The <see cref="MicroBlocks"/> index of one operand's microexponents: all 0, all at the largest shift, or mixed.</summary>
    private static int MicroBlock(byte[] micro, int maxShift)
    {
        bool allZero = true, allMax = true;
        foreach (byte t in micro) { allZero &= t == 0; allMax &= t == maxShift; }
        return allZero ? 0 : allMax ? 1 : 2;
    }

    private void ResultClasses(MicroexponentDotVector v, Decoded d)
    {
        var flags = (ExceptionFlags)v.Flags;
        if ((flags & ExceptionFlags.Overflow) != 0) Hit(_result + ROverflow);
        if ((flags & ExceptionFlags.Underflow) != 0) Hit(_result + RUnderflow);
        if (d.IsInfinity) Hit(_result + RInf);
        else if ((v.D & ~Output.NegativeZeroCode) == Output.MaxFiniteCode) Hit(_result + RMaxFinite);
        else if (d.Class == ValueClass.Normal) Hit(_result + RNormal);
        else if (d.Class == ValueClass.Subnormal) Hit(_result + RSubnormal);
        else if (d.IsZero) Hit(_result + (d.Negative ? RZeroNeg : RZeroPos));
        Hit(_result + ((flags & ExceptionFlags.Inexact) != 0 ? RInexact : RExact));
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
        var mode = v.Rounding;
        if (below <= 0) { if (!s.Sticky) Hit(Rb(BExact, mode)); return; }
        if (below > 126) return;
        UInt128 rest = s.Magnitude & ((UInt128.One << below) - 1), half = UInt128.One << (below - 1);
        if (rest == 0 && !s.Sticky) Hit(Rb(BExact, mode));
        else if (rest == half && !s.Sticky) Hit(Rb(BTie, mode));
        else if (below >= 2)
        {
            UInt128 distance = rest >= half ? rest - half : half - rest;
            if (distance < (UInt128.One << (below - 2)) || (distance == 0 && s.Sticky)) Hit(Rb(BNearTie, mode));
        }
    }

    private static int Msb(Int128 x)
    {
        UInt128 mag = x < 0 ? (UInt128)(-x) : (UInt128)x;
        return 127 - (int)UInt128.LeadingZeroCount(mag);
    }

    /// <summary>The <see cref="Scales"/> index of a block-exponent code.</summary>
    private static int ScaleIndex(ScaleCodec codec, byte s) =>
        s == 0 ? 0 : s == 1 ? 1 : s == codec.UnitCode ? 2 : s == codec.Format.MaxFiniteCode ? 3 : codec.IsNaN(s) ? 4 : 5;

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
