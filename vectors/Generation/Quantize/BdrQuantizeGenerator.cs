using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation.Quantize;

/// <summary>What <see cref="BdrQuantizeGenerator"/> produces: one shared-microexponent block format, modes, policy, sets.</summary>
public sealed record BdrQuantizeGeneratorOptions : SectionedOptions
{
    public required BlockFormat Format { get; init; }
    public required IReadOnlyList<RoundingMode> Modes { get; init; }
    /// <summary>Everything but the rounding mode, which is per vector (the floor rule only).</summary>
    public QuantizationPolicy Policy { get; init; } = QuantizationPolicy.Default;
    /// <summary>The recipe named in the header (conformance files), or null for a policy file; either way the expected codes are <see cref="Recipe.Ocp"/>'s.</summary>
    public Recipe? Recipe { get; init; }
}

/// <summary>
/// Shared-microexponent quantize vectors (<c>op = quantize-bdr</c>, line <c>RM V S M P</c>): one block of k1 FP32
/// inputs and the golden quantizer's block exponent, microexponents and element codes. Vector i is a pure function of
/// (options, i): first the <see cref="BdrCorners"/> classes, each block under every mode, then weighted random blocks
/// (<see cref="QuantizeVectorGenerator"/>'s block distribution) with a random mode.
/// </summary>
public sealed class BdrQuantizeGenerator : ISectionedGenerator<BdrQuantizeVector>
{
    public const string Version = "mxref-quantize-bdr/1";
    private const ulong RandomStreams = 1UL << 60;

    public BdrQuantizeGeneratorOptions Options { get; }
    public IReadOnlyList<VectorSection> Sections { get; }
    public long Total { get; }
    public long ShardStart { get; }
    public long ShardEnd { get; }
    private readonly uint[][] _corners;
    private readonly long _cornerCount;

    public BdrQuantizeGenerator(BdrQuantizeGeneratorOptions o)
    {
        if (BdrQuantizeLine.Unsupported(o.Format) is { } why) throw new ArgumentException(why);
        if (o.Modes.Count == 0) throw new ArgumentException("need at least one rounding mode");
        if (o.Modes.Any(m => RoundingModes.FromCode((int)m) is null)) throw new ArgumentException("quantize-bdr vectors take the deterministic modes only");
        if (o.Policy.ScaleRule != ScaleRule.Floor) throw new ArgumentException("shared-microexponent formats use the floor rule only (--scale-rule floor)");
        var recipe = o.Recipe ?? MxRef.Quantization.Recipe.Ocp;
        if (recipe.WhyNot(o.Format) is { } not) throw new ArgumentException(not);
        o.CheckRun();
        Options = o;
        var sections = new List<VectorSection>();
        var blocks = new List<uint[]>();
        if (o.Corners)
            foreach (var c in BdrCorners.For(o.Format, o.Seed))
            {
                sections.Add(new VectorSection("quantize-bdr/" + c.Name, (long)blocks.Count * o.Modes.Count, (long)c.Blocks.Count * o.Modes.Count));
                blocks.AddRange(c.Blocks);
            }
        _corners = [.. blocks];
        _cornerCount = (long)blocks.Count * o.Modes.Count;
        if (o.Random && o.Count > 0) sections.Add(new VectorSection("quantize-bdr/random-blocks", _cornerCount, o.Count));
        Sections = sections;
        Total = _cornerCount + (o.Random ? o.Count : 0);
        (ShardStart, ShardEnd) = o.ShardOf(Total);
    }

    public MxvHeader Header(string? command = null) => new()
    {
        Op = MxvHeader.OpQuantizeBdr, Block = Options.Format.BlockSize, BlockFormat = Options.Format.Name,
        Quantization = Options.Recipe is null ? QuantizePolicyText.Format(Options.Policy) : null, Recipe = Options.Recipe?.Name,
        Rounding = DotVectorGenerator.ModeNames(Options.Modes),
        Sets = [.. Options.Corners ? BdrCorners.Names : [], .. Options.Random && Options.Count > 0 ? ["random-blocks"] : Array.Empty<string>()],
        Count = Options.Random ? Options.Count : null, Seed = Options.Seed,
        Shard = Options.ShardText,
        Generator = Version, Command = command,
    };

