using MxRef.DropBack;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Random;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation.Regen;

/// <summary>What <see cref="RegenVectorGenerator"/> produces: block formats (one k, E8M0 scales), the recipe, the draws.</summary>
public sealed record RegenGeneratorOptions : SectionedOptions
{
    public required IReadOnlyList<BlockFormat> Formats { get; init; }
    public Recipe Recipe { get; init; } = Recipe.Ocp;
    /// <summary>The largest n (draws per weight) the vectors use: 1 = uniform initializers only, up to 16 (Irwin–Hall).</summary>
    public int MaxTerms { get; init; } = 1;
    public int Block => Formats[0].BlockSize;
}

/// <summary>
/// DropBack regeneration vectors (<c>op = regen</c>, line <c>FMT SEED LAYER BLOCK N A MASK T S P</c>): a block of
/// regenerated weights with its tracked lanes, and the recipe's scale and codes of the merged block. Vector i is a pure
/// function of (options, i). Corner families first (each for every format): index 0, the last block (index 2^32 − 1),
/// all-ones counter and key words (every Weyl key bump wraps), all-untracked, all-tracked and one-tracked blocks, a
/// tracked outlier that raises the block scale, tracked values equal to W0, zero tracked values, extreme bounds a
/// (FP32-subnormal W0 at a = 2^−125), tracked FP32 extremes, Irwin–Hall draws (when MaxTerms &gt; 1); then weighted
/// random blocks.
/// </summary>
public sealed class RegenVectorGenerator
{
    public const string Version = "mxref-regen/1";
    private const ulong CornerStreams = 1UL << 62;
    private const int PerFamily = 8;

    private static readonly string[] Families =
    [
        "index-zero", "index-max", "counter-wrap", "all-untracked", "all-tracked", "one-tracked", "outlier-scale",
        "tracked-equals-w0", "tracked-zero", "init-bounds", "tracked-extremes", "irwin-hall",
    ];

    public RegenGeneratorOptions Options { get; }
    public IReadOnlyList<VectorSection> Sections { get; }
    public long Total { get; }
    public long ShardStart { get; }
    public long ShardEnd { get; }
    private readonly long _cornerCount;
    private readonly int _families;

    public RegenVectorGenerator(RegenGeneratorOptions o)
    {
        if (o.Formats.Count == 0) throw new ArgumentException("need at least one block format");
        foreach (var f in o.Formats)
        {
            if (f.BlockSize != o.Block) throw new ArgumentException($"all block formats of a regen file have one k: {f.Name} has {f.BlockSize}, {o.Formats[0].Name} {o.Block}");
            if (f.HasMicroexponents || !f.ScaleCodec.IsPowerOfTwo || StandardFormats.ElementCode(f.Element) < 0)
                throw new ArgumentException($"{f.Name}: regen vectors take OCP MX element formats with E8M0 scales (the mx_quant port)");
            if (o.Recipe.WhyNot(f) is { } why) throw new ArgumentException(why);
        }
        if (o.MaxTerms is < 1 or > Initializer.MaxTerms) throw new ArgumentException($"max terms must be 1..{Initializer.MaxTerms}, got {o.MaxTerms}");
        o.CheckRun();
        Options = o;
        _families = o.MaxTerms > 1 ? Families.Length : Families.Length - 1;
        var sections = new List<VectorSection>();
        long perFamily = (long)PerFamily * o.Formats.Count;
        if (o.Corners)
            for (int fam = 0; fam < _families; fam++) sections.Add(new VectorSection("regen/" + Families[fam], fam * perFamily, perFamily));
        _cornerCount = o.Corners ? _families * perFamily : 0;
        if (o.Random && o.Count > 0) sections.Add(new VectorSection("regen/random", _cornerCount, o.Count));
        Sections = sections;
        Total = _cornerCount + (o.Random ? o.Count : 0);
        (ShardStart, ShardEnd) = o.ShardOf(Total);
    }

