using System.Numerics;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Tests.Oracle;
using Xunit;

namespace MxRef.Tests.Formats;

public class FormatTableTests
{
    /// <summary>The element format codes of OCP MX v1.0's hardware interface as the project numbers them
    /// (docs/vector-format.md: 0 e4m3 … 5 int8), found for the instances themselves and for equal copies.</summary>
    [Theory]
    [InlineData("e4m3", 0)]
    [InlineData("e5m2", 1)]
    [InlineData("e3m2", 2)]
    [InlineData("e2m3", 3)]
    [InlineData("e2m1", 4)]
    [InlineData("int8", 5)]
    public void ElementCodesFollowTheFormatCodeOrder(string name, int code)
    {
        var f = StandardFormats.TryParse(name)!;
        Assert.Equal(code, StandardFormats.ElementCode(f));
        Assert.Same(StandardFormats.Elements[code], f);
        Assert.Equal(code, StandardFormats.ElementCode(f with { }));
        Assert.Equal(-1, StandardFormats.ElementCode(StandardFormats.Fp32));
        // The code is kept on the instance once found, but a renamed copy finds its own (none), and the kept code
        // plays no part in equality.
        Assert.Equal(-1, StandardFormats.ElementCode(f with { Name = name + "x" }));
        Assert.Equal(f, f with { Source = "a copy" });
        Assert.Equal(f.GetHashCode(), (f with { }).GetHashCode());
    }

    // Expected values: OCP MX v1.0 Table 1 (element formats) and Table 2 (E8M0).
    // name, bias, max normal, min normal (exponent), min subnormal (exponent), emax
    [Theory]
    [InlineData("e4m3", 7, 448.0, -6, -9, 8)]
    [InlineData("e5m2", 15, 57344.0, -14, -16, 15)]
    [InlineData("e3m2", 3, 28.0, -2, -4, 4)]
    [InlineData("e2m3", 1, 7.5, 0, -3, 2)]
    [InlineData("e2m1", 1, 6.0, 0, -1, 2)]
    [InlineData("e8m0", 127, 1.7014118346046923E+38 /* 2^127 */, -127, -127, 127)]
    public void DerivedParametersMatchTheSpecTables(string name, int bias, double maxNormal, int minNormalExp, int minSubExp, int emax)
    {
        var f = StandardFormats.TryParse(name)!;
        Assert.Equal(bias, f.Bias);
        var (sig, exp) = f.MaxFinite;
        Assert.Equal(maxNormal, Math.ScaleB(sig, exp));
        Assert.Equal(minNormalExp, f.Emin);
        Assert.Equal(minSubExp, f.QuantumExponent);
        Assert.Equal(emax, f.Emax);
        Assert.Equal(maxNormal, Codec.Decode(f, f.MaxFiniteCode).ToDouble());
    }

    [Fact]
    public void Int8IsTwosComplementTimesTwoToMinusSix()
    {
        // OCP MX v1.0 Table 1: MXINT8, max 127/64, min positive 1/64; emax 0.
        var f = StandardFormats.Int8;
        Assert.Equal(127.0 / 64, Codec.Decode(f, 0x7F).ToDouble());
        Assert.Equal(-2.0, Codec.Decode(f, 0x80).ToDouble());
        Assert.Equal(1.0 / 64, Codec.Decode(f, 0x01).ToDouble());
        Assert.Equal(0, f.Emax);
    }

    [Fact]
    public void SpecialEncodingsMatchTheSpecTables()
    {
        // OCP MX v1.0 Table 1: E4M3 NaN S.1111.111, no Inf; E5M2 Inf S.11111.00, NaN S.11111.{01,10,11}; Table 2: E8M0 NaN 0xFF.
        Assert.True(Codec.Decode(StandardFormats.E4M3, 0x7F).IsNaN);
        Assert.True(Codec.Decode(StandardFormats.E4M3, 0xFF).IsNaN);
        Assert.Equal(448.0, Codec.Decode(StandardFormats.E4M3, 0x7E).ToDouble());
        Assert.True(Codec.Decode(StandardFormats.E5M2, 0x7C).IsInfinity);
        Assert.True(Codec.Decode(StandardFormats.E5M2, 0xFC) is { IsInfinity: true, Negative: true });
        foreach (uint c in new uint[] { 0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF }) Assert.True(Codec.Decode(StandardFormats.E5M2, c).IsNaN);
        Assert.True(Codec.Decode(StandardFormats.E8M0, 0xFF).IsNaN);
        Assert.Equal(Math.ScaleB(1, -127), Codec.Decode(StandardFormats.E8M0, 0x00).ToDouble());
        Assert.Equal(1.0, Codec.Decode(StandardFormats.E8M0, 0x7F).ToDouble());
    }

