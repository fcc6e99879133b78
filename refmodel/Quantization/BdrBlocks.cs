namespace MxRef.Quantization;

/// <summary>
/// Quantized data in a shared-microexponent format: per block one scale code and <see cref="BdrFormat.SubBlocks"/>
/// microexponents, and <see cref="BdrFormat.BlockSize"/> sign-magnitude element codes (bit m = sign).
/// </summary>
public sealed class BdrBlocks(BdrFormat format, int length, byte[] scales, byte[] microexponents, uint[] elements)
{
    public BdrFormat Format { get; } = format;
    public int Length { get; } = length;
    public byte[] Scales { get; } = scales;
    public byte[] Microexponents { get; } = microexponents;
    public uint[] Elements { get; } = elements;
    public int BlockCount => Scales.Length;

    public ReadOnlySpan<byte> BlockMicroexponents(int block) => Microexponents.AsSpan(block * Format.SubBlocks, Format.SubBlocks);
    public ReadOnlySpan<uint> BlockElements(int block) => Elements.AsSpan(block * Format.BlockSize, Format.BlockSize);
}
