using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// A memo of the rounding core for one (element format, deterministic rounding context), so that quantization
/// reaches its speed target without a second rounding routine. Every entry is <see cref="RoundingCore.Round"/>'s
/// own result; the table only exploits what any rounding depends on.
/// <para>
/// For a normal FP32 input v and shared exponent s, the rounded code of v / 2^s depends only on: the sign; the
/// binade rel = floor(log2 |v|) − s; the first K fraction bits below the leading one (K = the format's fraction bits
/// kept at its largest binade + 1 round bit); and whether any lower fraction bit is set (sticky). The entry for a key
/// is the core's result for the representative (1.key | sticky-bit) × 2^rel. Binades below Q − 2 (Q = exponent of the
/// smallest subnormal) round like Q − 2 (every bit is then below the round bit), binades above emax + 1 like
/// emax + 1 (saturation under <see cref="OverflowPolicy.Saturate"/>), so rel is clamped to that range.
/// </para>
/// Stochastic rounding depends on all discarded bits and is never tabulated; zero and FP32 subnormal inputs go to the
/// core directly.
/// </summary>
internal sealed class RoundingTable
{
    private const int MaxKeyBits = 9;
    private static readonly ConcurrentDictionary<(NumberFormat, RoundingContext), RoundingTable?> Cache = new();

    private readonly uint[] _codes;
    private readonly int _keyBits, _relMin, _relMax, _relCount;
    private readonly uint _stickyMask;

    /// <summary>
    /// The block view of the same entries, for formats whose codes fit a byte: one row per t = FP32 exponent field −
    /// shared + <see cref="WideOffset"/>, so that a block's rows are addressed from the input bits with one add and no
    /// clamp. Entry [t][key][sign][sticky] is the clamped table's entry for rel = t − WideOffset − 127 (the same clamp
    /// as <see cref="Round"/>); null for wider codes.
    /// </summary>
    private readonly byte[]? _wide;
    private readonly int _keyShift;
    /// <summary>Largest |shared exponent| the block view covers: every scale format of at most 8 bits is inside it.</summary>
    public const int MaxBlockShared = 255;
    /// <summary>t = field − shared + WideOffset for every exponent field 0..255 (zero, subnormal, Inf and NaN rows hold
    /// entries no caller uses: it tests for normal inputs, so the index is in range for any input bits).</summary>
    private const int WideOffset = MaxBlockShared, WideRows = 255 + 2 * MaxBlockShared + 1;
    /// <summary>Bytes after the block view's last entry, so that a 4-byte gather at any entry stays inside the array.</summary>
    private const int GatherSlack = 3;

    /// <summary>
    /// The whole clamped table in two 64-byte registers, when it has at most 128 byte entries (E2M1: 7 binades × 4 keys
    /// × sign × sticky = 112) and its end rows (rel = relMin, relMax) do not depend on the key: entry
    /// [(rel − relMin) · 2^keyBits + key][sign][sticky], so that clamping (binade, key) as one number clamps rel. A
    /// block's codes are then one byte permutation per 16 values (AVX-512 VBMI) instead of two gathers.
    /// </summary>
    private readonly Vector512<byte> _compactLow, _compactHigh;
    private readonly bool _compact;
    private const int CompactEntries = 128;

    private RoundingTable(NumberFormat f, RoundingContext ctx, int keyBits, int relMin, int relMax)
    {
        (_keyBits, _relMin, _relMax) = (keyBits, relMin, relMax);
        _relCount = relMax - relMin + 1;
        _stickyMask = (1u << (23 - keyBits)) - 1;
        _codes = new uint[2 * _relCount << (keyBits + 1)];
        for (int sign = 0; sign < 2; sign++)
            for (int rel = relMin; rel <= relMax; rel++)
                for (uint key = 0; key < 1u << keyBits; key++)
                    for (uint sticky = 0; sticky < 2; sticky++)
                    {
                        ulong magnitude = ((((1UL << keyBits) | key) << 1) | sticky);
                        _codes[Index(sign, rel, key, sticky)] =
                            RoundingCore.Round(f, sign == 1, magnitude, rel - keyBits - 1, false, ctx).Code;
                    }
        _keyShift = 23 - keyBits;
        if (f.Bits <= 8)
        {
            // Pinned, with GatherSlack bytes after the last entry: BlockRows.RoundAll reads 4 bytes at each entry.
            _wide = GC.AllocateArray<byte>((WideRows << (keyBits + 2)) + GatherSlack, pinned: true);
            for (int t = 0; t < WideRows; t++)
            {
                int rel = Math.Clamp(t - WideOffset - 127, relMin, relMax);
                for (uint key = 0; key < 1u << keyBits; key++)
                    for (int sign = 0; sign < 2; sign++)
                        for (uint sticky = 0; sticky < 2; sticky++)
                            _wide[(((t << keyBits) | (int)key) << 2) | (sign << 1) | (int)sticky] = (byte)_codes[Index(sign, rel, key, sticky)];
            }
            if ((_relCount << (keyBits + 2)) <= CompactEntries && EndRowsIgnoreKey())
            {
                var compact = new byte[CompactEntries];
                for (int rel = relMin; rel <= relMax; rel++)
                    for (uint key = 0; key < 1u << keyBits; key++)
                        for (int sign = 0; sign < 2; sign++)
                            for (uint sticky = 0; sticky < 2; sticky++)
                                compact[((((rel - relMin) << keyBits) | (int)key) << 2) | (sign << 1) | (int)sticky] = (byte)_codes[Index(sign, rel, key, sticky)];
                _compactLow = Vector512.Create(compact.AsSpan(0, 64));
                _compactHigh = Vector512.Create(compact.AsSpan(64, 64));
                _compact = true;
            }
        }
    }

