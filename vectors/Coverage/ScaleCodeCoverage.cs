using MxRef.Formats;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// Coverage of the scale decoder of a scale format with a significand (NVFP4's UE4M3), which the power-of-two classes
/// (<c>scale:min|next-to-min|one|max|nan|other</c>) lump together:
/// <list type="bullet">
/// <item><c>scale-code:a|b:0xNN</c> — every code of the format as scale A and as scale B (the subnormals, each
///   significand at each exponent field, 448, NaN and zero).</item>
/// <item><c>zero-scale:a|b:products-neg|pos:c+0|c-0</c> — exactly one scale is zero (every product a zero of sign
///   sign(a_i)·sign(b_i)), every lane's product has one sign, and C is a zero: the only vectors where the sign of a
///   zero-scale product decides the result (−0 + ... + −0 is −0).</item>
/// </list>
/// Expected only for such a scale format; E8M0 runs neither expect nor count them.
/// </summary>
public static class ScaleCodeCoverage
{
    /// <summary>Codes per side: the most codes of a standard scale format with a significand (UE4M3: 128).</summary>
    public static readonly int CodesPerSide = StandardFormats.Scales.Select(ScaleCodec.For).Where(s => !s.IsPowerOfTwo)
        .Max(s => (int)s.MaxCode + 1);

    private static readonly string[] Sides = ["a", "b"];

    /// <summary>Adds the class names through <paramref name="add"/> (which returns the first id); returns the two bases.</summary>
    internal static (int Codes, int Zero) Register(Func<IEnumerable<string>, int> add)
    {
        int codes = add(Sides.SelectMany(s => Enumerable.Range(0, CodesPerSide).Select(c => $"scale-code:{s}:0x{c:X2}")));
        int zero = add(Sides.SelectMany(s => new[] { "neg", "pos" }.SelectMany(p => new[] { "c+0", "c-0" }.Select(c => $"zero-scale:{s}:products-{p}:{c}"))));
        return (codes, zero);
    }

    /// <summary>Whether a run with <paramref name="scales"/> must hit class <paramref name="name"/> (a scale-code or zero-scale class).</summary>
    internal static bool Expected(ScaleCodec? scales, string name)
    {
        if (scales is null || scales.IsPowerOfTwo) return false;
        if (name.StartsWith("zero-scale:", StringComparison.Ordinal)) return HasZero(scales);
        return Convert.ToUInt32(name[^2..], 16) <= scales.MaxCode;
    }

    private static bool HasZero(ScaleCodec scales)
    {
        for (uint c = 0; c <= scales.MaxCode; c++)
            if (scales.IsZero(c)) return true;
        return false;
    }

    /// <summary>Counts the vector's classes (nothing for a power-of-two scale).</summary>
    public static void Count(DotVector v, ScaleCodec scales, long[] counts)
    {
        if (scales.IsPowerOfTwo) return;
        counts[CoverageClasses.ScaleCodeBase + v.ScaleA]++;
        counts[CoverageClasses.ScaleCodeBase + CodesPerSide + v.ScaleB]++;
        bool za = scales.IsZero(v.ScaleA), zb = scales.IsZero(v.ScaleB);
        if (za == zb || (v.C & 0x7FFFFFFFu) != 0) return;
        // The product sign of each lane, from the codes' sign bits (a zero element keeps its sign here too).
        int signA = v.FormatA.Bits - 1, signB = v.FormatB.Bits - 1;
        int first = ((v.A[0] >> signA) ^ (v.B[0] >> signB)) & 1;
        for (int i = 1; i < v.K; i++)
            if ((((v.A[i] >> signA) ^ (v.B[i] >> signB)) & 1) != first) return;
        int side = zb ? 1 : 0;
        counts[CoverageClasses.ZeroScaleBase + side * 4 + (first == 0 ? 2 : 0) + (v.C != 0 ? 1 : 0)]++;
    }
}
