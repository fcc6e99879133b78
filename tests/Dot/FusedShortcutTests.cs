using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>
/// <c>fused</c>'s common-case shortcut (exact sum in a long, straight to the rounding core) gives the general path's
/// bits and flags (ExactSum's window, RoundWide, the special-value rules) on random blocks of every element format
/// pair, every rounding mode and output format, k = 1 … 64, on blocks whose C cancels the product sum and on C far
/// above or below it. The
/// general path itself is held to the independent oracle in DotOracleTests. <see cref="MxDot.Evaluate"/>, which also
/// hands the exact product sum to the coverage classifier, gives the same result.
/// </summary>
public class FusedShortcutTests
{
    private static readonly RoundingMode[] Modes =
        [RoundingMode.NearestEven, RoundingMode.NearestAway, RoundingMode.TowardZero, RoundingMode.Down, RoundingMode.Up, RoundingMode.ToOdd];

    private static readonly NumberFormat[] Outputs = [StandardFormats.Fp32, StandardFormats.Bf16, StandardFormats.Fp16];

    [Theory]
    [MemberData(nameof(DotOracleTests.FormatPairs), MemberType = typeof(DotOracleTests))]
    public void ShortcutIsTheGeneralPath(int fa, int fb)
    {
        var rng = new MxRandom((ulong)(fa * 8 + fb + 1601));
        var far = new MxRandom((ulong)(fa * 8 + fb + 2203)); // C's bits for the far cases, apart from the blocks' stream
        foreach (int k in new[] { 1, 3, 8, 32, 33, 64 })
            for (int i = 0; i < 300; i++)
            {
                var mode = Modes[i % Modes.Length];
                var output = Outputs[i / Modes.Length % Outputs.Length];
                var t = DotCase.Random(ref rng, fa, fb, (int)mode, k);
                Check(t, t.C, mode, output);
                // C = −RN(Σ) and its neighbours: total cancellation (an exact zero, whose sign the general path decides)
                // and near-cancellation (a result far below both terms).
                uint near = MxDot.FusedGeneral(t.Block, 0, RoundingMode.NearestEven, StandardFormats.Fp32).Bits ^ 0x80000000;
                if ((near & 0x7F800000) != 0x7F800000)
                    foreach (int d in new[] { -1, 0, 1 })
                        Check(t, (uint)(near + d), mode, output);
                // C far above and far below the product sum, of either sign, with random significand bits: the
                // shortcut's far path, where the smaller term's low bits become the sticky bit.
                foreach (int d in new[] { -70, -40, -26, -3, -2, 2, 3, 26, 40, 70 })
                {
                    int e = (int)(near >> 23 & 0xFF) + d;
                    if (e is > 0 and < 255)
                        Check(t, (uint)(far.NextUInt64() & 0x807FFFFF) | (uint)e << 23, mode, output);
                }
            }
    }

    private static void Check(DotCase t, uint c, RoundingMode mode, NumberFormat output)
    {
        var got = MxDot.Fused(t.Block, c, mode, output);
        var want = MxDot.FusedGeneral(t.Block, c, mode, output);
        if (got != want) Assert.Fail($"{t with { C = c }} {mode} → {output.Name}: shortcut {got}, general path {want}");
        // The outcome a coverage classifier reads: the same result, and the product sum the model formed.
        var outcome = MxDot.Evaluate(t.Block, c, mode, output, AccumulationModel.Fused, ImplementationProfile.Default);
        if (outcome.Result != want || !outcome.HasProductSum || outcome.ProductSum != MxDot.ProductSum(t.Block).Sum)
            Assert.Fail($"{t with { C = c }} {mode} → {output.Name}: outcome {outcome}, general path {want}, product sum {MxDot.ProductSum(t.Block).Sum}");
    }
}
