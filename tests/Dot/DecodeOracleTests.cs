using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Dot;

/// <summary>
/// The decode unit against the independent rounding oracle: element value times scale value (both decoded by the
/// oracle from their bit fields), IEEE 754 multiplication rules for Inf, NaN and zero, one rounding to the output.
/// Every element code of every format under every E8M0 scale and every UE4M3 scale, into FP32, BF16 and FP16; the
/// default run spreads the six modes over the cells, the long run takes every mode in every cell.
/// </summary>
public class DecodeOracleTests
{
    private static readonly (NumberFormat Model, OracleFormat Oracle)[] Outputs =
        [(StandardFormats.Fp32, OracleFormat.Fp32), (StandardFormats.Bf16, OracleFormat.Bf16), (StandardFormats.Fp16, OracleFormat.Fp16)];

    public static TheoryData<string, string> Cells()
    {
        var data = new TheoryData<string, string>();
        foreach (var e in OracleFormat.Elements)
            foreach (var s in new[] { "e8m0", "ue4m3" })
                data.Add(e.Name, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void EveryCodeUnderEveryScale(string element, string scale) => Check(element, scale, everyMode: false);

    [Theory]
    [Trait("Category", "Long")]
    [MemberData(nameof(Cells))]
    public void EveryCodeUnderEveryScaleAndMode(string element, string scale) => Check(element, scale, everyMode: true);

    private static void Check(string element, string scale, bool everyMode)
    {
        var ef = StandardFormats.TryParse(element)!;
        var eo = OracleFormat.Elements.Single(f => f.Name == element);
        var sf = StandardFormats.TryParse(scale)!;
        var so = scale == "e8m0" ? OracleFormat.E8M0 : OracleFormat.UE4M3;
        var scales = ScaleCodec.For(sf);
        var modes = RoundingModes.Deterministic;
        int failures = 0;
        var report = new System.Text.StringBuilder();
        for (uint s = 0; s <= scales.MaxCode; s++)
            for (uint c = 0; c < 1u << ef.Bits; c++)
                foreach (var (om, oo) in Outputs)
                    for (int mi = 0; mi < modes.Count; mi++)
                    {
                        if (!everyMode && mi != (int)((s + c) % (uint)modes.Count)) continue;
                        var mode = modes[mi];
                        var got = MxDecode.Element(ef, c, scales, s, om, mode, ImplementationProfile.Default);
                        var (want, wantFlags) = Expected(eo, c, so, s, oo, mode.ShortName());
                        var gotValue = ConversionOracle.Decode(oo, got.Code);
                        if (!gotValue.SameAs(want) || (int)got.Flags != wantFlags)
                        {
                            if (failures++ < 10)
                                report.AppendLine($"{element} 0x{c:x2} x {scale} 0x{s:x2} -> {om.Name} {mode.ShortName()}: model {got.Code:x} flags {(int)got.Flags:x}, oracle {want} flags {wantFlags:x}");
                        }
                    }
        Assert.True(failures == 0, $"{failures} differences\n{report}");
    }

    /// <summary>The oracle: X·P with IEEE 754 multiplication rules, rounded once.</summary>
    private static (OValue, int) Expected(OracleFormat e, uint code, OracleFormat s, uint scale, OracleFormat output, string mode)
    {
        var p = ConversionOracle.Decode(e, code);
        var x = ConversionOracle.Decode(s, scale);
        if (p.Class == OClass.NaN || x.Class == OClass.NaN) return (OValue.Nan, 0);
        if (p.Class == OClass.Inf) return x.IsZero ? (OValue.Nan, ConversionOracle.NV) : (new OValue(OClass.Inf, p.Negative, 0, 0), 0);
        if (p.IsZero || x.IsZero) return (new OValue(OClass.Finite, p.Negative, 0, 0), 0);
        return ConversionOracle.Round(output, p.Negative, p.Mag * x.Mag, p.Exp + x.Exp, mode, saturate: false);
    }
}