    /// <summary>Vector <paramref name="index"/>: inputs and the golden quantizer's expected S, M and P.</summary>
    public void Generate(long index, BdrQuantizeVector q)
    {
        if (q.Format != Options.Format) throw new ArgumentException($"vector is {q.Format.Name}, the run's format is {Options.Format.Name}");
        if (index < _cornerCount)
        {
            int modes = Options.Modes.Count;
            q.Rounding = Options.Modes[(int)(index % modes)];
            _corners[index / modes].CopyTo(q.V, 0);
        }
        else
        {
            var rng = MxRandom.ForStream(Options.Seed, RandomStreams + (ulong)(index - _cornerCount));
            q.Rounding = Options.Modes[rng.NextInt(0, Options.Modes.Count)];
            QuantizeVectorGenerator.RandomBlock(q.V, ref rng);
        }
        q.SetExpected(Options.Policy);
    }
}

/// <summary>Runs the golden quantizer (<see cref="BlockQuantizer"/> under <see cref="Recipe.Ocp"/>, i.e. <see cref="BdrQuantizer"/>) on a quantize-bdr vector.</summary>
public static class BdrQuantizeEvaluation
{
    /// <summary>The expected block of <paramref name="q"/>'s inputs under <paramref name="policy"/> with the line's rounding mode.</summary>
    public static QuantizedTensor Evaluate(this BdrQuantizeVector q, QuantizationPolicy policy) =>
        BlockQuantizer.Quantize(q.Format, Recipe.Ocp, q.V, new QuantizeOptions { Policy = policy with { Rounding = q.Rounding } });

    /// <summary>Sets the vector's expected S, M and P.</summary>
    public static void SetExpected(this BdrQuantizeVector q, QuantizationPolicy policy)
    {
        var t = q.Evaluate(policy);
        q.Scale = t.Scales[0];
        t.Microexponents.AsSpan(0, q.Micro.Length).CopyTo(q.Micro);
        for (int i = 0; i < q.K; i++) q.P[i] = t.Elements[i];
    }

    /// <summary>Whether the vector's S, M and P are those of <paramref name="t"/>.</summary>
    public static bool Matches(this BdrQuantizeVector q, QuantizedTensor t)
    {
        if (t.Scales[0] != q.Scale || !t.Microexponents.AsSpan(0, q.Micro.Length).SequenceEqual(q.Micro)) return false;
        for (int i = 0; i < q.K; i++)
            if (t.Elements[i] != q.P[i]) return false;
        return true;
    }

    /// <summary>The policy of a quantize-bdr file: its header's <c>quantization</c> (the OCP default without one).</summary>
    public static QuantizationPolicy PolicyOf(MxvHeader h, string file)
    {
        if (h.Recipe is not null)
        {
            var r = MxRef.Quantization.Recipe.TryParse(h.Recipe)
                ?? throw new MxvFormatException(file, 1, "header.recipe", $"recipe '{h.Recipe}' is unknown; valid: {MxRef.Quantization.Recipe.ValidNames}");
            if (r.WhyNot(h.BdrQuantizeFormat!) is { } why) throw new MxvFormatException(file, 1, "header.recipe", why);
        }
        QuantizationPolicy p;
        try { p = QuantizePolicyText.Parse(h.Quantization); }
        catch (FormatException e) { throw new MxvFormatException(file, 1, "header.quantization", e.Message); }
        if (p.ScaleRule != ScaleRule.Floor) throw new MxvFormatException(file, 1, "header.quantization", "shared-microexponent formats use the floor rule only");
        return p;
    }
}
