using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Tests.Rounding;

/// <summary>A finite FP32 input, a target element format and a deterministic rounding mode.</summary>
public readonly record struct Case(uint Bits, int Format, int Mode)
{
    public NumberFormat Target => StandardFormats.All[Format];
    public double Value => BitConverter.UInt32BitsToSingle(Bits);
    public override string ToString() => $"0x{Bits:x8} ({Value}) -> {Target.Name} {((RoundingMode)Mode).ShortName()}";
}

public static class RoundingArbitraries
{
    /// <summary>Finite FP32 values with exponents concentrated where the small formats live (|e| ≤ 20), both signs.</summary>
    public static Gen<uint> Fp32 =>
        from sign in Gen.Choose(0, 1)
        from e in Gen.Frequency((4, Gen.Choose(127 - 20, 127 + 20)), (1, Gen.Choose(0, 254)))
        from m in Gen.Choose(0, (1 << 23) - 1)
        from pattern in Gen.Choose(0, 3)
        select (uint)(sign << 31) | ((uint)e << 23) | (pattern == 0 ? (uint)m & 0x7C0000u : (uint)m);

    public static Arbitrary<Case> Cases() => Arb.From(
        from bits in Fp32
        from f in Gen.Choose(0, 6) // every element format and E8M0
        from mode in Gen.Choose(0, 5)
        select new Case(bits, f, mode));

    public static Arbitrary<(Case, uint)> CasePairs() => Arb.From(
        from c in Cases().Generator
        from other in Fp32
        select (c, other));
}

/// <summary>FsCheck properties of the rounding core (IEEE 754 §4.3; docs/semantics.md, "Rounding").</summary>
[Properties(Arbitrary = [typeof(RoundingArbitraries)], MaxTest = 3000)]
public class RoundingProperties
{
    private static double Round(Case c, uint bits, RoundingMode mode, OverflowPolicy policy = OverflowPolicy.Saturate) =>
        Codec.Decode(c.Target, Conversion.FromFp32(c.Target, bits, new RoundingContext(mode, policy)).Code).ToDouble();

    private static double Ulp(NumberFormat f, double x)
    {
        int e = Math.Max(Math.ILogB(Math.Abs(x)), f.Emin);
        return f.Kind == FormatKind.Integer ? Math.ScaleB(1, f.IntegerScaleExponent) : Math.ScaleB(1, e - f.MantissaBits);
    }

    private static bool InRange(NumberFormat f, double x)
    {
        var (s, e) = f.MaxFinite;
        // E8M0 has no zero: below 2^-127 every mode gives 2^-127, so nothing brackets there.
        return Math.Abs(x) <= Math.ScaleB(s, e) && (f.Kind != FormatKind.PowerOfTwo || x >= Math.ScaleB(1, f.Emin));
    }

    [Property]
    public bool RoundingIsMonotonic((Case, uint) pair)
    {
        var (c, other) = pair;
        if (c.Target.Kind == FormatKind.PowerOfTwo) return true; // E8M0 takes positive values only
        float x = BitConverter.UInt32BitsToSingle(c.Bits), y = BitConverter.UInt32BitsToSingle(other);
        var (lo, hi) = x <= y ? (c.Bits, other) : (other, c.Bits);
        var mode = (RoundingMode)c.Mode;
        return Round(c, lo, mode) <= Round(c, hi, mode);
    }

    [Property]
    public bool DirectedModesBracketTheExactValue(Case c)
    {
        if (!InRange(c.Target, c.Value)) return true;
        double down = Round(c, c.Bits, RoundingMode.Down, OverflowPolicy.Ieee), up = Round(c, c.Bits, RoundingMode.Up, OverflowPolicy.Ieee);
        return down <= c.Value && c.Value <= up;
    }

    [Property]
    public bool NearestModesAreWithinHalfAnUlp(Case c)
    {
        if (!InRange(c.Target, c.Value) || c.Target.Kind == FormatKind.PowerOfTwo) return true;
        double ulp = Ulp(c.Target, c.Value);
        return Math.Abs(Round(c, c.Bits, RoundingMode.NearestEven) - c.Value) <= ulp / 2
            && Math.Abs(Round(c, c.Bits, RoundingMode.NearestAway) - c.Value) <= ulp / 2;
    }

    [Property]
    public bool StochasticWithZeroRandomBitsIsTowardZero(Case c)
    {
        var sr = Conversion.FromFp32(c.Target, c.Bits, RoundingContext.Stochastic(0, 1 + c.Mode * 5));
        var rtz = Conversion.FromFp32(c.Target, c.Bits, new RoundingContext(RoundingMode.TowardZero));
        return sr == rtz;
    }

    [Property]
    public bool DecodeOfEncodeIsTheIdentity(Case c)
    {
        var f = c.Target;
        uint code = c.Bits & f.CodeMask;
        var d = Codec.Decode(f, code);
        return d.IsNaN || Conversion.Convert(f, d, new RoundingContext((RoundingMode)c.Mode) { IntegerFullRange = true }) == new Rounded(code, ExceptionFlags.None);
    }
}