    public static TheoryData<string> SmallFormats => new(OracleFormat.Small.Select(f => f.Name).Concat(["bf16", "fp16"]));

    [Theory]
    [MemberData(nameof(SmallFormats))]
    public void EveryCodeDecodesAsTheOracleDecodesIt(string name)
    {
        var f = StandardFormats.TryParse(name)!;
        var o = OracleFormat.All.Single(x => x.Name == name);
        for (uint code = 0; code <= f.CodeMask; code++)
        {
            var m = Codec.Decode(f, code);
            var expected = ConversionOracle.Decode(o, code);
            Assert.True(expected.SameAs(ToOracle(m)), $"{name} 0x{code:x}: model {m}, oracle {expected}");
            Assert.Equal(ConversionOracle.IsSignaling(o, code), m.Class == ValueClass.SignalingNaN);
        }
    }

    [Fact]
    public void Fp32CodesDecodeAsTheOracleDecodesThem()
    {
        var rng = new MxRef.Random.MxRandom(2);
        for (int i = 0; i < 200_000; i++)
        {
            uint code = (uint)rng.NextUInt64();
            Assert.True(ConversionOracle.Decode(OracleFormat.Fp32, code).SameAs(ToOracle(Codec.Decode(StandardFormats.Fp32, code))), $"0x{code:x8}");
        }
    }

    [Theory]
    [MemberData(nameof(SmallFormats))]
    public void EncodeOfDecodeIsTheIdentityOnEveryNonNanCode(string name)
    {
        var f = StandardFormats.TryParse(name)!;
        foreach (var mode in RoundingModes.Deterministic)
        {
            var ctx = new RoundingContext(mode, OverflowPolicy.Ieee) { IntegerFullRange = true };
            for (uint code = 0; code <= f.CodeMask; code++)
            {
                var d = Codec.Decode(f, code);
                if (d.IsNaN) continue;
                var r = Conversion.Convert(f, d, ctx);
                Assert.Equal(new Rounded(code, ExceptionFlags.None), r);
            }
        }
    }

    [Theory]
    [InlineData("e6m9", 6, 9, false)]
    [InlineData("e5m10ieee", 5, 10, true)]
    [InlineData("e4m3fn", 4, 3, false)]
    [InlineData("e1m0", 1, 0, false)]
    public void GenericExMyFormatsParse(string name, int e, int m, bool inf)
    {
        var f = StandardFormats.TryParse(name)!;
        Assert.Equal(e, f.ExponentBits);
        Assert.Equal(m, f.MantissaBits);
        Assert.Equal(inf, f.HasInfinity);
        Assert.Equal((1 << (e - 1)) - 1, f.Bias);
    }

    [Theory]
    [InlineData("e9m1")]
    [InlineData("e4m24")]
    [InlineData("fp8")]
    [InlineData("e0m3")]
    public void UnknownNamesAreRejected(string name) => Assert.Null(StandardFormats.TryParse(name));

    [Fact]
    public void GenericE5M10IeeeIsFp16()
    {
        var g = StandardFormats.TryParse("e5m10ieee")!;
        for (uint code = 0; code <= 0xFFFF; code += 7)
            Assert.Equal(Codec.Decode(StandardFormats.Fp16, code), Codec.Decode(g, code));
    }

    public static OValue ToOracle(Decoded d) => d.Class switch
    {
        ValueClass.QuietNaN or ValueClass.SignalingNaN => OValue.Nan,
        ValueClass.Infinity => new OValue(OClass.Inf, d.Negative, 0, 0),
        _ => new OValue(OClass.Finite, d.Negative, new BigInteger(d.Significand), d.Exponent),
    };
}
