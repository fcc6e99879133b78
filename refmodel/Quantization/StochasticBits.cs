using MxRef.Random;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// The random bits of stochastic rounding for a run of blocks, one entry per input value: given by the caller, or
/// drawn from <c>MxRandom(policy.StochasticSeed)</c> — the top <c>StochasticWidth</c> bits of each 64-bit output, in
/// input order (docs/quantization.md). Empty for the deterministic modes.
/// </summary>
internal ref struct StochasticBits
{
    private readonly bool _active;
    private readonly ReadOnlySpan<uint> _given;
    private readonly Span<uint> _drawn;
    private readonly int _width;
    private MxRandom _rng;

    public StochasticBits(QuantizationPolicy policy, ReadOnlySpan<uint> given, int inputLength, int blockSize)
    {
        _active = policy.Rounding == RoundingMode.Stochastic;
        if (_active && !given.IsEmpty && given.Length < inputLength)
            throw new ArgumentException("randomBits needs one entry per input value", nameof(given));
        _given = given;
        _drawn = _active && given.IsEmpty ? new uint[blockSize] : default;
        _width = policy.StochasticWidth;
        _rng = new MxRandom(policy.StochasticSeed);
    }

    /// <summary>The bits for the inputs [start, start + count); call once per block, in order.</summary>
    public ReadOnlySpan<uint> ForBlock(int start, int count)
    {
        if (!_active) return default;
        if (!_given.IsEmpty) return _given.Slice(start, count);
        for (int i = 0; i < count; i++) _drawn[i] = (uint)_rng.NextBits(_width);
        return _drawn[..count];
    }
}
