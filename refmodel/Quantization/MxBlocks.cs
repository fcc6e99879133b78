using MxRef.Formats;

namespace MxRef.Quantization;

/// <summary>
/// Quantized data in an OCP MX format (OCP MX v1.0 §5.2): one E8M0 scale code per block and <see cref="BlockSize"/>
/// element codes per block. <see cref="Length"/> is the number of input values; the last block is padded with +0.
/// </summary>
public sealed class MxBlocks(NumberFormat element, int blockSize, int length, byte[] scales, uint[] elements)
{
    public NumberFormat Element { get; } = element;
    public int BlockSize { get; } = blockSize;
    public int Length { get; } = length;
    public byte[] Scales { get; } = scales;
    public uint[] Elements { get; } = elements;
    public int BlockCount => Scales.Length;

    public ReadOnlySpan<uint> BlockElements(int block) => Elements.AsSpan(block * BlockSize, BlockSize);
}
