using System.Runtime.InteropServices;
using MxRef.Cosim.Abi;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Cosim.Exports;

/// <summary>The decode unit (<see cref="MxDecode"/>): one block's k codes and its scale to k FP32/BF16/FP16 codes.</summary>
public static unsafe class DecodeExports
{
    [UnmanagedCallersOnly(EntryPoint = "mxref_decode_block")]
    public static int MxrefDecodeBlock(int scaleFmt, int fmt, int rm, int k, byte scale, byte* codes, int outFmt, byte* profile,
        uint* results, byte* flags)
    {
        try
        {
            if (codes == null || results == null || flags == null) return Status.NullPointer;
            if (Arguments.Scale(scaleFmt) is not { } scales || !Arguments.IsElementFormat(fmt)) return Status.Format;
            if (!Arguments.IsRoundingMode(rm)) return Status.Rounding;
            if (k < 1 || k > Arguments.MaxBlockSize) return Status.BlockSize;
            if (!Arguments.IsOutputFormat(outFmt)) return Status.OutputFormat;
            if (!scales.IsCode(scale)) return Status.Code;
            var element = StandardFormats.Elements[fmt];
            var span = new ReadOnlySpan<byte>(codes, k);
            foreach (byte c in span)
                if (c > element.CodeMask) return Status.Code;
            // A bad profile stays MXREF_E_ARGUMENT here, as in 1.3.0 (the dot product's MXREF_E_PROFILE came later).
            if (ProfileArgument.Parse(profile, out _) is not { } implementation || MxDecode.CheckProfile(implementation) is not null)
                return Status.Argument;
            *flags = (byte)MxDecode.Block(element, span, scales, scale, Arguments.Output(outFmt), (RoundingMode)rm, implementation,
                new Span<uint>(results, k));
            return Status.Ok;
        }
        catch (Exception)
        {
            return Status.Internal;
        }
    }
}