    /// <summary>Whether the rows rel = relMin and rel = relMax hold the same entry for every key (per sign and sticky bit).</summary>
    private bool EndRowsIgnoreKey()
    {
        foreach (int rel in new[] { _relMin, _relMax })
            for (int sign = 0; sign < 2; sign++)
                for (uint sticky = 0; sticky < 2; sticky++)
                    for (uint key = 1; key < 1u << _keyBits; key++)
                        if (_codes[Index(sign, rel, key, sticky)] != _codes[Index(sign, rel, 0, sticky)]) return false;
        return true;
    }

    /// <summary>The table for a format and context, or null where none applies (stochastic, too many key bits).</summary>
    public static RoundingTable? For(NumberFormat f, in RoundingContext ctx) => Cache.GetOrAdd((f, ctx), static key =>
    {
        var (f, ctx) = key;
        if (ctx.Mode == RoundingMode.Stochastic || ctx.Overflow != OverflowPolicy.Saturate) return null;
        int keyBits = f.Kind == FormatKind.Integer ? f.Emax - f.IntegerScaleExponent + 1 : f.MantissaBits + 1;
        if (f.Kind is not (FormatKind.Float or FormatKind.Integer) || keyBits > MaxKeyBits) return null;
        return new RoundingTable(f, ctx, keyBits, f.QuantumExponent - 2, f.Emax + 1);
    });

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Index(int sign, int rel, uint key, uint sticky) =>
        ((((sign * _relCount + rel - _relMin) << _keyBits) | (int)key) << 1) | (int)sticky;

    /// <summary>Whether <see cref="RowsFor"/> applies (codes of at most 8 bits).</summary>
    public bool HasBlockView => _wide is not null;

    /// <summary>
    /// The rows of a block with shared exponent <paramref name="shared"/>: a small value (held in registers in the
    /// caller's loop) whose <see cref="BlockRows.Round"/> gives <see cref="Round"/>'s code for every FP32 normal input.
    /// </summary>
    public BlockRows RowsFor(int shared) => Math.Abs(shared) <= MaxBlockShared
        ? new BlockRows(this, _wide!, _stickyMask, _keyShift, (WideOffset - shared) << _keyBits, (BlockScan.Fp32Bias + shared + _relMin) << _keyBits)
        : throw new ArgumentOutOfRangeException(nameof(shared), $"shared exponent {shared} outside ±{MaxBlockShared}");

