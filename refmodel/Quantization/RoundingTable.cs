using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
            _wide = new byte[WideRows << (keyBits + 2)];
            for (int t = 0; t < WideRows; t++)
            {
                int rel = Math.Clamp(t - WideOffset - 127, relMin, relMax);
                for (uint key = 0; key < 1u << keyBits; key++)
                    for (int sign = 0; sign < 2; sign++)
                        for (uint sticky = 0; sticky < 2; sticky++)
                            _wide[(((t << keyBits) | (int)key) << 2) | (sign << 1) | (int)sticky] = (byte)_codes[Index(sign, rel, key, sticky)];
            }
        }
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
        ? new BlockRows(_wide!, _stickyMask, _keyShift, (WideOffset - shared) << _keyBits)
        : throw new ArgumentOutOfRangeException(nameof(shared), $"shared exponent {shared} outside ±{MaxBlockShared}");

    /// <summary>
    /// One block's view of the table. The index of an input b is its exponent field and key bits (one shift of |b|)
    /// plus the block's row offset, then its sign and sticky bits: no clamp and no multiply.
    /// </summary>
    public readonly ref struct BlockRows
    {
        private readonly ReadOnlySpan<byte> _wide;
        private readonly uint _stickyMask;
        private readonly int _keyShift, _base;

        internal BlockRows(byte[] wide, uint stickyMask, int keyShift, int rowBase)
        {
            _wide = wide;
            _stickyMask = stickyMask;
            _keyShift = keyShift;
            _base = rowBase;
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