    public MxvHeader Header(string? command = null) => new()
    {
        Op = MxvHeader.OpRegen, Block = Options.Block, Recipe = Options.Recipe.Name,
        BlockFormats = [.. Options.Formats.Select(f => f.Name)], FormatsA = [.. Options.Formats.Select(f => f.Element.Name)],
        Sets = [.. Options.Corners ? ["corners"] : Array.Empty<string>(), .. Options.Random ? ["random"] : Array.Empty<string>()],
        Count = Options.Random ? Options.Count : null, Seed = Options.Seed,
        Shard = Options.ShardText,
        Generator = Version, Command = command,
    };

    /// <summary>Vector <paramref name="index"/>: inputs and the golden model's expected scale and codes.</summary>
    public void Generate(long index, RegenVector r)
    {
        if (r.K != Options.Block) throw new ArgumentException($"vector has k = {r.K}, the run's block is {Options.Block}");
        BlockFormat f;
        if (index < _cornerCount)
        {
            int formats = Options.Formats.Count;
            int family = (int)(index / (PerFamily * formats));
            int rest = (int)(index % (PerFamily * formats));
            f = Options.Formats[rest % formats];
            var rng = MxRandom.ForStream(Options.Seed, CornerStreams + (ulong)index);
            Corner(r, Families[family], rest / formats, ref rng);
        }
        else
        {
            var rng = MxRandom.ForStream(Options.Seed, (ulong)(index - _cornerCount));
            f = Options.Formats[rng.NextInt(0, Options.Formats.Count)];
            RandomBlock(r, ref rng);
        }
        r.Format = StandardFormats.ElementCode(f.Element);
        RegenEvaluation.SetExpected(r, f, Options.Recipe);
    }

    private static readonly uint[] CommonBounds = [0x3d800000 /* 1/16 */, 0x3f800000 /* 1 */, 0x3e5db3d7 /* sqrt(3/64) */, 0x3c000000 /* 2^-7 */];

