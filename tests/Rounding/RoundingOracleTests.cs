using System.Numerics;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Formats;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Rounding;

/// <summary>The rounding core against the independent oracle, exhaustively around every representable value.</summary>
public class RoundingOracleTests
{
    public static readonly (string Name, RoundingContext Ctx, uint R, int N)[] Modes = BuildModes();

    private static (string, RoundingContext, uint, int)[] BuildModes()
    {
        var list = new List<(string, RoundingContext, uint, int)>();
        foreach (var m in RoundingModes.Deterministic) list.Add((m.ShortName(), new RoundingContext(m), 0, 0));
        foreach (var (r, n) in new (uint, int)[] { (0, 4), (1, 4), (8, 4), (15, 4), (0x5A, 8), (0x1FFF, 13), (0, 1), (1, 1) })
            list.Add(("sr", RoundingContext.Stochastic(r, n), r, n));
        return [.. list];
    }

    public static TheoryData<string> FormatNames => new(OracleFormat.Small.Select(f => f.Name).Concat(["bf16", "fp16"]));

    /// <summary>
    /// For every pair of adjacent non-negative values a &lt; b of the format: a, b, the midpoint, the midpoint ± 2^-12 of
    /// the gap, and a quarter of the way; then the same for negatives; beyond max: max + gap/2 ± tiny, max + gap, 4·max;
    /// below the smallest value: fractions of it. Every rounding mode (sr with several r, n), both overflow policies.
    /// </summary>
    [Theory]
    [MemberData(nameof(FormatNames))]
    public void EveryMidpointAndNeighbourRoundsAsTheOracleSays(string name)
    {
        var f = StandardFormats.TryParse(name)!;
        var o = OracleFormat.All.Single(x => x.Name == name);
        var points = TestPoints(o).ToList();
        foreach (var (mag, exp) in points)
            foreach (bool neg in new[] { false, true })
                foreach (var (mode, ctx0, r, n) in Modes)
                    foreach (bool saturate in new[] { true, false })
                        foreach (bool full in o.Kind == OracleKind.Int ? new[] { false, true } : new[] { false })
                        {
                            var ctx = ctx0 with { Overflow = saturate ? OverflowPolicy.Saturate : OverflowPolicy.Ieee, IntegerFullRange = full };
                            Check(f, o, neg, mag, exp, mode, ctx, saturate, r, n, full);
                        }
    }

    internal static void Check(NumberFormat f, OracleFormat o, bool neg, BigInteger mag, int exp, string mode, RoundingContext ctx,
        bool saturate, uint r, int n, bool full)
    {
        var (ev, eflags) = ConversionOracle.Round(o, neg, mag, exp, mode, saturate, r, n, full);
        var got = mag.GetBitLength() <= 128
            ? RoundingCore.RoundWide(f, neg, (UInt128)mag, exp, false, ctx)
            : throw new InvalidOperationException("test value too wide");
        var gv = FormatTableTests.ToOracle(Codec.Decode(f, got.Code));
        if (!ev.SameAs(gv) || eflags != (int)got.Flags)
            Assert.Fail($"{f.Name} {(neg ? "-" : "+")}{mag}*2^{exp} {mode}{(mode == "sr" ? $"(r={r},n={n})" : "")} " +
                        $"{(saturate ? "saturate" : "ieee")}{(full ? " full" : "")}: model 0x{got.Code:x} = {gv} flags {got.Flags}; " +
                        $"oracle {ev} flags {eflags}");
    }

    /// <summary>Points at and around every representable non-negative value, as exact dyadics (mag, exp).</summary>
    public static IEnumerable<(BigInteger, int)> TestPoints(OracleFormat o)
    {
        var values = new SortedSet<(BigInteger, int)>(Comparer<(BigInteger, int)>.Create(Compare));
        uint count = o.Bits >= 32 ? 0 : 1u << o.Bits;
        for (uint c = 0; c < count; c++)
        {
            var v = ConversionOracle.Decode(o, c);
            if (v.Class == OClass.Finite && !v.Negative) values.Add(Normalize(v.Mag, v.Exp));
        }
        var list = values.ToList();
        const int fine = 12;
        for (int i = 0; i < list.Count; i++)
        {
            var (am, ae) = list[i];
            yield return (am, ae);
            if (i + 1 == list.Count) break;
            var (bm, be) = list[i + 1];
            int e = Math.Min(ae, be) - fine - 2;
            BigInteger a = am << (ae - e), b = bm << (be - e);
            BigInteger gap = b - a, half = gap / 2, tiny = gap >> fine;
            yield return (a + half, e);
            yield return (a + half - tiny, e);
            yield return (a + half + tiny, e);
            yield return (a + gap / 4, e);
            yield return (a + 3 * gap / 4, e);
            yield return (a + tiny, e);
            yield return (b - tiny, e);
        }
        // Beyond the largest finite value, with the gap of its binade.
        var (mm, me) = list[^1];
        var (pm, pe) = list[^2];
        int e2 = Math.Min(me, pe) - fine - 2;
        BigInteger max = mm << (me - e2), g = max - (pm << (pe - e2));
        foreach (var x in new[] { max + g / 2, max + g / 2 - (g >> fine), max + g / 2 + (g >> fine), max + g, max + 2 * g, max * 4, max * 1024 + 1 })
            yield return (x, e2);
        // Below the smallest non-zero value.
        var (sm, se) = list[0].Item1.IsZero ? list[1] : list[0];
        foreach (var (num, sh) in new[] { (1, 1), (1, 2), (3, 2), (1, 10), (1023, 10), (1025, 11) })
            yield return (sm * num, se - sh);
    }

    private static (BigInteger, int) Normalize(BigInteger m, int e)
    {
        if (m.IsZero) return (0, 0);
        while (m.IsEven) { m >>= 1; e++; }
        return (m, e);
    }

    private static int Compare((BigInteger M, int E) x, (BigInteger M, int E) y)
    {
        if (x.M.IsZero || y.M.IsZero) return x.M.IsZero.CompareTo(!y.M.IsZero) == 0 ? (x.M.IsZero ? (y.M.IsZero ? 0 : -1) : 1) : (x.M.IsZero ? -1 : 1);
        int e = Math.Min(x.E, y.E);
        return (x.M << (x.E - e)).CompareTo(y.M << (y.E - e));
    }
}
