using MxRef.Formats;

namespace MxRef.Quantization;

/// <summary>
/// A quantized tensor: per block one scale code (and the microexponents of a shared-microexponent format), k element
/// codes, and the per-tensor scale. Blocks run along rows (<see cref="RowLength"/>; one row when the input is 1-D),
/// each row's last block padded with +0.
/// </summary>
public sealed class QuantizedTensor
{
    public const uint UnitTensorScale = 0x3F800000; // FP32 1.0

    public BlockFormat Format { get; }
    public Recipe Recipe { get; }
    /// <summary>Input values.</summary>
    public int Length { get; }
    /// <summary>Values per row (= <see cref="Length"/> for a 1-D input).</summary>
    public int RowLength { get; }
    public bool TwoDimensional { get; }
    /// <summary>FP32 bits of the per-tensor scale; 1.0 when the format has none.</summary>
    public uint TensorScale { get; }
    public byte[] Scales { get; }
    public byte[] Microexponents { get; }
    /// <summary>k codes per block, the low <see cref="BlockFormat.ElementBits"/> bits of each byte.</summary>
    public byte[] Elements { get; }
    public int BlockCount => Scales.Length;
    public int BlocksPerRow => (RowLength + Format.BlockSize - 1) / Format.BlockSize;
    public int Rows => RowLength == 0 ? 0 : Length / RowLength;

    public QuantizedTensor(BlockFormat format, Recipe recipe, int length, int rowLength, bool twoDimensional, uint tensorScale,
        byte[] scales, byte[] microexponents, byte[] elements)
    {
        Format = format;
        Recipe = recipe;
        Length = length;
        RowLength = rowLength;
        TwoDimensional = twoDimensional;
        TensorScale = tensorScale;
        Scales = scales;
        Microexponents = microexponents;
        Elements = elements;
    }

    public ReadOnlySpan<byte> BlockElements(int block) => Elements.AsSpan(block * Format.BlockSize, Format.BlockSize);

    /// <summary>Index in <see cref="Elements"/> of input value <paramref name="i"/> (rows are padded to whole blocks).</summary>
    public int ElementIndex(int i) => RowLength == 0 ? i : i / RowLength * BlocksPerRow * Format.BlockSize + i % RowLength;
}
