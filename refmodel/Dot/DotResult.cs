using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>A dot-product result: the output format's bits and the exception flags (bit 0 NX, 1 UF, 2 OF, 4 NV).</summary>
public readonly record struct DotResult(uint Bits, ExceptionFlags Flags);

/// <summary>One MX block operand pair: element codes (low bits of each byte) with their tables and E8M0 scales.</summary>
public readonly ref struct BlockPair
{
    public readonly ElementTable TableA, TableB;
    public readonly ReadOnlySpan<byte> A, B;
    public readonly byte ScaleA, ScaleB;

    public BlockPair(ElementTable tableA, ReadOnlySpan<byte> a, byte scaleA, ElementTable tableB, ReadOnlySpan<byte> b, byte scaleB)
    {
        if (a.Length != b.Length) throw new ArgumentException($"block sizes differ: {a.Length} A elements, {b.Length} B elements");
        if (a.Length == 0) throw new ArgumentException("a block has at least one element");
        TableA = tableA; TableB = tableB; A = a; B = b; ScaleA = scaleA; ScaleB = scaleB;
    }

    public int Length => A.Length;

    public BlockPair Slice(int start, int length) => new(TableA, A.Slice(start, length), ScaleA, TableB, B.Slice(start, length), ScaleB);

    /// <summary>Exponent of the product sum's last bit: scales 2^(sa+sb−254) times the fixed point's 2^−32.</summary>
    public int SumExponent => ScaleA + ScaleB - 254 - 2 * ElementTable.FractionBits;
}
