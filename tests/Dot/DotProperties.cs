using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;

namespace MxRef.Tests.Dot;

public static class DotArbitraries
{
    /// <summary>A random block case (see <see cref="DotCase.Random"/>), k = 32, any format pair and mode.</summary>
    public static Arbitrary<DotCase> Cases() => Arb.From(
        from seed in Gen.Choose(0, int.MaxValue)
        from fa in Gen.Choose(0, 5)
        from fb in Gen.Choose(0, 5)
        from rm in Gen.Choose(0, 5)
        select Make(seed, fa, fb, rm));

    private static DotCase Make(int seed, int fa, int fb, int rm)
    {
        var rng = new MxRandom((ulong)seed);
        return DotCase.Random(ref rng, fa, fb, rm, 32);
    }
}

/// <summary>FsCheck properties of the fused dot product (issue 4).</summary>
[Properties(Arbitrary = [typeof(DotArbitraries)], MaxTest = 2000)]
public class DotProperties
{
    [Property]
    public bool PermutingTheElementsLeavesTheResultUnchanged(DotCase t, int seed)
    {
        var rng = new MxRandom((ulong)seed);
        var order = Enumerable.Range(0, t.A.Length).ToArray();
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(0, i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        var p = t with { A = order.Select(i => t.A[i]).ToArray(), B = order.Select(i => t.B[i]).ToArray() };
        return p.Model() == t.Model();
    }

    [Property]
    public bool SwappingAAndBLeavesTheResultUnchanged(DotCase t) =>
        (t with { Fa = t.Fb, A = t.B, Sa = t.Sb, Fb = t.Fa, B = t.A, Sb = t.Sa }).Model() == t.Model();

    [Property]
    public bool NegatingANegatesTheResultWhenCIsZero(DotCase t)
    {
        var f = StandardFormats.Elements[t.Fa];
        var z = t with { C = 0 };
        var neg = z with { A = z.A.Select(x => Negate(f, x)).ToArray() };
        var r = z.Model();
        var n = neg.Model();
        var d = Codec.Decode(StandardFormats.Fp32, r.Bits);
        if (d.IsNaN) return Codec.Decode(StandardFormats.Fp32, n.Bits).IsNaN && n.Flags == r.Flags;
        if (z.A.Any(x => f.Kind == FormatKind.Integer && x == 0x80)) return true; // −(−128) is not an INT8 code
        if (d.IsZero) return true; // zero signs follow rule 4, not negation
        bool directed = t.Rm is 2 or 3; // rdn and rup swap under negation
        var expected = r.Bits ^ 0x80000000u;
        return directed ? Codec.Decode(StandardFormats.Fp32, n.Bits).Negative != d.Negative : n.Bits == expected && n.Flags == r.Flags;
    }

    [Property]
    public bool DirectedModesSwapUnderNegation(DotCase t)
    {
        if (t.Rm is not (2 or 3)) return true;
        var f = StandardFormats.Elements[t.Fa];
        if (t.A.Any(x => f.Kind == FormatKind.Integer && x == 0x80)) return true;
        var z = t with { C = 0 };
        var neg = z with { A = z.A.Select(x => Negate(f, x)).ToArray(), Rm = t.Rm == 2 ? 3 : 2 };
        var r = z.Model();
        var n = neg.Model();
        if (Codec.Decode(StandardFormats.Fp32, r.Bits) is { IsNaN: true } or { IsZero: true }) return true;
        return n.Bits == (r.Bits ^ 0x80000000u) && n.Flags == r.Flags;
    }

    [Property]
    public bool DotGeneralOfOneScalePairIsTheDotOfTheConcatenation(DotCase t)
    {
        var ta = ElementTable.ForCode(t.Fa);
        var tb = ElementTable.ForCode(t.Fb);
        var whole = t.Model();
        // Split the 32 elements into 4 blocks of 8 sharing the scales: the exact sum is the same.
        var general = DotGeneral.Compute(ta, t.A, [t.Sa, t.Sa, t.Sa, t.Sa], tb, t.B, [t.Sb, t.Sb, t.Sb, t.Sb], 8, t.C,
            (RoundingMode)t.Rm, StandardFormats.Fp32, AccumulationModel.Fused, chained: false);
        return general == whole;
    }

    [Property]
    public bool ChainedDotGeneralIsChunkedForEqualScales(DotCase t)
    {
        var ta = ElementTable.ForCode(t.Fa);
        var tb = ElementTable.ForCode(t.Fb);
        var chained = DotGeneral.Compute(ta, t.A, [t.Sa, t.Sa, t.Sa, t.Sa], tb, t.B, [t.Sb, t.Sb, t.Sb, t.Sb], 8, t.C,
            (RoundingMode)t.Rm, StandardFormats.Fp32, AccumulationModel.Fused, chained: true);
        return chained == t.Model(model: AccumulationModel.Chunked(8));
    }

    private static byte Negate(NumberFormat f, byte code) => f.Kind == FormatKind.Integer
        ? (byte)(-(sbyte)code)
        : (byte)(code ^ (1 << (f.Bits - 1)));
}
