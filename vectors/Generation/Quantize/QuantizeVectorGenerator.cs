using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation.Quantize;

/// <summary>What <see cref="QuantizeVectorGenerator"/> produces: element formats, deterministic modes, k, policy.</summary>
public sealed record QuantizeGeneratorOptions : SectionedOptions
{
    /// <summary>Element formats of <see cref="StandardFormats.Elements"/> (the line codec writes their codes).</summary>
    public required IReadOnlyList<NumberFormat> Formats { get; init; }
    public required IReadOnlyList<RoundingMode> Modes { get; init; }
    public int Block { get; init; } = 32;
    /// <summary>Everything but the rounding mode, which is per vector.</summary>
    public QuantizationPolicy Policy { get; init; } = QuantizationPolicy.Default;
}

/// <summary>
/// Quantize vectors (<c>op = quantize</c>, line <c>FMT RM V S P</c>): k FP32 inputs and the golden quantizer's scale
/// and element codes. Like <see cref="DotVectorGenerator"/>, vector i is a pure function of (options, i): corner
/// vectors first — per format and mode, block maxima at the binade bottom, at max normal·2^S, just below the next
/// binade (saturation) and half an element ulp above max normal, for shared exponents 0, −30, 90, the top and the
/// clamp (−127) and below it, with the other elements exactly on the element grid, on its ties, one FP32 ulp below
/// and above a tie, and one FP32 ulp above a grid point; then special blocks (zeros, ±0, NaN, sNaN, ±Inf, FP32
/// subnormals, FP32 max); then weighted random blocks.
/// </summary>
public sealed class QuantizeVectorGenerator : ISectionedGenerator<QuantizeVector>
{
    private const int MaxKinds = 4, OffsetKinds = 5, SpecialBlocks = 10;
    private const ulong CornerStreams = 1UL << 62;

    public QuantizeGeneratorOptions Options { get; }
    public IReadOnlyList<VectorSection> Sections { get; }
    public long Total { get; }
    public long ShardStart { get; }
    public long ShardEnd { get; }
    private readonly long _cornerCount;

    public QuantizeVectorGenerator(QuantizeGeneratorOptions o)
    {
        if (o.Formats.Count == 0 || o.Modes.Count == 0) throw new ArgumentException("need at least one format and one rounding mode");
        if (o.Modes.Any(m => RoundingModes.FromCode((int)m) is null)) throw new ArgumentException("quantize vectors take the deterministic modes only");
        if (o.Formats.FirstOrDefault(f => StandardFormats.ElementCode(f) < 0) is { } bad)
            throw new ArgumentException($"{bad.Name} is not an element format; valid: {string.Join(", ", StandardFormats.Elements.Select(e => e.Name))}");
        if (o.Block is < 1 or > 4096) throw new ArgumentException($"block must be 1..4096, got {o.Block}");
        o.CheckRun();
        Options = o;
        var sections = new List<VectorSection>();
        _cornerCount = o.Corners ? (long)o.Formats.Count * o.Modes.Count * VariantsPerCell : 0;
        if (_cornerCount > 0) sections.Add(new VectorSection("quantize/corners", 0, _cornerCount));
        if (o.Random && o.Count > 0) sections.Add(new VectorSection("quantize/random", _cornerCount, o.Count));
        Sections = sections;
        Total = _cornerCount + (o.Random ? o.Count : 0);
        (ShardStart, ShardEnd) = o.ShardOf(Total);
    }

    private static readonly int[] SharedExponents = [0, -30, 90, int.MaxValue /* top */, -127, -132];
    private static int VariantsPerCell => MaxKinds * OffsetKinds * SharedExponents.Length + SpecialBlocks;

    public MxvHeader Header(string? command = null) => new()
    {
        Op = MxvHeader.OpQuantize, Block = Options.Block, Quantization = QuantizePolicyText.Format(Options.Policy),
        FormatsA = DotVectorGenerator.FormatNames(Options.Formats), Rounding = DotVectorGenerator.ModeNames(Options.Modes),
        Sets = [.. Options.Corners ? ["corners"] : Array.Empty<string>(), .. Options.Random ? ["random"] : Array.Empty<string>()],
        Count = Options.Random ? Options.Count : null, Seed = Options.Seed,
        Shard = Options.ShardText,
        Generator = DotVectorGenerator.Version, Command = command,
    };

    /// <summary>Vector <paramref name="index"/>: inputs and the golden quantizer's expected scale and codes.</summary>
    public void Generate(long index, QuantizeVector q)
    {
        if (q.K != Options.Block) throw new ArgumentException($"vector has k = {q.K}, the run's block is {Options.Block}");
        if (index < _cornerCount)
        {
            int modes = Options.Modes.Count;
            q.Rounding = Options.Modes[(int)(index % modes)];
            long rest = index / modes;
            int variant = (int)(rest % VariantsPerCell);
            q.Format = Options.Formats[(int)(rest / VariantsPerCell)];
            var rng = MxRandom.ForStream(Options.Seed, CornerStreams + (ulong)index);
            Corner(q, variant, ref rng);
        }
        else
        {
            var rng = MxRandom.ForStream(Options.Seed, (ulong)(index - _cornerCount));
            q.Format = Options.Formats[rng.NextInt(0, Options.Formats.Count)];
            q.Rounding = Options.Modes[rng.NextInt(0, Options.Modes.Count)];
            RandomBlock(q, ref rng);
        }
        q.SetExpected(Options.Policy);
    }

