using MxRef.Vectors.Files;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation.Quantize;

/// <summary>Runs the golden quantizer (refmodel/Quantization, MxQuantizer) on a quantize vector.</summary>
public static class QuantizeEvaluation
{
    /// <summary>The expected scale and element codes of <paramref name="q"/>'s inputs under <paramref name="policy"/> with the line's rounding mode.</summary>
    public static (byte Scale, uint[] Codes) Evaluate(this QuantizeVector q, QuantizationPolicy policy)
    {
        var codes = new uint[q.K];
        Span<byte> scale = stackalloc byte[1];
        MxQuantizer.Quantize(q.Format, q.V, q.K, policy with { Rounding = q.Rounding }, scale, codes);
        return (scale[0], codes);
    }

    /// <summary>Sets the vector's expected S and P from the golden quantizer.</summary>
    public static void SetExpected(this QuantizeVector q, QuantizationPolicy policy)
    {
        var (s, codes) = q.Evaluate(policy);
        q.Scale = s;
        for (int i = 0; i < q.K; i++) q.P[i] = (byte)codes[i];
    }
}
