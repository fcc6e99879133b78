using System.Globalization;
using System.Numerics;

namespace MxRef.Vectors.Text;

/// <summary>A number as the user typed it: an exact rational, ±Inf, NaN, or an FP32 bit pattern.</summary>
public readonly record struct NumberToken(NumberTokenKind Kind, BigInteger Numerator, BigInteger Denominator, uint Fp32Bits, bool Negative);

public enum NumberTokenKind { Rational, Infinity, NaN, Fp32Bits }

/// <summary>Parses the number tokens MxRef commands accept.</summary>
public static class NumberText
{
    public const string Accepted = "a decimal number (e.g. 1.5, -3e-2), inf, -inf, nan, or an FP32 bit pattern written 0x3fc00000";

    /// <summary>Parses a decimal (exactly, as a rational), <c>inf</c>, <c>-inf</c>, <c>nan</c>, or <c>0x</c> + up to 8 hex digits (FP32 bits).</summary>
    public static bool TryParse(string token, out NumberToken value)
    {
        value = default;
        var t = token.Trim().ToLowerInvariant();
        if (t.Length == 0) return false;
        switch (t)
        {
            case "inf" or "+inf" or "infinity" or "+infinity":
                value = new NumberToken(NumberTokenKind.Infinity, 0, 1, 0x7F800000, false);
                return true;
            case "-inf" or "-infinity":
                value = new NumberToken(NumberTokenKind.Infinity, 0, 1, 0xFF800000, true);
                return true;
            case "nan" or "+nan" or "-nan":
                value = new NumberToken(NumberTokenKind.NaN, 0, 1, 0x7FC00000, false);
                return true;
        }
        if (t.StartsWith("0x", StringComparison.Ordinal))
        {
            var hex = t[2..];
            if (hex.Length is < 1 or > 8 || !uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint bits))
                return false;
            value = new NumberToken(NumberTokenKind.Fp32Bits, 0, 1, bits, (bits >> 31) != 0);
            return true;
        }
        return TryParseDecimal(t, out value);
    }

    private static bool TryParseDecimal(string t, out NumberToken value)
    {
        value = default;
        int i = 0;
        bool negative = false;
        if (t[i] is '+' or '-') negative = t[i++] == '-';
        BigInteger digits = 0;
        int fractionDigits = 0, count = 0;
        bool seenPoint = false;
        for (; i < t.Length; i++)
        {
            char ch = t[i];
            if (ch == '.' && !seenPoint) { seenPoint = true; continue; }
            if (ch is < '0' or > '9') break;
            digits = digits * 10 + (ch - '0');
            count++;
            if (seenPoint) fractionDigits++;
        }
        if (count == 0) return false;
        long exp10 = -fractionDigits;
        if (i < t.Length)
        {
            if (t[i] != 'e') return false;
            if (!int.TryParse(t.AsSpan(i + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int e) || Math.Abs(e) > 10000)
                return false;
            exp10 += e;
        }
        BigInteger num = digits, den = 1;
        if (exp10 >= 0) num *= BigInteger.Pow(10, (int)exp10);
        else den = BigInteger.Pow(10, (int)-exp10);
        value = new NumberToken(NumberTokenKind.Rational, negative ? -num : num, den, 0, negative);
        return true;
    }
}

public static class NumberTokenConversions
{
    /// <summary>
    /// Rounds the token to <paramref name="target"/>. Decimals are rounded once from their exact value (not via FP32);
    /// bit patterns, ±Inf and NaN are converted as FP32 values.
    /// </summary>
    public static MxRef.Rounding.Rounded ToFormat(this NumberToken token, MxRef.Formats.NumberFormat target, in MxRef.Rounding.RoundingContext ctx)
    {
        if (token.Kind != NumberTokenKind.Rational) return MxRef.Rounding.Conversion.FromFp32(target, token.Fp32Bits, ctx);
        if (token.Numerator.IsZero) return MxRef.Rounding.RoundingCore.Round(target, token.Negative, 0, 0, false, ctx);
        return MxRef.Rounding.Conversion.FromRational(target, token.Numerator, token.Denominator, ctx);
    }

    /// <summary>The token as FP32 bits (decimals rounded to nearest even, the way a program reading text would).</summary>
    public static uint ToFp32Bits(this NumberToken token) =>
        token.Kind == NumberTokenKind.Rational
            ? token.ToFormat(MxRef.Formats.StandardFormats.Fp32, new MxRef.Rounding.RoundingContext(MxRef.Rounding.RoundingMode.NearestEven, MxRef.Rounding.OverflowPolicy.Ieee)).Code
            : token.Fp32Bits;
}
