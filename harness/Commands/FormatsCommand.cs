using System.CommandLine;
using MxRef.Formats;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Harness.Commands;

/// <summary><c>mxref formats</c>: every format's parameters, derived from its description (OCP MX v1.0 Tables 1–2).</summary>
public static class FormatsCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table." };
        var blocks = new Option<bool>("--blocks")
        {
            Description = "List the block formats instead (element, block size k, scale, microexponent and tensor-scale levels).",
        };
        var cmd = new Command("formats", "List the element, scale and output formats with their parameters (OCP MX v1.0 Tables 1-2).\n" +
                                         "Generic formats are named eXmY (all codes finite), eXmYfn (NaN = all ones, no Inf) or eXmYieee (IEEE Inf/NaN).\n" +
                                         "With --blocks: the block formats (mxfp8-e4m3 ... nvfp4); any ELEM/kN/SCALE or bdr-K1-D1-K2-D2-M is accepted too.")
        {
            json, blocks,
        };
        cmd.SetAction(r =>
        {
            var output = r.InvocationConfiguration.Output;
            if (r.GetValue(blocks))
            {
                var blockRows = BlockFormat.Named.Select(DescribeBlock).ToList();
                if (r.GetValue(json)) output.WriteLine(new JArray(blockRows.Select(b => b.ToJson())).ToString(Formatting.Indented));
                else WriteBlockTable(output, blockRows);
                return Cli.ExitOk;
            }
            var rows = StandardFormats.All.Select(Describe).ToList();
            if (r.GetValue(json)) output.WriteLine(new JArray(rows.Select(f => f.ToJson())).ToString(Formatting.Indented));
            else WriteTable(output, rows);
            return Cli.ExitOk;
        });
        return cmd;
    }

    public sealed record FormatRow(
        string Name, int Bits, int ExponentBits, int MantissaBits, string Bias, int Emax,
        string MaxNormal, string MinNormal, string MinSubnormal, string Inf, string NaN, string Source)
    {
        /// <summary>The row as JSON, one property per field under its C# name (written out: the CLI is compiled ahead of time).</summary>
        public JObject ToJson() => new()
        {
            [nameof(Name)] = Name, [nameof(Bits)] = Bits, [nameof(ExponentBits)] = ExponentBits, [nameof(MantissaBits)] = MantissaBits,
            [nameof(Bias)] = Bias, [nameof(Emax)] = Emax, [nameof(MaxNormal)] = MaxNormal, [nameof(MinNormal)] = MinNormal,
            [nameof(MinSubnormal)] = MinSubnormal, [nameof(Inf)] = Inf, [nameof(NaN)] = NaN, [nameof(Source)] = Source,
        };
    }

    public sealed record BlockFormatRow(
        string Name, string Element, int BlockSize, string Scale, string Microexponent, string TensorScale, double BitsPerElement, string Source)
    {
        public JObject ToJson() => new()
        {
            [nameof(Name)] = Name, [nameof(Element)] = Element, [nameof(BlockSize)] = BlockSize, [nameof(Scale)] = Scale,
            [nameof(Microexponent)] = Microexponent, [nameof(TensorScale)] = TensorScale, [nameof(BitsPerElement)] = BitsPerElement,
            [nameof(Source)] = Source,
        };
    }

    public static BlockFormatRow DescribeBlock(BlockFormat f) => new(
        f.Name, f.Element.Name, f.BlockSize, f.Scale.Name,
        f.Microexponent is { } m ? $"{m.Bits} bit per {m.Size}" : "-", f.TensorScale?.Name ?? "-", f.BitsPerElement, f.Source);

    private static void WriteBlockTable(TextWriter w, IReadOnlyList<BlockFormatRow> rows)
    {
        string[] head = ["name", "element", "k", "scale", "microexponent", "tensor scale", "bits/element", "source"];
        var cells = rows.Select(r => new[]
        {
            r.Name, r.Element, r.BlockSize.ToString(), r.Scale, r.Microexponent, r.TensorScale,
            r.BitsPerElement.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture), r.Source,
        }).ToList();
        var widths = head.Select((h, i) => Math.Max(h.Length, cells.Max(c => c[i].Length))).ToArray();
        w.WriteLine(string.Join("  ", head.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var c in cells) w.WriteLine(string.Join("  ", c.Select((x, i) => x.PadRight(widths[i]))).TrimEnd());
    }

    public static FormatRow Describe(NumberFormat f)
    {
        string bias = f.Kind == FormatKind.Integer ? $"two's complement x 2^{f.IntegerScaleExponent}" : f.Bias.ToString();
        var (maxSig, maxExp) = f.MaxFinite;
        string minNormal = f.Kind == FormatKind.Integer ? "-" : PowerOfTwo(f.Emin);
        string minSub = f.Kind switch
        {
            FormatKind.PowerOfTwo => "-",
            FormatKind.Integer => Exact(1, f.QuantumExponent),
            _ => f.MantissaBits == 0 ? "-" : PowerOfTwo(f.QuantumExponent),
        };
        return new FormatRow(f.Name, f.Bits, f.ExponentBits, f.MantissaBits, bias, f.Emax,
            Exact(maxSig, maxExp), minNormal, minSub, InfPattern(f), NanPattern(f), f.Source);
    }

    private static string Exact(ulong sig, int exp)
    {
        if (sig != 0 && (sig & (sig - 1)) == 0) return PowerOfTwo(exp + System.Numerics.BitOperations.Log2(sig));
        double v = Math.ScaleB(sig, exp);
        if (Math.Abs(v) >= 1e-3 && Math.Abs(v) < 1e9) return v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        int shift = System.Numerics.BitOperations.TrailingZeroCount(sig);
        return exp < 0 && v < 1 ? $"{sig >> shift}/2^{-(exp + shift)}" : $"{sig >> shift}*2^{exp + shift}";
    }

    private static string PowerOfTwo(int e) => e is >= -10 and <= 20
        ? $"2^{e} ({Math.ScaleB(1, e).ToString("R", System.Globalization.CultureInfo.InvariantCulture)})"
        : $"2^{e}";

    private static string Field(char c, int n) => new(c, n);

    private static string InfPattern(NumberFormat f) =>
        f.HasInfinity ? $"{SignField(f)}{Field('1', f.ExponentBits)}.{Field('0', f.MantissaBits)}" : "none";

    /// <summary>The sign field of a pattern: "S." for a signed format, nothing for an unsigned one (UE4M3).</summary>
    private static string SignField(NumberFormat f) => f.IsSigned ? "S." : "";

    private static string NanPattern(NumberFormat f)
    {
        if (f.Kind == FormatKind.PowerOfTwo) return $"0x{f.CanonicalNanCode:X2}";
        return f.Nan switch
        {
            NanEncoding.AllOnes => $"{SignField(f)}{Field('1', f.ExponentBits)}.{Field('1', f.MantissaBits)}",
            NanEncoding.Ieee when f.MantissaBits <= 2 =>
                $"S.{Field('1', f.ExponentBits)}.{{{string.Join(',', Enumerable.Range(1, (1 << f.MantissaBits) - 1).Select(m => System.Convert.ToString(m, 2).PadLeft(f.MantissaBits, '0')))}}}",
            NanEncoding.Ieee => $"S.{Field('1', f.ExponentBits)}.(non-zero)",
            _ => "none",
        };
    }

    private static void WriteTable(TextWriter w, IReadOnlyList<FormatRow> rows)
    {
        string[] head = ["name", "bits", "ebits", "mbits", "bias", "emax", "max normal", "min normal", "min subnormal", "inf", "nan"];
        var cells = rows.Select(r => new[]
        {
            r.Name, r.Bits.ToString(), r.ExponentBits.ToString(), r.MantissaBits.ToString(), r.Bias, r.Emax.ToString(),
            r.MaxNormal, r.MinNormal, r.MinSubnormal, r.Inf, r.NaN,
        }).ToList();
        var widths = head.Select((h, i) => Math.Max(h.Length, cells.Max(c => c[i].Length))).ToArray();
        w.WriteLine(string.Join("  ", head.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var c in cells) w.WriteLine(string.Join("  ", c.Select((x, i) => x.PadRight(widths[i]))).TrimEnd());
    }
}
