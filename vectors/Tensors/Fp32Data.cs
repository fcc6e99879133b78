using System.Runtime.InteropServices;

namespace MxRef.Vectors.Tensors;

/// <summary>
/// FP32 values as a quantizing command reads them, without copying where the file already holds them: a
/// little-endian float32 <c>.npy</c> is a view of the mapped file; BF16, big-endian and text inputs are converted into a
/// <see cref="PageBuffer"/>. Dispose it when done (it unmaps the file).
/// </summary>
public sealed class Fp32Data : IDisposable
{
    private readonly MappedFile? _file;
    private readonly PageBuffer? _buffer;
    private readonly uint[]? _array;
    private readonly int _offset, _count;

    public long[] Shape { get; }
    public NpyDType Source { get; }
    public string ShapeText => Npy.ShapeText(Shape);

    /// <summary>Values <c>[byteOffset, byteOffset + 4·count)</c> of a mapped file (the offset a multiple of 4).</summary>
    internal Fp32Data(MappedFile file, int byteOffset, int count, long[] shape, NpyDType source) =>
        (_file, _offset, _count, Shape, Source) = (file, byteOffset, count, shape, source);

    /// <summary>The first <paramref name="count"/> values of a buffer this object now owns.</summary>
    internal Fp32Data(PageBuffer buffer, int count, long[] shape, NpyDType source) =>
        (_buffer, _count, Shape, Source) = (buffer, count, shape, source);

    public Fp32Data(uint[] bits, long[] shape, NpyDType source) =>
        (_array, _count, Shape, Source) = (bits, bits.Length, shape, source);

    public ReadOnlySpan<uint> Bits =>
        _array ?? (_file is not null
            ? MemoryMarshal.Cast<byte, uint>(_file.Span.Slice(_offset, _count * 4))
            : MemoryMarshal.Cast<byte, uint>(_buffer!.Span)[.._count]);

    /// <summary>A copy as an array-backed <see cref="Fp32Tensor"/>.</summary>
    public Fp32Tensor ToTensor() => new(Bits.ToArray(), Shape, Source);

    public void Dispose()
    {
        _file?.Dispose();
        _buffer?.Dispose();
    }
}
