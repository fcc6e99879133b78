using System.CommandLine;
using MxRef.Quantization;
using MxRef.Vectors.Tensors;

namespace MxRef.Harness.Commands;

/// <summary>
/// <c>mxref dequantize PREFIX</c>: reads the NumPy file set <c>mxref quantize -o PREFIX</c> wrote (the sidecar names
/// the block format, recipe and tensor scale) and writes the FP32 values as an <c>.npy</c> of the input's shape, or as
/// text (FP32 bit patterns, one line per block).
/// </summary>
public static class DequantizeCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("prefix") { Description = "PREFIX (or PREFIX.json) of a quantized file set written by mxref quantize -o PREFIX." };
        var output = new Option<string?>("--output", "-o") { Description = "Write a float32 .npy of the original shape to FILE instead of text to standard output." };
        var cmd = new Command("dequantize",
            "Dequantize a NumPy file set (PREFIX.json + PREFIX.scales.npy, PREFIX.elements.npy …) back to FP32, as the recipe\n" +
            "recorded in PREFIX.json defines (tensor scale included). Example: mxref dequantize x.nvfp4 -o x.back.npy")
        {
            input, output,
        };
        cmd.SetAction(r =>
        {
            QuantizedTensor q;
            long[] shape;
            try
            {
                (q, shape) = QuantizedFiles.Read(r.GetValue(input)!);
            }
            catch (TensorFileException e)
            {
                throw new UsageException(e.Message);
            }
            if (r.GetValue(output) is { } path) QuantizedFiles.WriteDequantized(path, q, shape);
            else QuantizeByRecipe.WriteText(r.InvocationConfiguration.Output, q, values: true);
            return Cli.ExitOk;
        });
        return cmd;
    }
}
