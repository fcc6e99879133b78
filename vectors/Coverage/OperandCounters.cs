using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MxRef.Formats;

namespace MxRef.Vectors.Coverage;

/// <summary>
/// The finite operand classes of many vectors (<see cref="OperandClassMask.Pair"/>: A's in bits 0–15 of a vector's
/// mask, B's in bits 16–31), counted per format pair in one byte per class until <see cref="Flush"/>. Adding a mask is
/// branch-free: its 32 bits are spread to 32 bytes (a byte shuffle picks each slot's mask byte, an AND and a compare
/// its bit) and subtracted, as 0 or −1, from the pair's 32 byte counters — where a loop over the mask's set bits, whose
/// count varies from vector to vector, mispredicts. Without SSSE3 the bits are counted one by one.
/// </summary>
internal sealed class OperandCounters
{
    /// <summary>Vectors the byte counters can count before a flush.</summary>
    public const int Limit = byte.MaxValue;
    private const int Slots = 2 * OperandClassMask.FiniteBits;
    private readonly int _formats = StandardFormats.Elements.Count;
    private readonly byte[] _counters;
    private ulong _pairs; // the format pairs with counts

    public OperandCounters()
    {
        if (_formats * _formats > 64) throw new InvalidOperationException("more format pairs than the 64 bits of the used-pairs mask");
        _counters = new byte[_formats * _formats * Slots];
    }

    /// <summary>Counts the classes of <paramref name="mask"/> for format pair <paramref name="pair"/> (A × formats + B).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int pair, uint mask)
    {
        ref byte p = ref _counters[pair * Slots];
        if (Ssse3.IsSupported)
        {
            // Slot s takes byte s / 8 of the mask and tests bit s % 8 of it (constants: no loads from fields).
            var m = Vector128.CreateScalarUnsafe(mask).AsByte();
            var bit = Vector128.Create((byte)1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128);
            var low = Vector128.Equals(Ssse3.Shuffle(m, Vector128.Create((byte)0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1)) & bit, bit);
            var high = Vector128.Equals(Ssse3.Shuffle(m, Vector128.Create((byte)2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3)) & bit, bit);
            (Vector128.LoadUnsafe(ref p) - low).StoreUnsafe(ref p);
            (Vector128.LoadUnsafe(ref p, 16) - high).StoreUnsafe(ref p, 16);
        }
        else
            for (; mask != 0; mask &= mask - 1) Unsafe.Add(ref p, System.Numerics.BitOperations.TrailingZeroCount(mask))++;
        _pairs |= 1UL << pair;
    }

    /// <summary>Adds every counter to its class in <paramref name="counts"/> and clears the counters.</summary>
    public void Flush(long[] counts, CoverageClasses.DotIds ids)
    {
        for (ulong pairs = _pairs; pairs != 0; pairs &= pairs - 1)
        {
            int pair = System.Numerics.BitOperations.TrailingZeroCount(pairs);
            int firstA = ids.OperandBaseOf(pair / _formats), firstB = ids.OperandBaseOf(pair % _formats) - OperandClassMask.FiniteBits;
            ref byte p = ref _counters[pair * Slots];
            // The slots with a count: the zero bytes' compare, as a mask.
            Vector128<byte> low = Vector128.LoadUnsafe(ref p), high = Vector128.LoadUnsafe(ref p, 16);
            uint used = ~(Vector128.Equals(low, Vector128<byte>.Zero).ExtractMostSignificantBits()
                | Vector128.Equals(high, Vector128<byte>.Zero).ExtractMostSignificantBits() << 16);
            for (; used != 0; used &= used - 1)
            {
                int s = System.Numerics.BitOperations.TrailingZeroCount(used);
                counts[(s < OperandClassMask.FiniteBits ? firstA : firstB) + s] += Unsafe.Add(ref p, s);
            }
            Vector128<byte>.Zero.StoreUnsafe(ref p);
            Vector128<byte>.Zero.StoreUnsafe(ref p, 16);
        }
        _pairs = 0;
    }
}