    private void Corner(RegenVector r, string family, int j, ref MxRandom rng)
    {
        ulong last = RegenVector.BlockLimit(r.K) - 1;
        r.Seed = rng.NextUInt64();
        r.Layer = rng.NextUInt32() & 0xFF;
        r.Block = (uint)rng.NextBelow(last + 1);
        r.Terms = 1;
        r.A = CommonBounds[j % CommonBounds.Length];
        Array.Fill(r.Mask, false);
        Array.Fill(r.Tracked, 0u);
        Span<uint> w0 = stackalloc uint[r.K];
        switch (family)
        {
            case "index-zero":
                r.Block = 0;
                r.Layer = j < 4 ? 0 : r.Layer;
                r.Seed = (j % 4) switch { 0 => 0, 1 => 1, 2 => ulong.MaxValue, _ => r.Seed };
                if (j % 2 == 1) Track(r, W0(r, w0), 0, ref rng);
                break;
            case "index-max":
                r.Block = (uint)last;
                r.Layer = j < 4 ? 0 : uint.MaxValue;
                if (j % 2 == 1) Track(r, W0(r, w0), r.K - 1, ref rng);
                break;
            case "counter-wrap":
                // All-ones counter and key words: every product, XOR and Weyl key bump (k + W mod 2^32) wraps; keys just
                // below the first bump's wrap (k0 = 2^32 − W0 gives 0 after one bump).
                r.Seed = (j % 4) switch
                {
                    0 => ulong.MaxValue,
                    1 => ((ulong)unchecked(0u - Philox4x32.W1) << 32) | unchecked(0u - Philox4x32.W0),
                    2 => 0x00000000FFFFFFFFUL,
                    _ => 0xFFFFFFFF00000000UL,
                };
                r.Layer = j < 4 ? uint.MaxValue : (uint)rng.NextUInt32() | 0x80000000u;
                r.Block = j % 2 == 0 ? (uint)last : (uint)(last - rng.NextBelow(16));
                break;
            case "all-untracked":
                r.Seed = rng.NextUInt64();
                r.Layer = rng.NextUInt32();
                break;
            case "all-tracked":
                W0(r, w0);
                for (int i = 0; i < r.K; i++) Track(r, w0, i, ref rng);
                break;
            case "one-tracked":
                {
                    int lane = (j % 4) switch { 0 => 0, 1 => r.K - 1, 2 => r.K / 2, _ => rng.NextInt(0, r.K) };
                    Track(r, W0(r, w0), lane, ref rng);
                    break;
                }
            case "outlier-scale":
                {
                    // One tracked lane 2^e times the block's largest |W0| (e = 1, 4, 12, 40): the block scale rises.
                    W0(r, w0);
                    int lane = rng.NextInt(0, r.K);
                    uint max = 0;
                    foreach (var w in w0) max = Math.Max(max, w & 0x7FFFFFFF);
                    int e = (j % 4) switch { 0 => 1, 1 => 4, 2 => 12, _ => 40 };
                    uint bits = (uint)Math.Min(0x7F7FFFFFL, max + ((long)e << 23));
                    r.Mask[lane] = true;
                    r.Tracked[lane] = bits | (j >= 4 ? 0x80000000u : 0);
                    break;
                }
            case "tracked-equals-w0":
                W0(r, w0);
                for (int i = 0; i < r.K; i++)
                    if (j == 0 || rng.NextBelow(4) == 0) { r.Mask[i] = true; r.Tracked[i] = w0[i]; }
                break;
            case "tracked-zero":
                {
                    uint zero = j % 2 == 0 ? 0u : 0x80000000u;
                    W0(r, w0);
                    int largest = 0;
                    for (int i = 1; i < r.K; i++) if ((w0[i] & 0x7FFFFFFF) > (w0[largest] & 0x7FFFFFFF)) largest = i;
                    for (int i = 0; i < r.K; i++)
                    {
                        bool t = (j / 2) switch { 0 => i == 0, 1 => i % 2 == 0, 2 => true, _ => i == largest };
                        if (t) { r.Mask[i] = true; r.Tracked[i] = zero; }
                    }
                    break;
                }
            case "init-bounds":
                // a = 2^-125 (W0 FP32-subnormal down to 2^-149), just above it, the largest FP32, and random a.
                r.A = (j % 4) switch { 0 => Initializer.MinScale, 1 => Initializer.MinScale + 1 + (uint)rng.NextBelow(0x7FFFFF), 2 => 0x7F7FFFFF, _ => 0x02000000 + (uint)rng.NextBelow(0x7C000000) };
                if (j >= 4) Track(r, W0(r, w0), rng.NextInt(0, r.K), ref rng);
                break;
            case "tracked-extremes":
                {
                    int lane = rng.NextInt(0, r.K);
                    r.Mask[lane] = true;
                    r.Tracked[lane] = (j % 4) switch { 0 => 0x7F7FFFFF, 1 => 1, 2 => (uint)rng.NextBelow(0x800000), _ => 0x00800000 } | (j >= 4 ? 0x80000000u : 0);
                    break;
                }
            default: // irwin-hall: n = 2 .. MaxTerms
                r.Terms = 2 + j % (Options.MaxTerms - 1);
                if (j >= 4) Track(r, W0(r, w0), rng.NextInt(0, r.K), ref rng);
                break;
        }
    }

