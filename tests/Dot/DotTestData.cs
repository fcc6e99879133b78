using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Tests.Oracle;

namespace MxRef.Tests.Dot;

/// <summary>A dot-product test case and helpers to run it through the model and the oracle.</summary>
public sealed record DotCase(int Fa, byte[] A, byte Sa, int Fb, byte[] B, byte Sb, uint C, int Rm)
{
    public BlockPair Block => new(ElementTable.ForCode(Fa), A, Sa, ElementTable.ForCode(Fb), B, Sb);

    public DotResult Model(NumberFormat? output = null, AccumulationModel? model = null) =>
        MxDot.Dot(Block, C, (RoundingMode)Rm, output ?? StandardFormats.Fp32, model ?? AccumulationModel.Fused);

    public (uint Bits, int Flags) Oracle(OracleFormat? output = null) =>
        DotOracle.Fused(Fa, A, Sa, Fb, B, Sb, C, Rm, output ?? OracleFormat.Fp32);

    public override string ToString() =>
        $"fa={Fa} fb={Fb} rm={Rm} sa={Sa:x2} sb={Sb:x2} c={C:x8} a=[{string.Join(',', A.Select(x => x.ToString("x2")))}] b=[{string.Join(',', B.Select(x => x.ToString("x2")))}]";

    /// <summary>
    /// A random case biased toward trouble: sparse and dense blocks, element codes near the format's extremes,
    /// scales around 127 and at both ends, C aligned near the product sum or far from it.
    /// </summary>
    public static DotCase Random(ref MxRandom rng, int fa, int fb, int rm, int k)
    {
        var fA = StandardFormats.Elements[fa];
        var fB = StandardFormats.Elements[fb];
        var a = new byte[k];
        var b = new byte[k];
        int density = rng.NextInt(0, 4); // 0: sparse … 3: dense
        for (int i = 0; i < k; i++)
        {
            bool zero = density == 0 ? rng.NextInt(0, 4) != 0 : density == 1 && rng.NextBool();
            a[i] = zero ? (byte)0 : Code(ref rng, fA);
            b[i] = Code(ref rng, fB);
        }
        byte sa = Scale(ref rng), sb = Scale(ref rng);
        uint c = rng.NextInt(0, 8) switch
        {
            0 => 0,
            1 => 0x80000000,
            2 => (uint)rng.NextUInt64(), // anything, including NaN and Inf
            _ => (uint)(rng.NextUInt64() & 0x807FFFFF) | ((uint)Math.Clamp(sa + sb - 254 + 127 + rng.NextInt(-30, 30), 0, 254) << 23),
        };
        return new DotCase(fa, a, sa, fb, b, sb, c, rm);
    }

    private static byte Code(ref MxRandom rng, NumberFormat f)
    {
        uint code = (uint)rng.NextUInt64() & f.CodeMask;
        // E5M2/E4M3 NaN and Inf codes show up at 1/16 of the elements on their own; make them rarer.
        var d = Codec.Decode(f, code);
        if (!d.IsFinite && rng.NextInt(0, 8) != 0) code &= ~(1u << (f.Bits - 2)) & f.CodeMask;
        return (byte)code;
    }

    private static byte Scale(ref MxRandom rng) => rng.NextInt(0, 16) switch
    {
        0 => 0x00,
        1 => 0xFE,
        2 => 0xFF,
        3 => (byte)rng.NextInt(0, 255),
        _ => (byte)(127 + rng.NextInt(-12, 13)),
    };
}
