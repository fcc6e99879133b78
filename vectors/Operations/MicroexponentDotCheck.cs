using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Operations;

/// <summary><c>vectors check</c> of a shared-microexponent dot file: every line recomputed by <see cref="SharedMicroexponentDot"/>.</summary>
public static class MicroexponentDotCheck
{
    public static long Dot(MxvReader reader, BlockFormat format, string path, int maxReport, Action<MxvDifference> keep)
    {
        var h = reader.Header;
        var output = h.OutputFormat;
        var model = h.Model;
        var v = new MicroexponentDotVector(format, h.Block);
        long differences = 0;
        while (reader.ReadNext(v))
        {
            var res = v.Evaluate(output, model);
            if (res.Bits == v.D && (byte)res.Flags == v.Flags) continue;
            if (++differences <= maxReport) keep(new MxvDifference(reader.LineNumber, Describe(path, reader.LineNumber, v, res, output)));
        }
        return differences;
    }

    /// <summary>Both results decoded, then every input: scales with their exponents, microexponents and element values.</summary>
    public static string Describe(string path, long line, MicroexponentDotVector v, DotResult res, NumberFormat o)
    {
        var f = v.Format;
        var codec = f.ScaleCodec;
        string digits = "x" + DotLine.ResultDigits(o);
        uint signBit = 1u << f.MagnitudeBits;
        string Els(uint[] codes) => string.Join(' ', codes.Select(c => ((c & signBit) != 0 ? "-" : "+") + (c & (signBit - 1)).ToString()));
        return $"{path}:{line}: file D={v.D.ToString(digits)} ({Codec.Show(o, v.D)}) FLAGS={v.Flags:x2} ({ExceptionFlagNames.Format((ExceptionFlags)v.Flags)}), " +
               $"golden D={res.Bits.ToString(digits)} ({Codec.Show(o, res.Bits)}) FLAGS={(byte)res.Flags:x2} ({ExceptionFlagNames.Format(res.Flags)})\n" +
               $"  {f.Name} RM={v.Rounding.ShortName()} SA={v.ScaleA:x2} ({codec.Show(v.ScaleA)}) SB={v.ScaleB:x2} ({codec.Show(v.ScaleB)}) " +
               $"C={v.C:x8} ({Codec.Show(StandardFormats.Fp32, v.C)})\n" +
               $"  MA=[{string.Join(' ', v.MicroA)}] A=[{Els(v.A)}] (magnitudes M, value M·2^(E−τ−{f.MagnitudeBits - 1}))\n" +
               $"  MB=[{string.Join(' ', v.MicroB)}] B=[{Els(v.B)}]";
    }
}
