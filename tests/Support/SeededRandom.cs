using MxRef.Random;

namespace MxRef.Tests.Support;

/// <summary>
/// The project's own generator (<see cref="MxRandom"/>) behind the three calls test data needs, so that test inputs are
/// the same bytes on every machine and runtime (System.Random's sequence is not specified across .NET versions).
/// </summary>
public sealed class SeededRandom(ulong seed)
{
    private MxRandom _rng = new(seed);

    /// <summary>A non-negative int below 2^31.</summary>
    public int Next() => (int)(_rng.NextUInt32() >> 1);

    /// <summary>An int in [0, maxExclusive).</summary>
    public int Next(int maxExclusive) => _rng.NextInt(0, maxExclusive);

    /// <summary>An int in [minInclusive, maxExclusive).</summary>
    public int Next(int minInclusive, int maxExclusive) => _rng.NextInt(minInclusive, maxExclusive);
}
