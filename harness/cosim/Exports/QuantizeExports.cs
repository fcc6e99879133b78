using System.Buffers;
using System.Runtime.InteropServices;
using MxRef.Cosim.Abi;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;

namespace MxRef.Cosim.Exports;

/// <summary>
/// OCP MX block quantization (FP32 → one E8M0 scale and k element codes per block, <see cref="MxQuantizer"/>) and
/// its inverse, for C callers (mxref_quantize, mxref_dequantize) and DPI-C (mxref_dpi_quantize32).
/// Element codes cross the ABI one per byte, as in mxref_dot; the quantizer's uint codes are narrowed here.
/// </summary>
public static unsafe class QuantizeExports
{
    [UnmanagedCallersOnly(EntryPoint = "mxref_quantize")]
    public static int MxrefQuantize(int fmt, int k, int n, uint* fp32, QuantizationPolicyAbi* policy, uint* random, byte* scales, byte* elements)
    {
        try
        {
            if (fp32 == null || scales == null || elements == null) return Status.NullPointer;
            if (!Arguments.IsElementFormat(fmt)) return Status.Format;
            if (k < 1 || k > Arguments.MaxBlockSize || n < 1) return Status.BlockSize;
            var p = QuantizationPolicy.Default;
            if (policy != null)
            {
                int status = policy->TryConvert(out p);
                if (status != Status.Ok) return status;
            }
            int blocks = MxQuantizer.BlockCount(n, k);
            if ((long)blocks * k > int.MaxValue) return Status.BlockSize;
            var randomBits = random != null && p.Rounding == RoundingMode.Stochastic ? new ReadOnlySpan<uint>(random, n) : default;
            if (!randomBits.IsEmpty)
                foreach (uint r in randomBits)
                    if (r >> p.StochasticWidth != 0) return Status.Argument;
            uint[] codes = ArrayPool<uint>.Shared.Rent(blocks * k);
            try
            {
                MxQuantizer.Quantize(StandardFormats.Elements[fmt], new ReadOnlySpan<uint>(fp32, n), k, p,
                    new Span<byte>(scales, blocks), codes.AsSpan(0, blocks * k), randomBits);
                for (int i = 0; i < blocks * k; i++) elements[i] = (byte)codes[i];
            }
            finally
            {
                ArrayPool<uint>.Shared.Return(codes);
            }
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    [UnmanagedCallersOnly(EntryPoint = "mxref_dequantize")]
    public static int MxrefDequantize(int fmt, int k, int blocks, byte* scales, byte* elements, uint* fp32)
    {
        try
        {
            if (scales == null || elements == null || fp32 == null) return Status.NullPointer;
            if (!Arguments.IsElementFormat(fmt)) return Status.Format;
            if (k < 1 || k > Arguments.MaxBlockSize || blocks < 1 || (long)blocks * k > int.MaxValue) return Status.BlockSize;
            var format = StandardFormats.Elements[fmt];
            int count = blocks * k;
            for (int i = 0; i < count; i++)
                if (elements[i] > format.CodeMask) return Status.Code;
            uint[] codes = ArrayPool<uint>.Shared.Rent(count);
            try
            {
                for (int i = 0; i < count; i++) codes[i] = elements[i];
                MxQuantizer.Dequantize(format, k, new ReadOnlySpan<byte>(scales, blocks), codes.AsSpan(0, count), new Span<uint>(fp32, count));
            }
            finally
            {
                ArrayPool<uint>.Shared.Return(codes);
            }
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }

    /// <summary>
    /// One block of 32 FP32 values (SV <c>bit [32*32-1:0]</c>, value i in bits [32i+31:32i]) → scale and 32 codes
    /// (SV <c>output bit [8*32-1:0]</c>, the byte lanes of rtl/mx_dot), under the OCP default policy with rounding rm.
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "mxref_dpi_quantize32")]
    public static int MxrefDpiQuantize32(int fmt, int rm, uint* fp32, byte* scale, uint* elements)
    {
        try
        {
            if (fp32 == null || scale == null || elements == null) return Status.NullPointer;
            if (!Arguments.IsElementFormat(fmt)) return Status.Format;
            if (!Arguments.IsRoundingMode(rm)) return Status.Rounding;
            Span<uint> codes = stackalloc uint[32];
            Span<byte> scales = stackalloc byte[1];
            MxQuantizer.Quantize(StandardFormats.Elements[fmt], new ReadOnlySpan<uint>(fp32, 32), 32,
                QuantizationPolicy.Default with { Rounding = (RoundingMode)rm }, scales, codes);
            var lanes = (byte*)elements; // little-endian words are the byte lanes (see DpiExports)
            for (int i = 0; i < 32; i++) lanes[i] = (byte)codes[i];
            *scale = scales[0];
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }
}