    /// <summary>
    /// One block's view of the table. The index of an input b is its exponent field and key bits (one shift of |b|)
    /// plus the block's row offset, then its sign and sticky bits: no clamp and no multiply.
    /// </summary>
    public readonly ref struct BlockRows
    {
        private readonly RoundingTable _table;
        private readonly ReadOnlySpan<byte> _wide;
        private readonly uint _stickyMask;
        private readonly int _keyShift, _base, _compactBase;

        internal BlockRows(RoundingTable table, byte[] wide, uint stickyMask, int keyShift, int rowBase, int compactBase)
        {
            _table = table;
            _wide = wide;
            _stickyMask = stickyMask;
            _keyShift = keyShift;
            _base = rowBase;
            _compactBase = compactBase;
        }

        /// <summary>
        /// The code of the FP32 normal <paramref name="b"/> divided by 2^shared, as the core rounds it; for any other
        /// bits some entry of the table (callers replace it).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public uint Round(uint b)
        {
            uint a = b & BlockScan.AbsMask;
            uint sticky = ((a & _stickyMask) + _stickyMask) >> _keyShift; // 1 when any bit below the key is set
            int index = (((int)(a >> _keyShift) + _base) << 2) | (int)((b >> 30) & 2) | (int)sticky;
            // In range for any b: the exponent field (0..255) minus a shared exponent within ±MaxBlockShared is a row
            // of the WideRows, and key, sign and sticky fill exactly the low keyBits + 2 bits (RowsFor checks shared).
            return Unsafe.Add(ref MemoryMarshal.GetReference(_wide), index);
        }

        /// <summary>
        /// <see cref="Round"/> for every value of <paramref name="x"/> into <paramref name="codes"/> (at least as long).
        /// With AVX2, eight values at a time: the same index arithmetic in vector lanes, then one gather of the eight
        /// entries (each read as the 4 bytes from the entry on, the table's <see cref="GatherSlack"/> keeping that
        /// inside the array, and masked to the entry's byte) — the same table entries as the scalar loop, so the same
        /// codes.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void RoundAll<T>(ReadOnlySpan<uint> x, Span<T> codes) where T : unmanaged, IBinaryInteger<T>
        {
            int i = 0;
            if (typeof(T) == typeof(byte) && _table._compact && Avx512Vbmi.IsSupported && x.Length >= Vector512<uint>.Count)
                i = PermuteAll(x, MemoryMarshal.Cast<T, byte>(codes));
            else if (Avx2.IsSupported && (typeof(T) == typeof(byte) || typeof(T) == typeof(uint)) && x.Length >= Vector256<uint>.Count)
                i = GatherAll(x, codes);
            for (; i < x.Length; i++) codes[i] = T.CreateTruncating(Round(x[i]));
        }

        /// <summary>The AVX2 part of <see cref="RoundAll"/>: whole groups of 8 values; returns how many it rounded.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private unsafe int GatherAll<T>(ReadOnlySpan<uint> x, Span<T> codes) where T : unmanaged, IBinaryInteger<T>
        {
            var abs = Vector256.Create(BlockScan.AbsMask);
            var stickyMask = Vector256.Create(_stickyMask);
            var rowBase = Vector256.Create((uint)_base);
            var two = Vector256.Create(2u);
            var low = Vector256.Create(0xFFu);
            int shift = _keyShift, n = x.Length & ~7;
            ref uint src = ref MemoryMarshal.GetReference(x);
            // The table is a pinned array (RoundingTable's constructor), so its address does not move.
            int* table = (int*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(_wide));
            for (int i = 0; i < n; i += 8)
            {
                var b = Vector256.LoadUnsafe(ref src, (nuint)i);
                var a = b & abs;
                var sticky = Vector256.ShiftRightLogical((a & stickyMask) + stickyMask, shift); // 0 or 1, as in Round
                var index = (Vector256.ShiftLeft(Vector256.ShiftRightLogical(a, shift) + rowBase, 2)) | (Vector256.ShiftRightLogical(b, 30) & two) | sticky;
                var entry = Avx2.GatherVector256(table, index.AsInt32(), 1).AsUInt32() & low;
                if (typeof(T) == typeof(uint))
                    entry.StoreUnsafe(ref Unsafe.As<T, uint>(ref MemoryMarshal.GetReference(codes)), (nuint)i);
                else
                {
                    // Eight codes of at most 8 bits: narrow the lanes to bytes and store the low 8 bytes.
                    var bytes = Vector128.Narrow(Vector128.Narrow(entry.GetLower(), entry.GetUpper()), Vector128<ushort>.Zero);
                    Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref MemoryMarshal.GetReference(codes), i)), bytes.AsUInt64().ToScalar());
                }
            }
            return n;
        }

        /// <summary>
        /// <see cref="RoundAll"/> through the compact table (AVX-512 VBMI), whole groups of 16 values; returns how many it
        /// rounded. The index is <see cref="Round"/>'s with the row taken relative to the table's lowest binade and
        /// clamped as one number with the key (the end rows ignore the key), narrowed to bytes; one two-register byte
        /// permutation reads the 16 entries.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private int PermuteAll(ReadOnlySpan<uint> x, Span<byte> codes)
        {
            var table = _table;
            var abs = Vector512.Create(BlockScan.AbsMask);
            var stickyMask = Vector512.Create(_stickyMask);
            var rowBase = Vector512.Create(_compactBase);
            var top = Vector512.Create((table._relCount << table._keyBits) - 1);
            var two = Vector512.Create(2u);
            int shift = _keyShift, n = x.Length & ~15;
            ref uint src = ref MemoryMarshal.GetReference(x);
            ref byte dst = ref MemoryMarshal.GetReference(codes);
            for (int i = 0; i < n; i += 16)
            {
                var b = Vector512.LoadUnsafe(ref src, (nuint)i);
                var a = b & abs;
                var sticky = Vector512.ShiftRightLogical((a & stickyMask) + stickyMask, shift);
                var row = Vector512.Min(Vector512.Max(Vector512.ShiftRightLogical(a, shift).AsInt32() - rowBase, Vector512<int>.Zero), top).AsUInt32();
                var index = Vector512.ShiftLeft(row, 2) | (Vector512.ShiftRightLogical(b, 30) & two) | sticky;
                var entries = Avx512Vbmi.PermuteVar64x8x2(table._compactLow, Avx512F.ConvertToVector128Byte(index).ToVector256Unsafe().ToVector512Unsafe(), table._compactHigh);
                entries.GetLower().GetLower().StoreUnsafe(ref dst, (nuint)i);
            }
            return n;
        }
    }

    /// <summary>The code of (FP32 normal <paramref name="b"/>) / 2^<paramref name="shared"/>, as the core rounds it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint Round(uint b, int shared)
    {
        int rel = Math.Clamp((int)((b >> 23) & BlockScan.Fp32ExponentFieldMax) - BlockScan.Fp32Bias - shared, _relMin, _relMax);
        uint fraction = b & 0x7FFFFF;
        uint sticky = (fraction & _stickyMask) != 0 ? 1u : 0u;
        return _codes[Index((int)(b >> 31), rel, fraction >> (23 - _keyBits), sticky)];
    }
}
