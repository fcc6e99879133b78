using System.Buffers;
using System.Runtime.InteropServices;
using MxRef.Cosim.Abi;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;

namespace MxRef.Cosim.Exports;

/// <summary>
/// The shared-microexponent formats MX9/MX6/MX4 (<see cref="BdrQuantizer"/>, docs/quantization.md) for C callers:
/// per block of 16 values one 8-bit shared exponent, 8 one-bit microexponents (one per pair) and 16 sign-magnitude
/// codes (sign = bit m; m = 7, 4, 2 magnitude bits), each code and microexponent one byte wide across the ABI.
/// </summary>
public static unsafe class BdrQuantizeExports
{
    private static readonly BlockFormat[] Standard = [BlockFormat.Mx9, BlockFormat.Mx6, BlockFormat.Mx4];

    /// <summary>bdr_fmt 0 mx9, 1 mx6, 2 mx4; null otherwise.</summary>
    private static BlockFormat? Format(int code) => (uint)code < (uint)Standard.Length ? Standard[code] : null;

    [UnmanagedCallersOnly(EntryPoint = "mxref_quantize_bdr")]
    public static int MxrefQuantizeBdr(int bdrFmt, int n, uint* fp32, QuantizationPolicyAbi* policy, uint* random,
        byte* scales, byte* microexponents, byte* elements)
    {
        try
        {
            if (fp32 == null || scales == null || microexponents == null || elements == null) return Status.NullPointer;
            if (Format(bdrFmt) is not { } f) return Status.Format;
            if (n < 1) return Status.BlockSize;
            var p = QuantizationPolicy.Default;
            if (policy != null)
            {
                int status = policy->TryConvert(out p);
                if (status != Status.Ok) return status;
            }
            if (p.ScaleRule != ScaleRule.Floor) return Status.Argument; // these formats have the floor rule only
            int blocks = MxQuantizer.BlockCount(n, f.BlockSize);
            if ((long)blocks * f.BlockSize > int.MaxValue) return Status.BlockSize;
            var randomBits = random != null && p.Rounding == RoundingMode.Stochastic ? new ReadOnlySpan<uint>(random, n) : default;
            foreach (uint r in randomBits)
                if (r >> p.StochasticWidth != 0) return Status.Argument;
            int count = blocks * f.BlockSize;
            uint[] codes = ArrayPool<uint>.Shared.Rent(count);
            try
            {
                BdrQuantizer.Quantize(f, new ReadOnlySpan<uint>(fp32, n), p, new Span<byte>(scales, blocks),
                    new Span<byte>(microexponents, blocks * f.SubBlocks), codes.AsSpan(0, count), randomBits);
                for (int i = 0; i < count; i++) elements[i] = (byte)codes[i];
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

    [UnmanagedCallersOnly(EntryPoint = "mxref_dequantize_bdr")]
    public static int MxrefDequantizeBdr(int bdrFmt, int blocks, byte* scales, byte* microexponents, byte* elements, uint* fp32)
    {
        try
        {
            if (scales == null || microexponents == null || elements == null || fp32 == null) return Status.NullPointer;
            if (Format(bdrFmt) is not { } f) return Status.Format;
            if (blocks < 1 || (long)blocks * f.BlockSize > int.MaxValue) return Status.BlockSize;
            int count = blocks * f.BlockSize;
            for (int i = 0; i < count; i++)
                if (elements[i] > f.Element.CodeMask) return Status.Code;
            for (int i = 0; i < blocks * f.SubBlocks; i++)
                if (microexponents[i] > f.Microexponent!.MaxShift) return Status.Code;
            uint[] codes = ArrayPool<uint>.Shared.Rent(count);
            try
            {
                for (int i = 0; i < count; i++) codes[i] = elements[i];
                BdrQuantizer.Dequantize(f, new ReadOnlySpan<byte>(scales, blocks), new ReadOnlySpan<byte>(microexponents, blocks * f.SubBlocks),
                    codes.AsSpan(0, count), new Span<uint>(fp32, count));
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
}
