using System.Numerics;
using System.Runtime.CompilerServices;
using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>Everything fixed for one (element format, policy): computed once, used for every block.</summary>
internal sealed class MxPlan
{
    private readonly NumberFormat _element;
    private readonly QuantizationPolicy _policy;
    private readonly RoundingContext _ctx;
    private readonly int _emax;
    private readonly uint _ceilLimit;
    private readonly ScaleCodec _scale = ScaleCodec.E8M0;
    private readonly int _scaleBias;
    private readonly byte _nanScale;
    private readonly RoundingTable? _table;
    private readonly IntegerBlocks? _integer;
    private readonly FloatBlocks? _float;

    public MxPlan(NumberFormat element, QuantizationPolicy policy)
    {
        if (element.Kind is not (FormatKind.Float or FormatKind.Integer) || element.Precision > 24)
            throw new ArgumentException($"{element.Name} cannot be an MX element format (a float or integer format of at most 24 bits of precision)", nameof(element));
        policy.Validate();
        _element = element;
        _policy = policy;
        _ctx = policy.ElementContext();
        _emax = element.Emax;
        _ceilLimit = BlockScan.Normalize24(element.MaxFinite.Significand);
        _scaleBias = _scale.MaxExponent; // shared_exp is clamped to [−127, 127], the E8M0 range
        _nanScale = (byte)_scale.NanCode;
        _table = RoundingTable.For(element, _ctx);
        _integer = IntegerBlocks.For(element, _ctx);
        _float = FloatBlocks.For(element, _ctx);
    }

    /// <summary>
    /// Quantizes one block (x.Length ≤ k values) into k codes (<typeparamref name="T"/>: <c>uint</c> for the span API,
    /// <c>byte</c> for <see cref="QuantizedTensor"/>), returns the scale code.
    /// </summary>
    public byte QuantizeBlock<T>(ReadOnlySpan<uint> x, Span<T> codes, ReadOnlySpan<uint> random) where T : unmanaged, IBinaryInteger<T>
    {
        bool flush = _policy.FlushSubnormalInputs;
        var scan = BlockScan.Of(x, flush);
        if (scan.HasSpecials && !SpecialsKeepScale(scan))
        {
            codes.Clear(); // documented: element codes 0 under a NaN scale
            return _nanScale;
        }
        // saturate (gfloat): an infinite maximum clamps shared_exp to the top of the scale range.
        int shared = scan.HasInfinity && _policy.Specials == SpecialsPolicy.Saturate
            ? _scaleBias
            : BlockScan.SharedExponent(scan.MaxFinite, _emax, _policy.ScaleRule, _ceilLimit, _scaleBias);
        var table = _table;
        if (table is { HasBlockView: true } && random.IsEmpty)
        {
            // Deterministic rounding: every input through the block's rows of the memoized core (a loop without calls
            // or per-value tests), then, unless the scan found only FP32 normals, the others through the core.
            var rows = table.RowsFor(shared);
            var block = codes[..x.Length];
            rows.RoundAll(x, block);
            if (!scan.AllNormal)
                for (int i = 0; i < block.Length; i++)
                    if (!IsNormal(x[i])) block[i] = T.CreateTruncating(Other(x[i], shared, default));
        }
        else
        {
            for (int i = 0; i < x.Length; i++)
            {
                uint b = x[i];
                codes[i] = T.CreateTruncating(IsNormal(b) && table is not null
                    ? table.Round(b, shared) // normal input: the core's result, memoized
                    : Other(b, shared, random.IsEmpty ? default : random[i]));
            }
        }
        if (x.Length < codes.Length) codes[x.Length..].Clear(); // padding: +0
        return ScaleCode(shared);
    }