    private static void Corner(QuantizeVector q, int variant, ref MxRandom rng)
    {
        var f = q.Format;
        var e = ElementCodes.For(f);
        int grid = MaxKinds * OffsetKinds * SharedExponents.Length;
        if (variant >= grid) { Special(q, variant - grid, e, ref rng); return; }
        int maxKind = variant % MaxKinds, offsetKind = variant / MaxKinds % OffsetKinds;
        int s = SharedExponents[variant / (MaxKinds * OffsetKinds)];
        if (s == int.MaxValue) s = 127 - f.Emax; // the top FP32 binade holds the block maximum
        var (maxSig, maxExp) = f.MaxFinite;
        uint? max = maxKind switch
        {
            0 => Fp32(false, 1, s + f.Emax),
            1 => Fp32(false, maxSig, maxExp + s),
            2 => Fp32(false, (1UL << 24) - 1, s + f.Emax + 1 - 24),
            _ => Fp32(false, 2 * maxSig + 1, maxExp - 1 + s),
        };
        for (int i = 0; i < q.K; i++)
        {
            byte code = e.PositiveFinite[rng.NextInt(0, e.PositiveFinite.Count)];
            var d = Codec.Decode(f, code);
            uint? v = offsetKind switch
            {
                0 => Fp32(false, d.Significand, d.Exponent + s),               // on the grid
                1 => Fp32(false, 2 * d.Significand + 1, d.Exponent - 1 + s),   // a tie
                2 => Fp32(false, 2 * d.Significand + 1, d.Exponent - 1 + s) - 1, // one FP32 ulp below the tie
                3 => Fp32(false, 2 * d.Significand + 1, d.Exponent - 1 + s) + 1, // one FP32 ulp above it
                _ => Fp32(false, d.Significand, d.Exponent + s) + 1,           // just above a grid point (sticky only)
            };
            q.V[i] = (v ?? 0) | (rng.NextBool() ? 0x80000000u : 0);
        }
        q.V[rng.NextInt(0, q.K)] = (max ?? Fp32(false, 1, s + f.Emax) ?? 0x3F800000) | (rng.NextBool() ? 0x80000000u : 0);
    }

    private static void Special(QuantizeVector q, int which, ElementCodes e, ref MxRandom rng)
    {
        for (int i = 0; i < q.K; i++)
        {
            var d = Codec.Decode(e.Format, e.PositiveFinite[rng.NextInt(0, e.PositiveFinite.Count)]);
            q.V[i] = (Fp32(false, d.Significand, d.Exponent) ?? 0) | (rng.NextBool() ? 0x80000000u : 0);
        }
        int slot = rng.NextInt(0, q.K);
        switch (which)
        {
            case 0: Array.Fill(q.V, 0u); break;
            case 1: Array.Fill(q.V, 0x80000000u); break;
            case 2: q.V[slot] = 0x7FC00000; break;
            case 3: q.V[slot] = 0x7F800000; break;
            case 4: q.V[slot] = 0xFF800000; break;
            case 5: q.V[slot] = 0x7FA00000; break;
            case 6: q.V[slot] = 0x7F800000; q.V[(slot + 1) % q.K] = 0xFF800000; break;
            case 7: for (int i = 0; i < q.K; i++) q.V[i] = (uint)(rng.NextUInt64() & 0x807FFFFF); break; // FP32 subnormals
            case 8: q.V[slot] = 0x7F7FFFFF; break;                                                     // FP32 max
            default: Array.Fill(q.V, 0u); q.V[slot] = 1; break;                                        // one min subnormal
        }
    }

    /// <summary>
    /// A weighted random block: a base exponent (anywhere in FP32, near 1, or at the extremes), elements up to ~30
    /// binades below it with patterned significands, some zeros, rarely a NaN, Inf or FP32 subnormal.
    /// </summary>
    internal static void RandomBlock(QuantizeVector q, ref MxRandom rng) => RandomBlock(q.V, ref rng);

    /// <summary>As above, into any k FP32 inputs (the quantize-bdr generator's random blocks).</summary>
    internal static void RandomBlock(Span<uint> v, ref MxRandom rng)
    {
        ulong sel = rng.NextBelow(100);
        int baseExp = sel < 60 ? rng.NextInt(-130, 128) : sel < 80 ? rng.NextInt(-10, 11) : sel < 90 ? rng.NextInt(-149, -118) : rng.NextInt(110, 128);
        int spread = rng.NextBool() ? 4 : 30;
        bool special = rng.NextBelow(25) == 0;
        for (int i = 0; i < v.Length; i++)
        {
            ulong r = rng.NextUInt64();
            uint sign = (r >> 63) != 0 ? 0x80000000u : 0;
            if ((r & 15) == 0) { v[i] = sign; continue; } // zeros
            int exp = Math.Max(-149, baseExp - (int)((r >> 4) % (ulong)(spread + 1)));
            uint sig = (uint)((r >> 20) % 5) switch
            {
                0 => 0,
                1 => 0x7FFFFF,
                2 => 1u << (int)((r >> 24) % 23),
                3 => (0x7FFFFFu << (int)((r >> 24) % 23)) & 0x7FFFFF,
                _ => (uint)(r >> 32) & 0x7FFFFF,
            };
            v[i] = sign | (exp < -126 ? (sig | 0x800000) >> Math.Min(24, -126 - exp) : ((uint)(exp + 127) << 23) | sig);
        }
        if (special)
            v[rng.NextInt(0, v.Length)] = rng.NextInt(0, 4) switch { 0 => 0x7FC00000, 1 => 0x7F800000, 2 => 0xFF800000, _ => 0x7FA00000 };
    }

    private static uint? Fp32(bool negative, ulong sig, int exp) => Fp32Values.Encode(StandardFormats.Fp32, negative, sig, exp);
}
