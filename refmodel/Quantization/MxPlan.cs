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
    }

    /// <summary>Quantizes one block (x.Length ≤ k values) into k codes, returns the scale code.</summary>
    public byte QuantizeBlock(ReadOnlySpan<uint> x, Span<uint> codes, ReadOnlySpan<uint> random)
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
        var f = _element;
        var ctx = _ctx;
        bool stochastic = !random.IsEmpty;
        var table = _table;
        for (int i = 0; i < x.Length; i++)
        {
            uint b = x[i];
            uint a = b & BlockScan.AbsMask;
            if (a - BlockScan.MinNormalBits < BlockScan.InfinityBits - BlockScan.MinNormalBits && table is not null)
            {
                codes[i] = table.Round(b, shared); // normal input: the core's result, memoized
                continue;
            }
            if (a >= BlockScan.InfinityBits)
            {
                codes[i] = SpecialCode(b);
                continue;
            }
            var (sig, exp) = BlockScan.Split(b, flush);
            if (stochastic) ctx = ctx with { RandomBits = random[i] };
            codes[i] = RoundingCore.Round(f, (int)b < 0, sig, exp - shared, false, ctx).Code;
        }
        codes[x.Length..].Clear(); // padding: +0
        return (byte)_scale.FromExponent(shared);
    }

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
