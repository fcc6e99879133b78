using MxRef.Formats;
using MxRef.Quantization;

namespace MxRef.Vectors.Tensors;

/// <summary>Builds a <see cref="QuantizedTensor"/> from stored codes (the one place that calls its constructor).</summary>
public static class QuantizedTensors
{
    public static QuantizedTensor Create(BlockFormat format, Recipe recipe, int length, uint tensorScale, byte[] scales, byte[] microexponents, byte[] elements) =>
        new(format, recipe, length, tensorScale, scales, microexponents, elements);
}
