using MxRef.Formats;

namespace MxRef.Quantization;

/// <summary>
/// Quantized data in a shared-microexponent format: per block one scale code and <see cref="BlockFormat.SubBlocks"/>
/// microexponents, and <see cref="BlockFormat.BlockSize"/> sign-magnitude element codes (bit m = sign).
/// </summary>
public sealed class BdrBlocks(BlockFormat format, int length, byte[] scales, byte[] microexponents, uint[] elements)
{
    public BlockFormat Format { get; } = format;
    public int Length { get; } = length;
    public byte[] Scales { get; } = scales;
    public byte[] Microexponents { get; } = microexponents;
    public uint[] Elements { get; } = elements;
    public int BlockCount => Scales.Length;

    public ReadOnlySpan<byte> BlockMicroexponents(int block) => Microexponents.AsSpan(block * Format.SubBlocks, Format.SubBlocks);
    public ReadOnlySpan<uint> BlockElements(int block) => Elements.AsSpan(block * Format.BlockSize, Format.BlockSize);
}
