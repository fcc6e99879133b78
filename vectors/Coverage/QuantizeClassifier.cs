using MxRef.Vectors.Files;
using System.Text;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Text;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// Coverage classes of quantize vectors (docs/vectors.md): format, mode, scale, block contents, and how each finite
/// element's exact value v / 2^(S−127) lies against the element grid — on it, on a tie, within 2^-10 ulp of a tie,
/// sticky bits only, just below the next code — or whether it saturates, flushes to zero, or lands on a subnormal code.
/// Decided from the inputs and the file's scale, independently of the quantizer.
/// </summary>
public sealed class QuantizeClassifier
{
    // Static fields initialise in order: the element kinds first, the names built from them next.
    private static readonly string[] ElementKinds =
        ["exact", "tie", "tie-below", "tie-above", "sticky-far", "near-up", "saturated", "to-zero", "subnormal-code", "zero-input"];

    public static readonly string[] Names = BuildNames();
    private static readonly Dictionary<string, int> Ids = Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);

    private static string[] BuildNames()
    {
        var n = new List<string>();
        n.AddRange(StandardFormats.Elements.Select(f => "qfmt:" + f.Name));
        n.AddRange(RoundingModes.Deterministic.Select(m => "qrm:" + m.ShortName()));
        n.AddRange(new[] { "nan", "00", "fe", "other" }.Select(s => "qscale:" + s));
        n.AddRange(new[] { "all-zero", "nan", "snan", "inf", "fp32-subnormal", "fp32-max" }.Select(s => "qblock:" + s));
        n.AddRange(ElementKinds.Select(s => "qelem:" + s));
        return n.ToArray();
    }

    public static int Count => Names.Length;

    /// <summary>
    /// The file's scale format (E8M0 unless the header's block formats say otherwise: NVFP4's UE4M3). The element-grid
    /// classes need a power-of-two scale; under a float scale only the zero, flush and subnormal-code classes apply.
    /// </summary>
    public ScaleCodec Scale { get; init; } = ScaleCodec.E8M0;

    /// <summary>Element classes that need a power-of-two scale (the grid position of v / 2^(S−bias)).</summary>
    private static readonly int[] GridKinds = [0, 1, 2, 3, 4, 5, 6];
    public static int Id(string name) => Ids[name];

    public void Classify(QuantizeVector q, long[] counts)
    {
        var f = q.Format;
        counts[Id("qfmt:" + f.Name)]++;
        counts[Id("qrm:" + q.Rounding.ShortName())]++;
        uint top = Scale.IsNaN(Scale.MaxCode) ? Scale.MaxCode - 1 : Scale.MaxCode; // E8M0 0xFE, UE4M3 0x7E
        counts[Id("qscale:" + (Scale.IsNaN(q.Scale) ? "nan" : q.Scale == 0 ? "00" : q.Scale == top ? "fe" : "other"))]++;
        bool allZero = true, nan = false, snan = false, inf = false, sub = false, max = false;
        Span<bool> seen = stackalloc bool[ElementKinds.Length];
        for (int i = 0; i < q.K; i++)
        {
            uint v = q.V[i], mag = v & 0x7FFFFFFF;
            if (mag != 0) allZero = false;
            if (mag > 0x7F800000) { nan = true; snan |= (mag & 0x00400000) == 0; continue; }
            if (mag == 0x7F800000) { inf = true; continue; }
            if (mag != 0 && mag < 0x00800000) sub = true;
            if (mag == 0x7F7FFFFF) max = true;
            if (Scale.IsNaN(q.Scale)) continue;
            int kind = Scale.IsPowerOfTwo ? ElementKind(f, mag, q.Scale) : mag == 0 ? 9 : -1;
            if (kind >= 0) seen[kind] = true;
            var d = Codec.Decode(f, q.P[i]);
            if (mag != 0 && d.IsZero) seen[7] = true;            // a non-zero input flushed to a zero code
            if (d.Class == ValueClass.Subnormal) seen[8] = true; // a subnormal element code
        }
        if (allZero) counts[Id("qblock:all-zero")]++;
        if (nan) counts[Id("qblock:nan")]++;
        if (snan) counts[Id("qblock:snan")]++;
        if (inf) counts[Id("qblock:inf")]++;
        if (sub) counts[Id("qblock:fp32-subnormal")]++;
        if (max) counts[Id("qblock:fp32-max")]++;
        for (int k = 0; k < seen.Length; k++)
            if (seen[k]) counts[Id("qelem:" + ElementKinds[k])]++;
    }

    /// <summary>Index into <see cref="ElementKinds"/> for a finite input magnitude at scale code <paramref name="scale"/>, or −1.</summary>
    private static int ElementKind(NumberFormat f, uint mag, byte scale)
    {
        if (mag == 0) return 9;
        int e = (int)(mag >> 23);
        ulong sig = e == 0 ? mag : (mag & 0x7FFFFF) | 0x800000;
        int exp = (e == 0 ? -149 : e - 150) - (scale - 127); // x = sig·2^exp
        int msb = exp + 63 - System.Numerics.BitOperations.LeadingZeroCount(sig);
        var (maxSig, maxExp) = f.MaxFinite;
        // Beyond max finite: the element saturates (OCP quantization saturates; x > max, not merely rounding up to it).
        int top = maxExp + 63 - System.Numerics.BitOperations.LeadingZeroCount(maxSig);
        if (msb > top || (msb == top && Compare(sig, exp, maxSig, maxExp) > 0)) return 6;
        int uq = f.Kind == FormatKind.Integer ? f.IntegerScaleExponent : Math.Max(msb - f.MantissaBits, f.QuantumExponent);
        int shift = uq - exp;
        if (shift <= 0) return 0;
        if (shift > 62) return msb - uq <= -11 ? 4 : -1;
        ulong one = 1UL << shift, rem = sig & (one - 1), half = one >> 1, near = shift > 10 ? one >> 10 : 0;
        if (rem == 0) return 0;
        if (rem == half) return 1;
        if (rem < half && half - rem <= near) return 2;
        if (rem > half && rem - half <= near) return 3;
        if (rem <= near) return 4;
        if (rem > half && one - rem <= near) return 5;
        return -1;
    }

    private static int Compare(ulong s1, int e1, ulong s2, int e2)
    {
        int e = Math.Min(e1, e2);
        UInt128 a = (UInt128)s1 << (e1 - e), b = (UInt128)s2 << (e2 - e);
        return a.CompareTo(b);
    }

    /// <summary>The classes a quantize run over these formats and modes must hit.</summary>
    public static IReadOnlyList<int> Expected(IReadOnlyList<NumberFormat> formats, IReadOnlyList<RoundingMode> modes, ScaleCodec? scale = null)
    {
        if (scale is { IsPowerOfTwo: false })
        {
            var grid = GridKinds.Select(k => Id("qelem:" + ElementKinds[k])).ToHashSet();
            return Expected(formats, modes).Where(i => !grid.Contains(i)).ToArray();
        }
        var fm = formats.Select(f => "qfmt:" + f.Name).ToHashSet();
        var rm = modes.Select(m => "qrm:" + m.ShortName()).ToHashSet();
        bool anySubnormalCode = formats.Any(f => f.Kind == FormatKind.Float);
        return Enumerable.Range(0, Count).Where(i =>
        {
            var n = Names[i];
            if (n.StartsWith("qfmt:")) return fm.Contains(n);
            if (n.StartsWith("qrm:")) return rm.Contains(n);
            if (n == "qelem:subnormal-code") return anySubnormalCode;
            return true;
        }).ToArray();
    }

    /// <summary>Counts and never-hit classes, as text or JSON (the dot report's layout).</summary>
    public static string Report(long[] counts, long vectors, IReadOnlyList<int> expected, bool json) =>
        ClassReport.Format(Names, counts, vectors, expected, json);
}
