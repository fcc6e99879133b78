using System.CommandLine;
using System.Globalization;
using System.Text;
using MxRef.Formats;
using MxRef.Harness.Options;
using MxRef.Quantization;
using MxRef.Vectors.Tensors;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Commands;

/// <summary>
/// <c>mxref quantize</c>: FP32 values (text or an FP32/BF16 <c>.npy</c>) → blocks of any block format under a named
/// recipe (<c>--format</c>, <c>--recipe</c>), or, with the older <c>--elem</c> spelling, MX blocks (OCP MX v1.0 §6.3)
/// or shared-microexponent blocks (MX9/MX6/MX4) under explicit policy options. Output: one text line per block, or
/// with <c>-o PREFIX</c> the NumPy file set of <see cref="QuantizedFiles"/>. Layouts: docs/quantization.md.
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var format = new Option<string?>("--format", "-f") { Description = "Block format: " + BlockFormat.ValidNames + "; an element format name (e4m3 …) means its OCP MX format (k from --block, default 32)." };
        var recipe = new Option<string?>("--recipe") { Description = "Quantization recipe (with --format; default: the format's default, ocp for MX, nvfp4-torchao for NVFP4). Names: mxref recipes list." };
        var output = new Option<string?>("--output", "-o") { Description = "With --format: write PREFIX.scales.npy, PREFIX.elements.npy (uint8), PREFIX.microexponents.npy when the format has them, PREFIX.json (block format, recipe, tensor scale, shape) and, with --values, PREFIX.dequantized.npy (float32)." };
        var tensorScale = new Option<string?>("--tensor-scale") { Description = "With --format nvfp4: the per-tensor FP32 scale (a number or 0x bit pattern); default: computed from the global amax as the recipe says." };
        var twoD = new Option<bool>("--2d") { Description = "With --format: 16x16 (k x k) two-dimensional blocks over the rows of a 2-D .npy input (TransformerEngine's NVFP4 weight blocks)." };
        var elem = new Option<string?>("--elem") { Description = "Older spelling with explicit policy options: element format e4m3, e5m2, e3m2, e2m3, e2m1, int8, or mx9, mx6, mx4, bdr-K1-D1-K2-D2-M." };
        var block = new Option<int?>("--block", "-k") { Description = "Block size k (default 32; for MX9/MX6/MX4 their 16; a multiple of the sub-block size)." };
        var rounding = new Option<string>("--rounding", "-r") { Description = "Element rounding: rne (default), rtz, rdn, rup, rna, rto, sr.", DefaultValueFactory = _ => "rne" };
        var policyOptions = new QuantizationPolicyOptionSet();
        var srSeed = new Option<ulong>("--sr-seed") { Description = "For --rounding sr: seed of the MxRandom generator (default 0); input i takes the top n bits of its i-th output.", DefaultValueFactory = _ => 0UL };
        var srWidth = new Option<int>("--sr-width") { Description = "For --rounding sr: random bits per element, 1..31 (default 8).", DefaultValueFactory = _ => 8 };
        var input = new Option<string?>("--input", "-i") { Description = "Read the values from FILE (text, or a float32/bfloat16 .npy) instead of standard input (text)." };
        var values = new Option<bool>("--values") { Description = "Write the dequantized values (FP32 bit patterns, 8 hex digits) instead of the codes; with -o also PREFIX.dequantized.npy." };
        var cmd = new Command("quantize",
            "Quantize whitespace-separated values (" + NumberText.Accepted + ") into blocks.\n" +
            "One line per block. OCP formats: the E8M0 scale code (2 hex digits), then the k element codes (hex, ceil(bits/4)\n" +
            "digits). MX9/MX6/MX4 and bdr-*: the shared exponent, the k1/k2 microexponents, then the k1 sign-magnitude\n" +
            "element codes. With --values: the k dequantized values as FP32 bit patterns. The last block is padded with zeros.\n" +
            "Decimals are first rounded to FP32 (rne). See docs/quantization.md.\n" +
            "Example: echo '957 960 902.4' | mxref quantize --format mxfp8-e4m3 --recipe ocp\n" +
            "         mxref quantize --format nvfp4 --recipe nvfp4-torchao -i x.npy -o x.nvfp4 --values")
        {
            format, recipe, output, tensorScale, twoD, elem, block, rounding,
        };
        policyOptions.AddTo(cmd);
        cmd.Add(srSeed);
        cmd.Add(srWidth);
        cmd.Add(input);
        cmd.Add(values);
        cmd.SetAction(r =>
        {
            if (r.GetValue(format) is not null && r.GetValue(elem) is not null) throw new UsageException("give --format or --elem, not both");
            if (r.GetValue(format) is null && r.GetValue(elem) is null) throw new UsageException("give --format BLOCKFORMAT (or the older --elem ELEMENT); valid block formats: " + BlockFormat.ValidNames);
            if (r.GetValue(format) is null)
                foreach (var o in new Option[] { recipe, output, tensorScale, twoD })
                    if (r.GetResult(o) is { Implicit: false }) throw new UsageException($"{o.Name} needs --format");
            if (r.GetValue(format) is { } formatName)
                return QuantizeByRecipe.Run(r, formatName, r.GetValue(recipe), r.GetValue(block), r.GetValue(input), r.GetValue(output),
                    r.GetValue(tensorScale), r.GetValue(twoD), r.GetValue(values), r.GetValue(policyOptions.FlushSubnormalInputs));
            var policy = policyOptions.Bind(r) with
            {
                Rounding = CliParse.Rounding(r.GetValue(rounding)!),
                StochasticSeed = r.GetValue(srSeed),
                StochasticWidth = r.GetValue(srWidth),
            };
            if (policy.StochasticWidth is < 1 or > 31) throw new UsageException($"--sr-width must be 1..31, got {policy.StochasticWidth}");
            var path = r.GetValue(input);
            using var data = QuantizeByRecipe.ReadInput(path);
            var x = data.Bits;
            var text = r.InvocationConfiguration.Output;
            string name = r.GetValue(elem)!;
            var bdr = BlockFormat.TryParse(name) is { HasMicroexponents: true } shape ? shape : null;
            if (bdr is not null) WriteBdr(text, Shape(bdr, r.GetValue(block)), x, policy, r.GetValue(values));
            else WriteMx(text, ElementFormat(name), r.GetValue(block) ?? MxQuantizer.DefaultBlockSize, x, policy, r.GetValue(values));
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

    private static void WriteMx(TextWriter output, NumberFormat f, int k, ReadOnlySpan<uint> x, QuantizationPolicy policy, bool values)
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

    private static void WriteBdr(TextWriter output, BlockFormat f, ReadOnlySpan<uint> x, QuantizationPolicy policy, bool values)
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

    internal static void AppendHex(StringBuilder line, ReadOnlySpan<uint> codes, int digits)
    {
        string format = "x" + digits.ToString(CultureInfo.InvariantCulture);
        foreach (uint c in codes) line.Append(' ').Append(c.ToString(format, CultureInfo.InvariantCulture));
    }
}
