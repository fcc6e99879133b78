using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Dot;

/// <summary>
/// A dot-product result: the output format's bits and the exception flags (bit 0 NX, 1 UF, 2 OF, 4 NV), i.e. the
/// rounding core's <see cref="Rounded"/> (code and flags in one 64-bit field), which it holds and returns unchanged. One
/// field, so that the JIT moves a result as one register: with two fields it writes them one by one and then copies the
/// struct as a whole, and that load waits for the two stores (no store-to-load forwarding across stores), which cost
/// about a quarter of a fused block dot.
/// </summary>
public readonly record struct DotResult
{
    private readonly Rounded _rounded;

    public DotResult(uint Bits, ExceptionFlags Flags) => _rounded = new Rounded(Bits, Flags);

    /// <summary>The rounding core's result as it stands: no repacking of code and flags.</summary>
    public DotResult(Rounded rounded) => _rounded = rounded;

    public uint Bits { get => _rounded.Code; init => _rounded = _rounded with { Code = value }; }
    public ExceptionFlags Flags { get => _rounded.Flags; init => _rounded = _rounded with { Flags = value }; }

    public void Deconstruct(out uint Bits, out ExceptionFlags Flags) => (Bits, Flags) = (this.Bits, this.Flags);
}

/// <summary>
/// A dot-product result with what the golden model formed on the way to it that a coverage classifier needs again: the
/// exact product sum Σ a_i·b_i in the elements' common fixed point (before the scales) and the OR of the elements'
/// class bits (<see cref="ElementTable.ClassNaN"/> and <see cref="ElementTable.ClassInfinity"/> meaningful), as
/// <see cref="MxDot.ProductSum"/> returns them. Only the <c>fused</c> model under the default profile forms that sum for
/// the whole block (<see cref="HasProductSum"/>); under the other models the reader forms it itself. The flags are the
/// model's full flags, whatever a design reports.
/// </summary>
public readonly record struct DotOutcome(DotResult Result, Int128 ProductSum, int Classes, bool HasProductSum);

/// <summary>
/// One block operand pair: element codes (low bits of each byte) with their tables, and one scale code per operand read
/// through the block format's <see cref="ScaleCodec"/> (E8M0 for OCP MX, UE4M3 for NVFP4). Both operands share the
/// scale format.
/// </summary>
public readonly ref struct BlockPair
{
    public readonly ElementTable TableA, TableB;
    public readonly ReadOnlySpan<byte> A, B;
    public readonly byte ScaleA, ScaleB;
    public readonly ScaleCodec Scales;

    /// <summary>An OCP MX pair: E8M0 scales (OCP MX v1.0 §5.4).</summary>
    public BlockPair(ElementTable tableA, ReadOnlySpan<byte> a, byte scaleA, ElementTable tableB, ReadOnlySpan<byte> b, byte scaleB)
        : this(tableA, a, scaleA, tableB, b, scaleB, ScaleCodec.E8M0)
    {
    }

    public BlockPair(ElementTable tableA, ReadOnlySpan<byte> a, byte scaleA, ElementTable tableB, ReadOnlySpan<byte> b, byte scaleB, ScaleCodec scales)
    {
        if (a.Length != b.Length || a.Length == 0 || !scales.IsCode(scaleA) || !scales.IsCode(scaleB)) Refuse(a.Length, b.Length, scaleA, scaleB, scales);
        TableA = tableA; TableB = tableB; A = a; B = b; ScaleA = scaleA; ScaleB = scaleB; Scales = scales;
    }

    /// <summary>
    /// The constructor's refusals, out of line: with the messages built in the constructor its frame was set up and
    /// zeroed on every call (a pair is made per block dot), and it was not inlined.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Refuse(int lengthA, int lengthB, byte scaleA, byte scaleB, ScaleCodec scales)
    {
        if (lengthA != lengthB) throw new ArgumentException($"block sizes differ: {lengthA} A elements, {lengthB} B elements");
        if (lengthA == 0) throw new ArgumentException("a block has at least one element");
        throw new ArgumentException($"scale codes {scaleA:x2}, {scaleB:x2}: a {scales.Format.Name} code is at most {scales.MaxCode:x2}");
    }

    /// <summary>A pair of the block format's elements and scale (both operands in <paramref name="format"/>).</summary>
    public BlockPair(BlockFormat format, ReadOnlySpan<byte> a, byte scaleA, ReadOnlySpan<byte> b, byte scaleB)
        : this(ElementTable.For(format.Element), a, scaleA, ElementTable.For(format.Element), b, scaleB, format.ScaleCodec)
    {
    }

    public int Length => A.Length;

    public BlockPair Slice(int start, int length) => new(TableA, A.Slice(start, length), ScaleA, TableB, B.Slice(start, length), ScaleB, Scales);

    /// <summary>Either scale is a NaN code (rule 1).</summary>
    public bool ScaleIsNaN => Scales.IsNaN(ScaleA) || Scales.IsNaN(ScaleB);

    /// <summary>
    /// Either scale is zero (a UE4M3 0x00; E8M0 has no zero) and neither is NaN: every scaled product is a zero. A NaN
    /// scale wins: sa·sb is then NaN, a quiet NaN with no ∞×0 to flag.
    /// </summary>
    public bool ScaleIsZero => !Scales.IsPowerOfTwo && (Scales.IsZero(ScaleA) || Scales.IsZero(ScaleB)) && !ScaleIsNaN;

    /// <summary>
    /// sa·sb = <see cref="ScaleSignificand"/> · 2^(<see cref="SumExponent"/> + 2·FractionBits), exact: the product of the
    /// two scale significands (1 for a power-of-two scale; at most 15·15 for UE4M3).
    /// </summary>
    public uint ScaleSignificand => Scales.Significand(ScaleA) * Scales.Significand(ScaleB);

    /// <summary>
    /// Exponent of the product sum's last bit: the scales' exponents (E8M0: sa + sb − 2·127) plus the fixed point's 2^−32.
    /// </summary>
    public int SumExponent => Scales.Exponent(ScaleA) + Scales.Exponent(ScaleB) - 2 * ElementTable.FractionBits;
}