    /// <summary>
    /// Quantizes whole blocks of <paramref name="k"/> values laid end to end (<paramref name="x"/> holds
    /// <paramref name="scales"/>.Length × k values, deterministic rounding): the same codes as <see cref="QuantizeBlock"/>
    /// block by block. A block of FP32 normals is scanned in one vector pass and rounded through its table rows with no
    /// per-value test (an integer format's blocks by <see cref="IntegerBlocks"/>, a float format's of at most 8 bits by
    /// <see cref="FloatBlocks"/> where AVX-512 runs them, with no table); any other block takes
    /// <see cref="QuantizeBlock"/>.
    /// </summary>
    public void QuantizeWholeBlocks(ReadOnlySpan<uint> x, int k, Span<byte> scales, Span<byte> codes)
    {
        if (_integer is { } integer && IntegerBlocks.Fits(k))
        {
            for (int b = 0, start = 0; b < scales.Length; b++, start += k)
            {
                var block = x.Slice(start, k);
                var blockCodes = codes.Slice(start, k);
                uint max = IntegerBlocks.CoveredMax(block);
                if (max != 0)
                {
                    int shared = BlockScan.SharedExponent(max, _emax, _policy.ScaleRule, _ceilLimit, _scaleBias);
                    integer.Round(block, shared, blockCodes);
                    scales[b] = ScaleCode(shared);
                }
                else scales[b] = QuantizeBlock(block, blockCodes, default);
            }
            return;
        }
        if (_float is { } fp && IntegerBlocks.Fits(k))
        {
            // The integer loop's shape for the float formats' kernel, which also declines blocks by their shared
            // exponent. Kept apart: one loop choosing the kernel per block measured slower for MXINT8.
            for (int b = 0, start = 0; b < scales.Length; b++, start += k)
            {
                var block = x.Slice(start, k);
                var blockCodes = codes.Slice(start, k);
                uint max = IntegerBlocks.CoveredMax(block);
                if (max != 0)
                {
                    int shared = BlockScan.SharedExponent(max, _emax, _policy.ScaleRule, _ceilLimit, _scaleBias);
                    if (fp.Covers(max, shared))
                    {
                        fp.Round(block, shared, blockCodes);
                        scales[b] = ScaleCode(shared);
                        continue;
                    }
                }
                scales[b] = QuantizeBlock(block, blockCodes, default);
            }
            return;
        }
        var table = _table;
        bool flush = _policy.FlushSubnormalInputs;
        for (int b = 0, start = 0; b < scales.Length; b++, start += k)
        {
            var block = x.Slice(start, k);
            var blockCodes = codes.Slice(start, k);
            if (table is { HasBlockView: true } && BlockScan.AllNormalMax(block, out uint max))
            {
                int shared = BlockScan.SharedExponent(max, _emax, _policy.ScaleRule, _ceilLimit, _scaleBias);
                table.RowsFor(shared).RoundAll(block, blockCodes);
                scales[b] = ScaleCode(shared);
            }
            else scales[b] = QuantizeBlock(block, blockCodes, default);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNormal(uint b) => (b & BlockScan.AbsMask) - BlockScan.MinNormalBits < BlockScan.InfinityBits - BlockScan.MinNormalBits;

    /// <summary>An input the table does not cover (zero, FP32 subnormal, Inf, NaN, or any input under sr): the core.</summary>
    private uint Other(uint b, int shared, uint? randomBits)
    {
        if ((b & BlockScan.AbsMask) >= BlockScan.InfinityBits) return SpecialCode(b);
        var (sig, exp) = BlockScan.Split(b, _policy.FlushSubnormalInputs);
        var ctx = randomBits is { } r ? _ctx with { RandomBits = r } : _ctx;
        return RoundingCore.Round(_element, (int)b < 0, sig, exp - shared, false, ctx).Code;
    }

    /// <summary>The scale code of a shared exponent (no branch on the previous block's: neighbours share it only at random).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte ScaleCode(int shared) => (byte)_scale.FromExponent(shared);

    /// <summary>Whether a block with NaN/Inf keeps a finite scale under the policy (see <see cref="SpecialsPolicy"/>).</summary>
    private bool SpecialsKeepScale(BlockScan scan) => _policy.Specials switch
    {
        SpecialsPolicy.Preserve => (!scan.HasNan || _element.HasNan) && (!scan.HasInfinity || _element.HasInfinity),
        SpecialsPolicy.Saturate => !scan.HasNan,
        _ => false,
    };

    private uint SpecialCode(uint b)
    {
        bool negative = (int)b < 0;
        if ((b & BlockScan.AbsMask) > BlockScan.InfinityBits) return _element.CanonicalNanCode;
        return _policy.Specials == SpecialsPolicy.Saturate
            ? RoundingCore.MaxFiniteCode(_element, negative, _ctx)
            : (negative ? _element.NegativeZeroCode : 0u) | _element.InfinityCode;
    }
}
