using System.CommandLine;
using System.Globalization;
using System.Text;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Tensors;

namespace MxRef.Harness.Commands;

/// <summary><c>mxref quantize --format F --recipe R</c>: option checks, reading, the library call, and printing.</summary>
internal static class QuantizeByRecipe
{
    public static int Run(ParseResult r, string formatName, string? recipeName, int? block, string? inputPath, string? outputPrefix,
        string? tensorScaleText, bool twoDimensional, bool values, bool flush)
    {
        var format = ParseFormat(formatName, block);
        var recipe = ParseRecipe(recipeName, format);
        uint? tensorScale = null;
        if (tensorScaleText is not null)
        {
            if (format.TensorScale is null) throw new UsageException($"--tensor-scale: block format {format.Name} has no per-tensor scale");
            if (!Fp32Text.TryParse(Encoding.UTF8.GetBytes(tensorScaleText), out uint ts)) throw new UsageException($"--tensor-scale '{tensorScaleText}' is not a number");
            tensorScale = ts;
        }
        using var input = ReadInput(inputPath);
        if (twoDimensional && input.Shape.Length != 2)
            throw new UsageException($"--2d needs a 2-D .npy input; {inputPath ?? "standard input"} has shape {input.ShapeText}");
        var options = new QuantizeOptions
        {
            Policy = QuantizationPolicy.Default with { FlushSubnormalInputs = flush },
            TensorScale = tensorScale,
            TwoDimensional = twoDimensional,
            // Blocks run along the last axis, each row padded (or rejected where the recipe's source rejects it).
            RowLength = input.Shape.Length >= 2 ? (int)input.Shape[^1] : 0,
        };
        QuantizedTensor? q;
        try
        {
            var job = BlockQuantizer.Prepare(format, recipe, input.Bits, options);
            q = outputPrefix is not null
                ? QuantizedFiles.Write(outputPrefix, job, input.Bits, input.Shape, dequantized: values)
                : ParallelQuantize.Quantize(job, input.Bits);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new UsageException($"{inputPath ?? "standard input"}: {e.Message}");
        }
        if (outputPrefix is null) WriteText(r.InvocationConfiguration.Output, q!, values);
        return Cli.ExitOk;
    }

    /// <summary>A block format name, or an element format name meaning its OCP MX format (k = <paramref name="block"/> or 32).</summary>
    public static BlockFormat ParseFormat(string name, int? block)
    {
        var f = BlockFormat.TryParse(name);
        if (f is null && StandardFormats.TryParse(name) is { } element && StandardFormats.ElementCode(element) >= 0)
            f = BlockFormat.OcpMx(element, block ?? MxQuantizer.DefaultBlockSize);
        if (f is null) throw new UsageException($"unknown block format '{name}'; valid: {BlockFormat.ValidNames}");
        if (block is { } k && k != f.BlockSize)
            throw new UsageException($"--block {k} contradicts block format {f.Name} (k = {f.BlockSize}); spell it ELEM/k{k}/SCALE");
        return f;
    }

    public static Recipe ParseRecipe(string? name, BlockFormat format)
    {
        var recipe = name is null ? Recipe.DefaultFor(format)
            : Recipe.TryParse(name) ?? throw new UsageException($"unknown recipe '{name}'; valid: {Recipe.ValidNames}");
        if (!recipe.Supports(format))
            throw new UsageException($"recipe {recipe.Name} does not apply to block format {format.Name}; recipes for it: "
                + string.Join(", ", Recipe.Named.Where(x => x.Supports(format)).Select(x => x.Name)));
        return recipe;
    }

    /// <summary>The input values: a file (<see cref="Fp32Input"/>: .npy or text) or standard input (text). Dispose them when done.</summary>
    public static Fp32Data ReadInput(string? path)
    {
        try
        {
            return path is null ? Fp32Input.ReadText(Console.In, "standard input") : Fp32Input.Open(path);
        }
        catch (TensorFileException e)
        {
            throw new UsageException(e.Message);
        }
    }

    /// <summary>
    /// One line per block: the scale code, the microexponents (if any), the element codes, in hex; a format with a
    /// tensor scale first prints <c># tensor-scale XXXXXXXX</c> (FP32 bits). With <paramref name="values"/> the block's
    /// dequantized values instead (FP32 bits, k per block; a row's padding prints as +0).
    /// </summary>
    public static void WriteText(TextWriter output, QuantizedTensor q, bool values)
    {
        var f = q.Format;
        int k = f.BlockSize;
        if (!values && f.TensorScale is not null) output.WriteLine("# tensor-scale " + q.TensorScale.ToString("x8", CultureInfo.InvariantCulture));
        var dequantized = values ? new uint[q.Elements.Length] : [];
        if (values)
        {
            var d = BlockQuantizer.Dequantize(q);
            for (int i = 0; i < d.Length; i++) dequantized[q.ElementIndex(i)] = d[i];
        }
        string scaleDigits = "x" + ((f.ScaleStorageBits + 3) / 4).ToString(CultureInfo.InvariantCulture);
        string elementDigits = "x" + ((f.ElementBits + 3) / 4).ToString(CultureInfo.InvariantCulture);
        var line = new StringBuilder();
        for (int b = 0; b < q.BlockCount; b++)
        {
            line.Clear();
            if (values)
            {
                QuantizeCommand.AppendHex(line, dequantized.AsSpan(b * k, k), 8);
            }
            else
            {
                line.Append(' ').Append(q.Scales[b].ToString(scaleDigits, CultureInfo.InvariantCulture));
                for (int m = 0; m < (f.HasMicroexponents ? f.SubBlocks : 0); m++)
                    line.Append(' ').Append(q.Microexponents[b * f.SubBlocks + m].ToString("x", CultureInfo.InvariantCulture));
                for (int i = 0; i < k; i++) line.Append(' ').Append(q.Elements[b * k + i].ToString(elementDigits, CultureInfo.InvariantCulture));
            }
            output.WriteLine(line.ToString(1, line.Length - 1));
        }
    }
}
