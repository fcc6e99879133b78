using MxRef.Rounding;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using MxRef.Formats;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Tests.Vectors;

public static class LineArbitraries
{
    /// <summary>Arbitrary dot vectors: any formats, mode, scales, C, D, flags and element codes, k from 1 to 40.</summary>
    public static Arbitrary<DotVector> Vectors() => Arb.From(
        from k in Gen.Choose(1, 40)
        from fa in Gen.Choose(0, 5)
        from fb in Gen.Choose(0, 5)
        from rm in Gen.Choose(0, 5)
        from codes in Gen.ArrayOf(Gen.Choose(0, 255), 2 * k)
        from words in Gen.ArrayOf(Gen.Choose(int.MinValue, int.MaxValue), 5)
        select Build(k, fa, fb, rm, codes, words));

    private static DotVector Build(int k, int fa, int fb, int rm, int[] codes, int[] w)
    {
        var v = new DotVector(k) { FormatA = StandardFormats.Elements[fa], FormatB = StandardFormats.Elements[fb], Rounding = (RoundingMode)rm, ScaleA = (byte)w[0], ScaleB = (byte)(w[0] >> 8), C = (uint)w[1], D = (uint)w[2], Flags = (byte)w[3] };
        uint ma = StandardFormats.Elements[fa].CodeMask, mb = StandardFormats.Elements[fb].CodeMask;
        for (int i = 0; i < k; i++) { v.A[i] = (byte)(codes[i] & ma); v.B[i] = (byte)(codes[k + i] & mb); }
        return v;
    }
}

/// <summary>The fast byte formatter of the writer and the shared line parser agree on every vector.</summary>
[Properties(Arbitrary = [typeof(LineArbitraries)], MaxTest = 2000)]
public class LineProperties
{
    [Property]
    public bool FormattedLinesParseBack(DotVector v)
    {
        var buf = new byte[MxvLine.MaxLength(v.K)];
        int n = MxvLine.FormatDot(v, StandardFormats.Fp32, buf);
        var text = System.Text.Encoding.ASCII.GetString(buf, 0, n);
        var back = new DotVector(v.K);
        DotLine.Parse(text.AsSpan(0, n - 1), back, withExpected: true, StandardFormats.Fp32);
        return text[^1] == '\n'
            && text.StartsWith(DotLine.FormatInputs(v) + " ", StringComparison.Ordinal) // same layout as mxref dot's
            && (back.FormatA, back.FormatB, back.Rounding, back.ScaleA, back.ScaleB, back.C, back.D, back.Flags)
               == (v.FormatA, v.FormatB, v.Rounding, v.ScaleA, v.ScaleB, v.C, v.D, v.Flags)
            && back.A.AsSpan().SequenceEqual(v.A) && back.B.AsSpan().SequenceEqual(v.B);
    }
}