    /// <summary>A weighted random block: seed, layer and block index anywhere (sometimes at the ends), a random bound,
    /// a tracked mask of random density and tracked values near W0, sometimes outliers, zeros or W0 itself.</summary>
    private void RandomBlock(RegenVector r, ref MxRandom rng)
    {
        ulong last = RegenVector.BlockLimit(r.K) - 1;
        ulong sel = rng.NextBelow(100);
        r.Seed = sel < 80 ? rng.NextUInt64() : sel < 90 ? rng.NextBelow(256) : ulong.MaxValue - rng.NextBelow(256);
        sel = rng.NextBelow(100);
        r.Layer = sel < 60 ? (uint)rng.NextBelow(64) : sel < 90 ? rng.NextUInt32() : uint.MaxValue - (uint)rng.NextBelow(4);
        sel = rng.NextBelow(100);
        r.Block = (uint)(sel < 50 ? rng.NextBelow(4096) : sel < 90 ? rng.NextBelow(last + 1) : last - rng.NextBelow(4));
        r.Terms = Options.MaxTerms == 1 || rng.NextBelow(10) < 7 ? 1 : rng.NextInt(2, Options.MaxTerms + 1);
        r.A = RandomBound(r.Terms, ref rng);
        Array.Fill(r.Mask, false);
        Array.Fill(r.Tracked, 0u);
        Span<uint> w0 = stackalloc uint[r.K];
        W0(r, w0);
        sel = rng.NextBelow(100);
        if (sel < 15) return;                                     // all untracked
        if (sel < 30) { Track(r, w0, rng.NextInt(0, r.K), ref rng); return; }
        ulong density = sel < 40 ? 64 : (ulong)(1 << rng.NextInt(1, 6)); // 1/64 = all, else 1/2 .. 1/32 of the lanes
        for (int i = 0; i < r.K; i++)
            if (density == 64 || rng.NextBelow(density) == 0) Track(r, w0, i, ref rng);
    }

    /// <summary>Lane <paramref name="lane"/> tracked with a value a training run could have given it.</summary>
    private static void Track(RegenVector r, ReadOnlySpan<uint> w0, int lane, ref MxRandom rng)
    {
        uint w = w0[lane];
        ulong sel = rng.NextBelow(100);
        uint v = sel switch
        {
            < 40 => w ^ (uint)rng.NextBelow(1u << rng.NextInt(1, 20)),           // a few steps of updates: low bits
            < 60 => (uint)((long)(w & 0x7FFFFFFF) + rng.NextInt(-3, 4) * (1 << 23)) & 0x7FFFFFFF | (w & 0x80000000u), // 2^±3
            < 75 => w ^ 0x80000000u,                                              // sign flipped
            < 85 => (w & 0x7FFFFFFF) + ((uint)rng.NextInt(1, 9) << 23),          // an outlier
            < 90 => w,                                                            // equal to W0
            < 95 => rng.NextBool() ? 0x80000000u : 0u,                            // zero
            _ => rng.NextUInt32() & 0xBF7FFFFF,                                   // anything finite below 2^1
        };
        if ((v & 0x7F800000) == 0x7F800000) v = (v & 0x80000000u) | 0x7F7FFFFF;  // keep it finite
        r.Mask[lane] = true;
        r.Tracked[lane] = v;
    }

    private static Span<uint> W0(RegenVector r, Span<uint> w0)
    {
        WeightRegenerator.Initial(r.Seed, r.Layer, r.MakeInitializer(), r.Start, w0);
        return w0;
    }

    /// <summary>A bound a valid for n draws: common bounds, random ones near 1, anywhere, or near the 2^−125 minimum.</summary>
    private static uint RandomBound(int n, ref MxRandom rng)
    {
        ulong sel = rng.NextBelow(100);
        uint a = sel switch
        {
            < 40 => (uint)(127 - rng.NextInt(1, 13)) << 23,
            < 80 => ((uint)rng.NextInt(0x40, 0x7F) << 23) | (uint)rng.NextBelow(0x800000),
            < 90 => Initializer.MinScale + (uint)rng.NextBelow(0x7E7FFFFF - Initializer.MinScale),
            _ => Initializer.MinScale + (uint)rng.NextBelow(0x01000000),
        };
        try { _ = new Initializer(n == 1 ? InitializerKind.Uniform : InitializerKind.IrwinHall, a, n); }
        catch (ArgumentOutOfRangeException) { a = 0x3d800000; }
        return a;
    }
}
