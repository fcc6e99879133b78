using System.Runtime.InteropServices;
using System.Text;
using MxRef.Cosim.Abi;
using MxRef.Formats;
using MxRef.Quantization;

namespace MxRef.Cosim.Exports;

/// <summary>
/// Quantization by block-format name and recipe name (<see cref="BlockQuantizer"/>): any named block format or
/// <c>ELEM/kN/SCALE</c> (NVFP4, MX, MX9/MX6/MX4) under any named recipe, for C and Python callers
/// (mxref_block_format_shape, mxref_quantize_recipe, mxref_dequantize_recipe in mxref.h).
/// </summary>
public static unsafe class RecipeQuantizeExports
{
    [UnmanagedCallersOnly(EntryPoint = "mxref_block_format_shape")]
    public static int MxrefBlockFormatShape(byte* blockFormat, int* blockSize, int* subBlocks, int* elementBits)
    {
        try
        {
            if (blockFormat == null || blockSize == null || subBlocks == null || elementBits == null) return Status.NullPointer;
            var f = FormatOf(blockFormat);
            if (f is null) return Status.Name;
            *blockSize = f.BlockSize;
            *subBlocks = f.HasMicroexponents ? f.SubBlocks : 0;
            *elementBits = f.ElementBits;
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "mxref_quantize_recipe")]
    public static int MxrefQuantizeRecipe(byte* blockFormat, byte* recipe, int n, int rowLength, uint* fp32, uint* tensorScale,
        byte* scales, byte* microexponents, byte* elements, uint* tensorScaleOut)
    {
        try
        {
            if (blockFormat == null || recipe == null || fp32 == null || scales == null || elements == null) return Status.NullPointer;
            var f = FormatOf(blockFormat);
            var r = RecipeOf(recipe);
            if (f is null || r is null || !r.Supports(f)) return Status.Name;
            if (f.HasMicroexponents && microexponents == null) return Status.NullPointer;
            if (n < 1 || rowLength < 0 || (rowLength > 0 && n % rowLength != 0)) return Status.BlockSize;
            if (tensorScale != null && f.TensorScale is null) return Status.Argument;
            QuantizedTensor q;
            try
            {
                q = BlockQuantizer.Quantize(f, r, new ReadOnlySpan<uint>(fp32, n),
                    new QuantizeOptions { RowLength = rowLength, TensorScale = tensorScale == null ? null : *tensorScale });
            }
            catch (ArgumentException)
            {
                return Status.Length;
            }
            q.Scales.CopyTo(new Span<byte>(scales, q.Scales.Length));
            q.Elements.CopyTo(new Span<byte>(elements, q.Elements.Length));
            if (f.HasMicroexponents) q.Microexponents.CopyTo(new Span<byte>(microexponents, q.Microexponents.Length));
            if (tensorScaleOut != null) *tensorScaleOut = q.TensorScale;
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "mxref_dequantize_recipe")]
    public static int MxrefDequantizeRecipe(byte* blockFormat, byte* recipe, int n, int rowLength, uint tensorScale,
        byte* scales, byte* microexponents, byte* elements, uint* fp32)
    {
        try
        {
            if (blockFormat == null || recipe == null || scales == null || elements == null || fp32 == null) return Status.NullPointer;
            var f = FormatOf(blockFormat);
            var r = RecipeOf(recipe);
            if (f is null || r is null || !r.Supports(f)) return Status.Name;
            if (f.HasMicroexponents && microexponents == null) return Status.NullPointer;
            if (n < 1 || rowLength < 0 || (rowLength > 0 && n % rowLength != 0)) return Status.BlockSize;
            int row = rowLength > 0 ? rowLength : n;
            long blocks = (long)(n / row) * ((row + f.BlockSize - 1) / f.BlockSize);
            if (blocks * f.BlockSize > int.MaxValue) return Status.BlockSize;
            var s = new ReadOnlySpan<byte>(scales, (int)blocks).ToArray();
            var e = new ReadOnlySpan<byte>(elements, (int)blocks * f.BlockSize).ToArray();
            var m = f.HasMicroexponents ? new ReadOnlySpan<byte>(microexponents, (int)blocks * f.SubBlocks).ToArray() : [];
            uint elementMask = f.HasMicroexponents ? (1u << f.ElementBits) - 1 : f.Element.CodeMask;
            foreach (byte c in e)
                if (c > elementMask) return Status.Code;
            foreach (byte c in s)
                if (!f.ScaleCodec.IsCode(c)) return Status.Code;
            if (f.Microexponent is { } level)
                foreach (byte c in m)
                    if (c > level.MaxShift) return Status.Code;
            var q = new QuantizedTensor(f, r, n, rowLength > 0 ? rowLength : n, false, f.TensorScale is null ? QuantizedTensor.UnitTensorScale : tensorScale, s, m, e);
            BlockQuantizer.Dequantize(q).CopyTo(new Span<uint>(fp32, n));
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    private static BlockFormat? FormatOf(byte* name) => BlockFormat.TryParse(Text(name));

    private static Recipe? RecipeOf(byte* name) => Recipe.TryParse(Text(name));

    private static string Text(byte* p) => Marshal.PtrToStringUTF8((nint)p) ?? "";
}
