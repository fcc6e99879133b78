using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
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
