using MxRef.Formats;
using MxRef.Quantization;

namespace MxRef.Vectors.Tensors;

/// <summary>Builds a <see cref="QuantizedTensor"/> from stored codes (the one place that calls its constructor).</summary>
public static class QuantizedTensors
{
    public static QuantizedTensor Create(BlockFormat format, Recipe recipe, int length, int rowLength, bool twoDimensional, uint tensorScale,
        byte[] scales, byte[] microexponents, byte[] elements) =>
        new(format, recipe, length, rowLength, twoDimensional, tensorScale, scales, microexponents, elements);

    /// <summary>Blocks of a tensor of <paramref name="length"/> values in rows of <paramref name="rowLength"/>, each row padded to whole blocks.</summary>
    public static long BlockCount(long length, long rowLength, int k) => rowLength == 0 ? 0 : length / rowLength * ((rowLength + k - 1) / k);
}
