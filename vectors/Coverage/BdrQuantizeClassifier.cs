using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// Coverage classes of quantize-bdr vectors (docs/vector-format.md, "op = quantize-bdr"): mode, block exponent code,
/// microexponents, block contents, and how each finite element's exact value |v| / 2^(E − τ − (m − 1)) lies against
/// the integer grid of its sub-block — on it, on a tie, within 2^-10 ulp of a tie, sticky bits only — or whether it
/// is above the largest magnitude 2^m − 1 (saturates), rounds to a zero code, or keeps a negative zero. Decided from
/// the inputs and the line's S and M, independently of the quantizer.
/// </summary>
public static class BdrQuantizeClassifier
{
    private static readonly string[] ElementKinds =
        ["exact", "tie", "tie-below", "tie-above", "sticky-far", "saturated", "to-zero", "negative-zero", "max-code"];

    public static readonly string[] Names = BuildNames();
    private static readonly Dictionary<string, int> Ids = Names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);

    private static string[] BuildNames()
    {
        var n = new List<string>();
        n.AddRange(RoundingModes.Deterministic.Select(m => "brm:" + m.ShortName()));
        n.AddRange(new[] { "nan", "bottom", "top", "other" }.Select(s => "bscale:" + s));
        n.AddRange(new[] { "zero", "shifted", "largest", "clamped", "zero-sub-block", "mixed" }.Select(s => "bmicro:" + s));
        n.AddRange(new[] { "all-zero", "nan", "snan", "inf", "fp32-subnormal", "fp32-max", "exponent-clamped" }.Select(s => "bblock:" + s));
        n.AddRange(ElementKinds.Select(s => "belem:" + s));
        return n.ToArray();
    }

    public static int Count => Names.Length;
    public static int Id(string name) => Ids[name];

    public static void Classify(BdrQuantizeVector q, long[] counts)
    {
        var f = q.Format;
        var codec = f.ScaleCodec;
        int k2 = f.Microexponent!.Size, maxShift = f.Microexponent.MaxShift, m = f.MagnitudeBits;
        counts[Id("brm:" + q.Rounding.ShortName())]++;
        bool nanScale = codec.IsNaN(q.Scale);
        uint top = codec.IsNaN(codec.MaxCode) ? codec.MaxCode - 1 : codec.MaxCode;
        counts[Id("bscale:" + (nanScale ? "nan" : q.Scale == 0 ? "bottom" : q.Scale == top ? "top" : "other"))]++;

        bool allZero = true, nan = false, snan = false, inf = false, sub = false, max = false;
        uint maxFinite = 0;
        foreach (uint v in q.V)
        {
            uint mag = v & 0x7FFFFFFF;
            if (mag != 0) allZero = false;
            if (mag > 0x7F800000) { nan = true; snan |= (mag & 0x00400000) == 0; continue; }
            if (mag == 0x7F800000) { inf = true; continue; }
            if (mag != 0 && mag < 0x00800000) sub = true;
            if (mag == 0x7F7FFFFF) max = true;
            maxFinite = Math.Max(maxFinite, mag);
        }
        if (allZero) counts[Id("bblock:all-zero")]++;
        if (nan) counts[Id("bblock:nan")]++;
        if (snan) counts[Id("bblock:snan")]++;
        if (inf) counts[Id("bblock:inf")]++;
        if (sub) counts[Id("bblock:fp32-subnormal")]++;
        if (max) counts[Id("bblock:fp32-max")]++;
        // The block exponent's bottom (E8M0: 2^-127, code 0): a smaller amax clamps to it.
        if (maxFinite != 0 && !inf && FloorLog2(maxFinite) < codec.Exponent(0)) counts[Id("bblock:exponent-clamped")]++;
        if (nanScale) return;

        int e = codec.Exponent(q.Scale);
        Span<bool> micro = stackalloc bool[6];
        Span<bool> seen = stackalloc bool[ElementKinds.Length];
        for (int j = 0; j < q.Micro.Length; j++)
        {
            int tau = q.Micro[j];
            uint subMax = 0;
            bool subInf = false;
            for (int i = j * k2; i < (j + 1) * k2; i++)
            {
                uint mag = q.V[i] & 0x7FFFFFFF;
                if (mag == 0x7F800000) subInf = true;
                else subMax = Math.Max(subMax, mag);
            }
            if (tau == 0) micro[0] = true;
            else if (tau < maxShift) micro[1] = true;
            else micro[2] = true;
            if (subMax == 0 && !subInf) micro[4] = true;
            else if (!subInf && e - FloorLog2(subMax) > maxShift) micro[3] = true;
            int unit = e - tau - (m - 1);
            for (int i = j * k2; i < (j + 1) * k2; i++)
            {
                uint v = q.V[i], mag = v & 0x7FFFFFFF, code = q.P[i], magnitude = code & ((1u << m) - 1);
                if (magnitude == (1u << m) - 1) seen[8] = true;
                if (mag == 0x7F800000) continue;
                if (mag != 0 && magnitude == 0) seen[6] = true;
                if ((code >> m) != 0 && magnitude == 0) seen[7] = true;
                if (ElementKind(mag, unit, m) is int kind and >= 0) seen[kind] = true;
            }
        }
        micro[5] = micro[0] && (micro[1] || micro[2]);
        string[] microNames = ["zero", "shifted", "largest", "clamped", "zero-sub-block", "mixed"];
        for (int c = 0; c < micro.Length; c++)
            if (micro[c]) counts[Id("bmicro:" + microNames[c])]++;
        for (int c = 0; c < seen.Length; c++)
            if (seen[c]) counts[Id("belem:" + ElementKinds[c])]++;
    }

    private static int FloorLog2(uint mag) => mag >= 0x00800000 ? (int)(mag >> 23) - 127 : -149 + 31 - System.Numerics.BitOperations.LeadingZeroCount(mag);

    /// <summary>Index into <see cref="ElementKinds"/> of |v| = mag against the grid M·2^unit (M ≤ 2^m − 1), or −1.</summary>
    private static int ElementKind(uint mag, int unit, int m)
    {
        if (mag == 0) return 0;
        int field = (int)(mag >> 23);
        ulong sig = field == 0 ? mag : (mag & 0x7FFFFF) | 0x800000;
        int exp = field == 0 ? -149 : field - 150; // |v| = sig·2^exp
        int shift = unit - exp;
        // Above (2^m − 1)·2^unit: saturates (at least rounds to the largest code; above the largest grid value).
        if (shift <= 0 ? shift < -40 || (sig << -shift) > (1UL << m) - 1 : (sig >> shift) > (1UL << m) - 1 || ((sig >> shift) == (1UL << m) - 1 && (sig & ((1UL << shift) - 1)) != 0))
            return 5;
        if (shift <= 0) return 0;
        if (shift > 62) return 4;
        ulong one = 1UL << shift, rem = sig & (one - 1), half = one >> 1, near = shift > 10 ? one >> 10 : 0;
        if (rem == 0) return 0;
        if (rem == half) return 1;
        if (rem < half && half - rem <= near) return 2;
        if (rem > half && rem - half <= near) return 3;
        if (rem <= near) return 4;
        return -1;
    }

    /// <summary>The classes a run of this format over these modes must hit (the microexponent classes need d2 &gt; 0).</summary>
    public static IReadOnlyList<int> Expected(BlockFormat format, IReadOnlyList<RoundingMode> modes)
    {
        var rm = modes.Select(x => "brm:" + x.ShortName()).ToHashSet();
        bool shifts = format.Microexponent!.MaxShift > 0, between = format.Microexponent.MaxShift > 1;
        return Enumerable.Range(0, Count).Where(i =>
        {
            var n = Names[i];
            if (n.StartsWith("brm:")) return rm.Contains(n);
            if (n is "bmicro:shifted") return between;
            if (n is "bmicro:largest" or "bmicro:mixed") return shifts;
            return true;
        }).ToArray();
    }

    public static string Report(long[] counts, long vectors, IReadOnlyList<int> expected, bool json) =>
        ClassReport.Format(Names, counts, vectors, expected, json);
}
