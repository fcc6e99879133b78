using System.Globalization;
using System.Text;
using MxRef.Random;
using MxRef.Vectors.Tensors;
using MxRef.Vectors.Text;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The fast text reader (csFastFloat) gives the same FP32 bits as the exact rational path of NumberText (the oracle:
/// BigInteger numerator/denominator rounded once to FP32, ties to even), on decimals near FP32 ties, subnormals,
/// overflow and the named tokens.
/// </summary>
public sealed class Fp32TextTests
{
    private static uint Exact(string token) => NumberText.TryParse(token, out var t) ? t.ToFp32Bits() : throw new ArgumentException(token);

    [Theory]
    [InlineData("0"), InlineData("-0"), InlineData("1.5"), InlineData("-3e-2"), InlineData(".25"), InlineData("5."), InlineData("+7")]
    [InlineData("16777217")] // 2^24 + 1: a tie between two FP32 values, to even
    [InlineData("16777219")] // 2^24 + 3: a tie, to even upwards
    [InlineData("3.4028235677973366e38")] // the FP32 overflow threshold (max + half an ulp): rounds to Inf
    [InlineData("3.4028235677973362e38")] // just below it: FP32 max
    [InlineData("1e-46"), InlineData("7.006492321624085e-46"), InlineData("1.401298464324817e-45"), InlineData("1e39")]
    [InlineData("inf"), InlineData("-inf"), InlineData("nan"), InlineData("-nan"), InlineData("0x7fc00001"), InlineData("0X3F800000")]
    public void AgreesWithTheExactParser(string token)
    {
        Assert.True(Fp32Text.TryParse(Encoding.UTF8.GetBytes(token), out uint bits), token);
        Assert.Equal(Exact(token).ToString("x8"), bits.ToString("x8"));
    }

    [Fact]
    public void AgreesWithTheExactParserOnRandomDecimalsNearTies()
    {
        var rng = new MxRandom(11);
        for (int i = 0; i < 20000; i++)
        {
            uint bits = (uint)rng.NextUInt64();
            if ((bits & 0x7F800000) == 0x7F800000) continue;
            // The midpoint between bits and its successor, printed with 9..17 significant digits: just either side of a tie.
            double mid = ((double)BitConverter.UInt32BitsToSingle(bits) + (double)BitConverter.UInt32BitsToSingle(bits + 1)) / 2;
            string token = mid.ToString("G" + rng.NextInt(9, 18).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            Assert.True(Fp32Text.TryParse(Encoding.UTF8.GetBytes(token), out uint fast), token);
            Assert.Equal(Exact(token), fast);
        }
    }

    /// <summary>
    /// .NET's own <c>float.Parse</c> is correctly rounded (IEEE 754 conversion, ties to even) since .NET Core 3.0, so
    /// it is a second, independent reference: random FP32 values printed shortest (R), with 9 and 17 digits and in
    /// exponent form, midpoints between neighbours with 20–40 digits (beyond the 19 digits a 64-bit mantissa holds),
    /// the subnormal and overflow edges.
    /// </summary>
    [Fact]
    public void AgreesWithDotNetsCorrectlyRoundedParserOnRandomAndHardCases()
    {
        var rng = new MxRandom(29);
        var tokens = new List<string>
        {
            "1.17549435e-38", "1.1754942e-38", "1.40129846e-45", "7.0064923e-46", "7.00649232162408535461864791644958065640130970938257885878534141944895541342930300743319094181060791015625e-46",
            "3.40282346638528859811704183484516925440e+38", "3.4028235677973366e38", "3.4028235677973365e38", "0.000000000000000000000000000000000000000000001",
            "9007199254740993", "123456789012345678901234567890", "1.00000005960464477539062500000000000000000001", "1.000000059604644775390625",
        };
        for (int i = 0; i < 30000; i++)
        {
            uint bits = (uint)rng.NextUInt64() & 0xFFFFFFFFu;
            if ((bits & 0x7F800000) == 0x7F800000) continue;
            float f = BitConverter.UInt32BitsToSingle(bits);
            tokens.Add(f.ToString("R", CultureInfo.InvariantCulture));
            tokens.Add(f.ToString("G9", CultureInfo.InvariantCulture));
            tokens.Add(((double)f).ToString("E16", CultureInfo.InvariantCulture));
            double mid = ((double)f + (double)BitConverter.UInt32BitsToSingle(bits + 1)) / 2; // exact in binary64
            tokens.Add(mid.ToString("E" + rng.NextInt(19, 40).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        }
        foreach (var token in tokens)
        {
            Assert.True(Fp32Text.TryParse(Encoding.UTF8.GetBytes(token), out uint bits), token);
            Assert.Equal(BitConverter.SingleToUInt32Bits(float.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture)).ToString("x8"), bits.ToString("x8"));
        }
    }

    [Fact]
    public void ParsesWhitespaceSeparatedTextAndNamesABadToken()
    {
        Assert.Equal([0x3F800000u, 0x40000000, 0xBF800000], Fp32Text.Parse("1 2\r\n\t-1\n"u8, "x"));
        var e = Assert.Throws<TensorFileException>(() => Fp32Text.Parse("1 2\n 3 1.2.3 4"u8, "in.txt"));
        Assert.Equal("in.txt: value 4 '1.2.3' (line 2, column 4) is not a number; accepted: " + NumberText.Accepted, e.Message);
    }
}

/// <summary>Large texts are parsed in pieces on several cores: same values, same first error, as one sequential pass.</summary>
public sealed class Fp32TextParallelTests
{
    [Fact]
    public void PiecesJoinInOrderAndTheFirstErrorIsReportedAsSequentially()
    {
        var rng = new MxRandom(5);
        var sb = new StringBuilder();
        var expected = new List<uint>();
        while (sb.Length < 5_000_000)
        {
            uint bits = (uint)rng.NextUInt64() & 0xBFFFFFFF; // finite
            sb.Append(BitConverter.UInt32BitsToSingle(bits).ToString("G9", CultureInfo.InvariantCulture)).Append(rng.NextBool() ? ' ' : '\n');
            expected.Add(bits);
        }
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        Assert.Equal(expected, Fp32Text.Parse(bytes.AsMemory(), "big"));
        sb.Append("oops 1 2 bad");
        bytes = Encoding.UTF8.GetBytes(sb.ToString());
        var e = Assert.Throws<TensorFileException>(() => Fp32Text.Parse(bytes.AsMemory(), "big"));
        Assert.Contains($"value {expected.Count + 1} 'oops'", e.Message);
        Assert.Equal(Assert.Throws<TensorFileException>(() => Fp32Text.Parse(bytes.AsSpan(), "big")).Message, e.Message);
    }

    /// <summary>
    /// Decimals are parsed where they stand (csFastFloat finds their end); every token, however the text is cut into
    /// pieces, gives the bits that parsing the token alone gives (<see cref="Fp32Text.TryParse"/>): tokens csFastFloat
    /// stops inside (<c>1e</c>, <c>5.e+</c>), more digits than 64 bits hold, named values, bit patterns, every
    /// whitespace byte, a last token without a line end.
    /// </summary>
    [Fact]
    public void InPlaceParsingGivesEachTokensBitsForAnyNumberOfPieces()
    {
        var rng = new MxRandom(17);
        string[] odd = ["+7", "-0", ".25", "5.", "1e5", "1E-5", "-.5e+3", "1e", "5.e+", "2e+x", "inf", "-inf", "nan", "0x3f800000", "0X7FC00001",
            "123456789012345678901234567890", "0.000000000000000000000000000000000000000000001401298464324817070923729583289916131280",
            "3.4028235677973366e38", "1e-46", "00000000000000000000001.5"];
        string[] spaces = [" ", "\n", "\r\n", "\t", "\v", "\f", "  \n "];
        var sb = new StringBuilder();
        var tokens = new List<string>();
        for (int i = 0; i < 60000; i++)
        {
            string token = rng.NextInt(0, 4) == 0 ? odd[rng.NextInt(0, odd.Length)]
                : BitConverter.UInt32BitsToSingle((uint)rng.NextUInt64() & 0xBFFFFFFF).ToString(rng.NextBool() ? "R" : "E12", CultureInfo.InvariantCulture);
            tokens.Add(token);
            sb.Append(token).Append(spaces[rng.NextInt(0, spaces.Length)]);
        }
        sb.Append("6.25"); // no whitespace after the last token
        tokens.Add("6.25");
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        var valid = tokens.Select(t => (Ok: Fp32Text.TryParse(Encoding.UTF8.GetBytes(t), out uint b), Bits: b)).ToList();
        int firstBad = valid.FindIndex(v => !v.Ok);
        Assert.True(firstBad >= 0); // "1e", "5.e+" and "2e+x" are not numbers
        // Without the bad tokens: every piece count gives the tokens' own bits.
        string good = string.Join("\n", tokens.Where((_, i) => valid[i].Ok));
        var expected = valid.Where(v => v.Ok).Select(v => v.Bits).ToArray();
        foreach (int pieces in new[] { 1, 2, 3, 7, 16 })
        {
            var (buffer, count) = Fp32Text.ParseToBuffer(Encoding.UTF8.GetBytes(good), "x", pieces);
            using (buffer) Assert.Equal(expected, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(buffer.Span)[..count].ToArray());
        }
        // With them: every piece count reports the first one, as a sequential parse does.
        foreach (int pieces in new[] { 1, 2, 5 })
        {
            var e = Assert.Throws<TensorFileException>(() => Fp32Text.ParseToBuffer(bytes, "x", pieces));
            Assert.Contains($"value {firstBad + 1} '{tokens[firstBad]}'", e.Message);
        }
    }
}
