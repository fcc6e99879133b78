using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation.Decode;

/// <summary>What a decode vector run makes (docs/vectors.md, "Decode vectors").</summary>
public sealed record DecodeGeneratorOptions : SectionedOptions
{
    public required IReadOnlyList<NumberFormat> Formats { get; init; }
    public required IReadOnlyList<RoundingMode> Modes { get; init; }
    public int Block { get; init; } = 32;
    public NumberFormat Output { get; init; } = StandardFormats.Fp32;
    public NumberFormat Scale { get; init; } = StandardFormats.E8M0;
    public ImplementationProfile Profile { get; init; } = ImplementationProfile.Default;
}

/// <summary>
/// Decode vectors: every element code of every format under the scales that matter for the output format (both ends
/// of the scale range, the unit scale, the NaN scale, and the scales that put the format's largest value at the
/// output's overflow threshold and its smallest at the output's underflow threshold), under every mode; then seeded
/// random blocks. Vector i is a pure function of the options and i.
/// </summary>
public sealed class DecodeVectorGenerator : ISectionedGenerator<DecodeVector>
{
    public const string Version = "mxref-decode/1";
    private const ulong RandomStreams = 1UL << 61;

    private readonly (NumberFormat Format, uint Scale, int Chunk)[] _cells;
    public DecodeGeneratorOptions Options { get; }
    public IReadOnlyList<VectorSection> Sections { get; }
    public long Total { get; }
    public long ShardStart { get; }
    public long ShardEnd { get; }
    private readonly long _corners;
    private readonly uint[][] _scalesOf;

    public DecodeVectorGenerator(DecodeGeneratorOptions options)
    {
        if (options.Formats.Count == 0 || options.Modes.Count == 0) throw new ArgumentException("decode vectors need at least one element format and one mode");
        if (options.Block is < 1 or > 4096) throw new ArgumentException($"block {options.Block} is outside 1..4096");
        if (MxDecode.CheckProfile(options.Profile) is { } error) throw new ArgumentException(error);
        options.CheckRun();
        Options = options;
        var scales = ScaleCodec.For(options.Scale);
        _scalesOf = options.Formats.Select(f => InterestingScales(f, scales, options.Output)).ToArray();
        var cells = new List<(NumberFormat, uint, int)>();
        if (options.Corners)
            for (int f = 0; f < options.Formats.Count; f++)
            {
                var format = options.Formats[f];
                int chunks = (int)((1u << format.Bits) + (uint)options.Block - 1) / options.Block;
                foreach (uint s in _scalesOf[f])
                    for (int c = 0; c < chunks; c++) cells.Add((format, s, c));
            }
        _cells = cells.ToArray();
        _corners = (long)_cells.Length * options.Modes.Count;
        var sections = new List<VectorSection>();
        if (options.Corners) sections.Add(new VectorSection("corners/codes-by-scale", 0, _corners));
        if (options.Random) sections.Add(new VectorSection("random", _corners, options.Count));
        Sections = sections;
        Total = _corners + (options.Random ? options.Count : 0);
        (ShardStart, ShardEnd) = options.ShardOf(Total);
    }

    /// <summary>
    /// The scale codes of one format's corner set: 2^−127…2^−125, 2^0, 2^125…2^127 (E8M0 ends), NaN, and every scale
    /// within two binades of putting the format's largest value at the output's largest binade or its smallest
    /// subnormal at the output's smallest. A scale format that is not a power of two (UE4M3) contributes all its codes.
    /// </summary>
    public static uint[] InterestingScales(NumberFormat element, ScaleCodec scales, NumberFormat output)
    {
        if (!scales.IsPowerOfTwo) return Enumerable.Range(0, (int)scales.MaxCode + 1).Select(c => (uint)c).ToArray();
        var exps = new SortedSet<int> { scales.MinExponent, scales.MinExponent + 1, scales.MinExponent + 2, 0, scales.MaxExponent - 2, scales.MaxExponent - 1, scales.MaxExponent };
        int elementTop = element.MaxFinite.Exponent + BitLength(element.MaxFinite.Significand) - 1;
        int elementBottom = element.QuantumExponent;
        for (int d = -2; d <= 2; d++)
        {
            exps.Add(output.Emax - elementTop + d);
            exps.Add(output.QuantumExponent - elementBottom + d);
            exps.Add(output.Emin - elementBottom + d);
        }
        var codes = exps.Where(e => e >= scales.MinExponent && e <= scales.MaxExponent).Select(scales.FromExponent).ToList();
        codes.Add(scales.NanCode);
        return codes.ToArray();
    }

    private static int BitLength(ulong v) => 64 - System.Numerics.BitOperations.LeadingZeroCount(v);

    /// <summary>Fills <paramref name="v"/> with vector <paramref name="index"/> and its expected results.</summary>
    public void Generate(long index, DecodeVector v)
    {
        var o = Options;
        v.Scales = ScaleCodec.For(o.Scale);
        if (index < _corners)
        {
            var (format, scale, chunk) = _cells[index / o.Modes.Count];
            v.Format = format;
            v.Scale = (byte)scale;
            v.Rounding = o.Modes[(int)(index % o.Modes.Count)];
            uint codes = 1u << format.Bits;
            for (int i = 0; i < v.K; i++) v.A[i] = (byte)((uint)(chunk * o.Block + i) % codes);
        }
        else
        {
            var rng = MxRandom.ForStream(o.Seed, RandomStreams + (ulong)(index - _corners));
            int f = rng.NextInt(0, o.Formats.Count);
            v.Format = o.Formats[f];
            v.Rounding = o.Modes[rng.NextInt(0, o.Modes.Count)];
            // Half the blocks near a corner scale (one binade either way), half anywhere in the scale range.
            var corner = _scalesOf[f];
            uint s = rng.NextBool() ? corner[rng.NextInt(0, corner.Length)] : (uint)rng.NextInt(0, (int)v.Scales.MaxCode + 1);
            if (v.Scales.IsPowerOfTwo && s != v.Scales.NanCode) s = (uint)Math.Clamp((int)s + rng.NextInt(-1, 2), 0, (int)v.Scales.MaxCode - 1);
            v.Scale = (byte)s;
            for (int i = 0; i < v.K; i++) v.A[i] = (byte)rng.NextBits(v.Format.Bits);
        }
        v.Flags = v.Evaluate(o.Output, o.Profile, v.D);
    }

    /// <summary>The file header of this run.</summary>
    public MxvHeader Header(string? command = null)
    {
        var o = Options;
        var sets = new List<string>();
        if (o.Corners) sets.Add("corners");
        if (o.Random) sets.Add("random");
        return new MxvHeader
        {
            Op = MxvHeader.OpDecode, Block = o.Block, Output = o.Output.Name, Scale = o.Scale == StandardFormats.E8M0 ? null : o.Scale.Name,
            Profile = o.Profile.IsDefault ? null : o.Profile.ToString(),
            FormatsA = DotVectorGenerator.FormatNames(o.Formats), Rounding = DotVectorGenerator.ModeNames(o.Modes), Sets = sets,
            Count = o.Random ? o.Count : null, Seed = o.Seed, Shard = o.ShardText,
            Generator = Version, Command = command,
        };
    }
}
