using System.CommandLine;
using System.Globalization;
using System.Text;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Commands;

/// <summary>
/// <c>mxref quantize</c>: FP32 values → MX blocks (OCP MX v1.0 §6.3) or shared-microexponent blocks (MX9/MX6/MX4),
/// one output line per block. Line layouts are documented in docs/quantization.md.
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var elem = new Option<string>("--elem") { Description = "Element format: e4m3, e5m2, e3m2, e2m3, e2m1, int8, or mx9, mx6, mx4, bdr-K1-D1-K2-D2-M.", Required = true };
        var block = new Option<int?>("--block", "-k") { Description = "Block size k (default 32; for MX9/MX6/MX4 their 16; a multiple of the sub-block size)." };
        var rounding = new Option<string>("--rounding", "-r") { Description = "Element rounding: rne (default), rtz, rdn, rup, rna, rto, sr.", DefaultValueFactory = _ => "rne" };
        var scaleRule = new Option<string>("--scale-rule") { Description = "floor (default, OCP) or ceil (smallest scale with no saturation).", DefaultValueFactory = _ => "floor" };
        var specials = new Option<string>("--specials") { Description = "NaN/Inf in a block: nan-scale (default, scale 0xFF), preserve, saturate.", DefaultValueFactory = _ => "nan-scale" };
        var int8 = new Option<string>("--int8") { Description = "MXINT8 range: symmetric (default, +-127/64) or full (-2 allowed).", DefaultValueFactory = _ => "symmetric" };
        var flush = new Option<bool>("--flush-subnormal-inputs") { Description = "FP32 subnormal inputs become zeros of the same sign." };
        var srSeed = new Option<ulong>("--sr-seed") { Description = "For --rounding sr: seed of the MxRandom generator (default 0); input i takes the top n bits of its i-th output.", DefaultValueFactory = _ => 0UL };
        var srWidth = new Option<int>("--sr-width") { Description = "For --rounding sr: random bits per element, 1..31 (default 8).", DefaultValueFactory = _ => 8 };
        var input = new Option<string?>("--input", "-i") { Description = "Read the values from FILE instead of standard input." };
        var values = new Option<bool>("--values") { Description = "Write the dequantized values (FP32 bit patterns, 8 hex digits) instead of the codes." };
        var cmd = new Command("quantize",
            "Quantize whitespace-separated values (" + NumberText.Accepted + ") into blocks.\n" +
            "One line per block. OCP formats: the E8M0 scale code (2 hex digits), then the k element codes (hex, ceil(bits/4)\n" +
            "digits). MX9/MX6/MX4 and bdr-*: the shared exponent, the k1/k2 microexponents, then the k1 sign-magnitude\n" +
            "element codes. With --values: the k dequantized values as FP32 bit patterns. The last block is padded with zeros.\n" +
            "Decimals are first rounded to FP32 (rne). See docs/quantization.md.\n" +
            "Example: echo '957 960 902.4' | mxref quantize --elem e4m3")
        {
            elem, block, rounding, scaleRule, specials, int8, flush, srSeed, srWidth, input, values,
        };
        cmd.SetAction(r =>
        {
            var policy = new QuantizationPolicy
            {
                Rounding = CliParse.Rounding(r.GetValue(rounding)!),
                ScaleRule = PolicyNames.ParseScaleRule(r.GetValue(scaleRule)!) ?? throw new UsageException($"unknown --scale-rule '{r.GetValue(scaleRule)}'; valid: floor, ceil"),
                Specials = PolicyNames.ParseSpecials(r.GetValue(specials)!) ?? throw new UsageException($"unknown --specials '{r.GetValue(specials)}'; valid: nan-scale, preserve, saturate"),
                IntegerRange = PolicyNames.ParseIntegerRange(r.GetValue(int8)!) ?? throw new UsageException($"unknown --int8 '{r.GetValue(int8)}'; valid: symmetric, full"),
                FlushSubnormalInputs = r.GetValue(flush),
                StochasticSeed = r.GetValue(srSeed),
                StochasticWidth = r.GetValue(srWidth),
            };
            if (policy.StochasticWidth is < 1 or > 31) throw new UsageException($"--sr-width must be 1..31, got {policy.StochasticWidth}");
            var path = r.GetValue(input);
            var x = path is null ? ReadValues(Console.In) : ReadValues(File.OpenText(path), path);
            var output = r.InvocationConfiguration.Output;
            string name = r.GetValue(elem)!;
            var bdr = BlockFormat.TryParse(name) is { HasMicroexponents: true } shape ? shape : null;
            if (bdr is not null) WriteBdr(output, Shape(bdr, r.GetValue(block)), x, policy, r.GetValue(values));
            else WriteMx(output, ElementFormat(name), r.GetValue(block) ?? MxQuantizer.DefaultBlockSize, x, policy, r.GetValue(values));
            return Cli.ExitOk;
        });
        return cmd;
    }

    private static NumberFormat ElementFormat(string name)
    {
        var f = StandardFormats.TryParse(name);
        if (f is null || StandardFormats.ElementCode(f) < 0)
            throw new UsageException($"unknown element format '{name}' for --elem; valid: {string.Join(", ", StandardFormats.Elements.Select(e => e.Name))}, mx9, mx6, mx4, or bdr-K1-D1-K2-D2-M");
        return f;
    }

    private static BlockFormat Shape(BlockFormat f, int? block)
    {
        if (block is null || block == f.BlockSize) return f;
        var m = f.Microexponent!;
        if (block < 1 || block % m.Size != 0)
            throw new UsageException($"--block {block} is not a positive multiple of {f.Name}'s sub-block size {m.Size}");
        return BlockFormat.SharedMicroexponent(f.Name, block.Value, f.Scale.Bits, m.Size, m.Bits, f.MagnitudeBits);
    }

    /// <summary>Reads every token as FP32 bits; a bad token is a usage error naming it and its position.</summary>
    public static uint[] ReadValues(TextReader reader, string source = "standard input")
    {
        using (reader)
        {
            var values = new List<uint>();
            string? line;
            int lineNo = 0;
            while ((line = reader.ReadLine()) is not null)
            {
                lineNo++;
                int i = 0;
                while (i < line.Length)
                {
                    while (i < line.Length && char.IsWhiteSpace(line[i])) i++;
                    int start = i;
                    while (i < line.Length && !char.IsWhiteSpace(line[i])) i++;
                    if (i == start) break;
                    var text = line[start..i];
                    if (!NumberText.TryParse(text, out var token))
                        throw new UsageException($"{source}: value {values.Count + 1} '{text}' (line {lineNo}, column {start + 1}) is not a number; accepted: {NumberText.Accepted}");
                    values.Add(token.ToFp32Bits());
                }
            }
            return [.. values];
        }
    }

    private static void WriteMx(TextWriter output, NumberFormat f, int k, uint[] x, QuantizationPolicy policy, bool values)
    {
        if (k < 1) throw new UsageException($"--block must be at least 1, got {k}");
        MxBlocks blocks;
        try
        {
            blocks = MxQuantizer.Quantize(f, x, k, policy);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var dequantized = values ? MxQuantizer.Dequantize(blocks) : [];
        int digits = (f.Bits + 3) / 4;
        var line = new StringBuilder();
        for (int b = 0; b < blocks.BlockCount; b++)
        {
            line.Clear();
            if (values) AppendHex(line, dequantized.AsSpan(b * k, k), 8);
            else
            {
                line.Append(blocks.Scales[b].ToString("x2", CultureInfo.InvariantCulture));
                AppendHex(line, blocks.BlockElements(b), digits);
            }
            output.WriteLine(line.ToString().TrimStart());
        }
    }

    private static void WriteBdr(TextWriter output, BlockFormat f, uint[] x, QuantizationPolicy policy, bool values)
    {
        if (policy.ScaleRule != ScaleRule.Floor)
            throw new UsageException($"--scale-rule {policy.ScaleRule.Name()} applies to the OCP formats only; {f.Name} uses the floor rule");
        BdrBlocks blocks;
        try
        {
            blocks = BdrQuantizer.Quantize(f, x, policy);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        var dequantized = values ? BdrQuantizer.Dequantize(blocks) : [];
        int k = f.BlockSize;
        var line = new StringBuilder();
        for (int b = 0; b < blocks.BlockCount; b++)
        {
            line.Clear();
            if (values) AppendHex(line, dequantized.AsSpan(b * k, k), 8);
            else
            {
                line.Append(blocks.Scales[b].ToString("x" + (f.Scale.Bits + 3) / 4, CultureInfo.InvariantCulture));
                foreach (byte m in blocks.BlockMicroexponents(b)) line.Append(' ').Append(m.ToString("x", CultureInfo.InvariantCulture));
                AppendHex(line, blocks.BlockElements(b), (f.ElementBits + 3) / 4);
            }
            output.WriteLine(line.ToString().TrimStart());
        }
    }

    private static void AppendHex(StringBuilder line, ReadOnlySpan<uint> codes, int digits)
    {
        string format = "x" + digits.ToString(CultureInfo.InvariantCulture);
        foreach (uint c in codes) line.Append(' ').Append(c.ToString(format, CultureInfo.InvariantCulture));
    }
}
