using System.CommandLine;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Generation.Quantize;

namespace MxRef.Harness.Options;

/// <summary>
/// The dot-product generator's options, declared once for every command that generates vectors (<c>vectors gen</c>,
/// <c>verify</c>): their names, help, defaults, parsing into <see cref="DotGeneratorOptions"/>, the shard, and the text
/// that names a run in headers and repro commands. A command adds the set (<see cref="AddTo"/>) and binds it.
/// </summary>
public sealed class GeneratorOptionSet
{
    public Option<string> FormatsA { get; } = new("--a") { Description = "A element formats: comma list of " + ElementNames + " or 'all' (default).", DefaultValueFactory = _ => "all" };
    public Option<string> FormatsB { get; } = new("--b") { Description = "B element formats (as --a).", DefaultValueFactory = _ => "all" };
    public Option<string?> Pairs { get; } = new("--pairs") { Description = "Format pairs A:B, comma list (e.g. e4m3:e4m3,e5m2:e5m2), instead of the cross product --a x --b." };
    public Option<string> Rounding { get; } = new("--rounding", "-r") { Description = "Rounding modes: comma list of rne,rtz,rdn,rup,rna,rto or 'all' (default).", DefaultValueFactory = _ => "all" };
    /// <summary>Block size k; null where the block is the design's (verify takes it from <c>--param K</c>).</summary>
    public Option<int>? Block { get; }
    /// <summary>
    /// Output formats of D: one, a comma list or <c>all</c>; several are taken in turn by the vectors (the corner sets
    /// once per output, random vector j the (j mod n)-th). Absent: fp32 (verify's decode unit: all).
    /// </summary>
    public Option<string?> Output { get; }
    public Option<string> Accumulation { get; } = new("--acc") { Description = "Accumulation model of the golden model: " + AccumulationModel.ValidNames + " (default fused).", DefaultValueFactory = _ => "fused" };
    public Option<string?> Profile { get; } = new("--profile")
    {
        Description = "Implementation profile of the golden model: name=value,... or a JSON profile file (docs/semantics.md, \"Implementation profiles\"). Knobs: " + ImplementationProfile.ValidKnobs + ".",
    };
    public Option<long> Count { get; } = new("--count", "-n") { Description = "Number of weighted-random vectors (default 100000).", DefaultValueFactory = _ => 100_000 };
    public Option<string> Seed { get; } = new("--seed", "-s") { Description = "Generator seed (decimal or 0x hex, 64 bits; default 1).", DefaultValueFactory = _ => "1" };
    public Option<bool> Corners { get; } = new("--corners") { Description = "Deterministic corner cases of every coverage class, crossed over every format pair and mode (docs/vectors.md)." };
    public Option<bool> Random { get; } = new("--random") { Description = "--count weighted random vectors (TestFloat style). Without --corners, --random or --exhaustive: --corners --random." };
    public Option<bool> Exhaustive { get; } = new("--exhaustive") { Description = "Every code combination of the block (k*(wA+wB) <= 24 bits: k = 1, or 2 with 4/6-bit formats)." };
    /// <summary>Dot vectors of one block format: sets --a, --b, the scale format and (files) -k; a design's K must match.</summary>
    public Option<string?> BlockFormat { get; }
    public Option<string> Shard { get; } = new("--shard") { Description = "I/N: only part I (0-based) of N disjoint parts of the run, e.g. --shard 3/16 in a job array (default 0/1: all).", DefaultValueFactory = _ => "0/1" };

    private static string ElementNames => string.Join(',', StandardFormats.Elements.Select(e => e.Name));

    private GeneratorOptionSet(bool fileOptions)
    {
        BlockFormat = new Option<string?>("--block-format")
        {
            Description = "Dot vectors of one block format (e.g. nvfp4: e2m1 elements, k = 16, UE4M3 scales); sets --a, --b and " +
                          (fileOptions ? "-k" : "the scale format (the design's scale_fmt port; --param K must be the format's k)") +
                          (fileOptions ? ". mx9, mx6, mx4 (and bdr-...) write the shared-microexponent line RM SA MA A SB MB B C (docs/vector-format.md), --corners and --random only" : "") +
                          ". Valid: " + Formats.BlockFormat.ValidNames + ".",
        };
        Output = new Option<string?>("--out")
        {
            Description = "Output formats of D: fp32 (default), bf16, fp16, a comma list or 'all'; with several the vectors take them in turn " +
                          (fileOptions ? "(each line then names its own in an OUT field after C, docs/vector-format.md; --op decode: one)"
                                       : "(the design's output-format port: a --dut description's inputs.output_format; mx_dot gives fp32 only). --unit decode: default all, on rtl/mx_decode's out_fmt port") + ".",
        };
        if (!fileOptions) return;
        Block = new Option<int>("--block", "-k") { Description = "Block size k (default 32).", DefaultValueFactory = _ => 32 };
    }

    /// <summary>The set for vector files (<c>vectors gen</c>): every option, <c>--block</c> and <c>--out</c> included.</summary>
    public static GeneratorOptionSet ForFiles() => new(fileOptions: true);

    /// <summary>The set for a design (<c>verify</c>): the block size is the design's K and D is FP32.</summary>
    public static GeneratorOptionSet ForDesign() => new(fileOptions: false);

    /// <summary>Adds the options to <paramref name="command"/>, in help order.</summary>
    public void AddTo(Command command)
    {
        command.Add(FormatsA);
        command.Add(FormatsB);
        command.Add(Pairs);
        command.Add(Rounding);
        if (Block is not null) command.Add(Block);
        command.Add(Output);
        command.Add(BlockFormat);
        command.Add(Accumulation);
        command.Add(Profile);
        command.Add(Count);
        command.Add(Seed);
        command.Add(Corners);
        command.Add(Random);
        command.Add(Exhaustive);
        command.Add(Shard);
    }

    /// <summary>The accumulation model (also needed when the vectors come from files).</summary>
    public AccumulationModel BindModel(ParseResult r) =>
        AccumulationModel.TryParse(r.GetValue(Accumulation)!) ?? throw new UsageException($"unknown accumulation model '{r.GetValue(Accumulation)}' for --acc; valid: {AccumulationModel.ValidNames}");

    /// <summary>The implementation profile, or null when <c>--profile</c> was not given (a file's header then decides).</summary>
    public ImplementationProfile? BindProfile(ParseResult r) => r.GetValue(Profile) is { } text ? CliParse.Profile(text) : null;

    /// <summary><c>--pairs A:B,...</c>, or null when not given.</summary>
    public IReadOnlyList<(NumberFormat A, NumberFormat B)>? BindPairs(ParseResult r)
    {
        if (r.GetValue(Pairs) is not { } text) return null;
        var pairs = new List<(NumberFormat, NumberFormat)>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (item.Split(':') is not [var a, var b]) throw new UsageException($"--pairs: '{item}' is not A:B (e.g. e4m3:e4m3)");
            pairs.Add((CliParse.ElementFormat(a, "--pairs"), CliParse.ElementFormat(b, "--pairs")));
        }
        if (pairs.Count == 0) throw new UsageException("--pairs needs at least one A:B pair");
        return pairs;
    }

    /// <summary>
    /// <c>--out</c>: the output formats in the order given (<c>all</c>: fp32, bf16, fp16), or <paramref name="absent"/>
    /// when the option is not given (null: fp32).
    /// </summary>
    public IReadOnlyList<NumberFormat> BindOutputs(ParseResult r, IReadOnlyList<NumberFormat>? absent = null)
    {
        if (r.GetValue(Output) is not { } text) return absent ?? [StandardFormats.Fp32];
        if (text.Trim() == "all") return StandardFormats.Outputs;
        var outputs = new List<NumberFormat>();
        foreach (var name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = StandardFormats.TryParse(name);
            if (f is null || !StandardFormats.Outputs.Contains(f)) throw new UsageException($"--out: '{name}' is not an output format; valid: fp32, bf16, fp16 or all");
            if (outputs.Contains(f)) throw new UsageException($"--out names {f.Name} twice");
            outputs.Add(f);
        }
        if (outputs.Count == 0) throw new UsageException("--out needs at least one of fp32, bf16, fp16");
        return outputs;
    }

    /// <summary><c>--out</c> where one output format applies (shared-microexponent dot vectors, decode files).</summary>
    public NumberFormat BindOneOutput(ParseResult r, string what)
    {
        var outputs = BindOutputs(r);
        return outputs.Count == 1 ? outputs[0] : throw new UsageException($"--out: {what} take one output format, not {string.Join(',', outputs.Select(o => o.Name))}");
    }

    /// <summary>The shard <c>I/N</c> as (index, count).</summary>
    public (int Index, int Count) BindShard(ParseResult r) => CliParse.Shard(r.GetValue(Shard)!);

    /// <summary>
    /// The generator options of the whole run (shard 0/1: <c>vectors gen</c> sets its shard with <see cref="BindShard"/>,
    /// <c>verify</c> slices the run itself). <paramref name="block"/> overrides <c>--block</c> (the design's K).
    /// Throws <see cref="UsageException"/> naming the bad option.
    /// </summary>
    public DotGeneratorOptions Bind(ParseResult r, int? block = null)
    {
        bool corners = r.GetValue(Corners), random = r.GetValue(Random), exhaustive = r.GetValue(Exhaustive);
        if (!corners && !random && !exhaustive) corners = random = true;
        var options = new DotGeneratorOptions
        {
            FormatsA = CliParse.ElementFormats(r.GetValue(FormatsA)!, "--a"),
            FormatsB = CliParse.ElementFormats(r.GetValue(FormatsB)!, "--b"),
            Modes = CliParse.VectorRoundingModes(r.GetValue(Rounding)!),
            Block = block ?? (Block is null ? 32 : r.GetValue(Block)),
            Model = BindModel(r),
            Profile = BindProfile(r) ?? ImplementationProfile.Default,
            Seed = CliParse.Seed(r.GetValue(Seed)!),
            Count = r.GetValue(Count),
            Corners = corners, Random = random, Exhaustive = exhaustive,
        }.WithOutputs(BindOutputs(r));
        if (r.GetValue(BlockFormat) is { } name) options = options.ForBlockFormat(CliParse.BlockFormat(name, "--block-format"));
        if (BindPairs(r) is { } pairs)
        {
            if (r.GetResult(FormatsA) is { Implicit: false } || r.GetResult(FormatsB) is { Implicit: false })
                throw new UsageException("--pairs replaces --a and --b: give one or the other");
            if (BlockFormat is not null && r.GetValue(BlockFormat) is not null) throw new UsageException("--pairs and --block-format both fix the formats: give one");
            options = options.WithPairs(pairs);
        }
        return options.Validate() is { } problem ? throw new UsageException(problem) : options;
    }

    /// <summary>
    /// The shared-microexponent dot generator's options when <c>--block-format</c> names MX9/MX6/MX4 or a <c>bdr-…</c>
    /// shape, else null. <c>--a</c>/<c>--b</c> do not apply (the block format fixes the elements); <c>-k</c> given
    /// explicitly overrides the format's k1; <c>--exhaustive</c> is refused.
    /// </summary>
    public MicroexponentDotOptions? BindMicroexponent(ParseResult r)
    {
        if (BlockFormat is null || r.GetValue(BlockFormat) is not { } name) return null;
        var format = CliParse.BlockFormat(name, "--block-format");
        if (format.Microexponent is null) return null;
        if (r.GetValue(Exhaustive)) throw new UsageException($"--exhaustive: {format.Name} vectors have --corners and --random sets");
        bool corners = r.GetValue(Corners), random = r.GetValue(Random);
        if (!corners && !random) corners = random = true;
        var options = new MicroexponentDotOptions
        {
            Format = format,
            Modes = CliParse.VectorRoundingModes(r.GetValue(Rounding)!),
            Block = Block is not null && r.GetResult(Block) is { Implicit: false } ? r.GetValue(Block) : format.BlockSize,
            Output = BindOneOutput(r, $"{format.Name} vectors"),
            Model = BindModel(r),
            Seed = CliParse.Seed(r.GetValue(Seed)!),
            Count = r.GetValue(Count),
            Corners = corners, Random = random,
        };
        return options.Validate() is { } problem ? throw new UsageException(problem) : options;
    }

    /// <summary>
    /// The quantize generator options of the whole run (<c>vectors gen --op quantize</c>): <c>--a</c> gives the element
    /// formats; <c>--b</c>, <c>--out</c> and <c>--acc</c> do not apply and <c>--exhaustive</c> is refused.
    /// </summary>
    public QuantizeGeneratorOptions BindQuantize(ParseResult r, QuantizationPolicy policy)
    {
        if (r.GetValue(Exhaustive)) throw new UsageException("--exhaustive is for --op dot; quantize runs take --corners and --random");
        if (r.GetValue(Pairs) is not null || r.GetValue(Profile) is not null) throw new UsageException("--pairs and --profile are for --op dot");
        bool corners = r.GetValue(Corners), random = r.GetValue(Random);
        if (!corners && !random) corners = random = true;
        return new QuantizeGeneratorOptions
        {
            Formats = CliParse.ElementFormats(r.GetValue(FormatsA)!, "--a"),
            Modes = CliParse.VectorRoundingModes(r.GetValue(Rounding)!),
            Block = Block is null ? 32 : r.GetValue(Block),
            Policy = policy,
            Seed = CliParse.Seed(r.GetValue(Seed)!),
            Count = r.GetValue(Count),
            Corners = corners, Random = random,
        };
    }

    /// <summary>
    /// The run as options of this set (the regression's identity in <c>verify</c>'s reports and every repro command):
    /// formats, modes, sets, count and seed. The block size and accumulation model are named by the caller's context.
    /// </summary>
    public static string Text(DotGeneratorOptions o)
    {
        var parts = o.Pairs is { } pairs
            ? new List<string> { "--pairs " + string.Join(',', pairs.Select(p => $"{p.A.Name}:{p.B.Name}")) }
            : o.BlockFormat is { } f
            ? new List<string> { "--block-format " + f.Name }
            : ["--a " + string.Join(',', DotVectorGenerator.FormatNames(o.FormatsA)), "--b " + string.Join(',', DotVectorGenerator.FormatNames(o.FormatsB))];
        parts.Add("--rounding " + string.Join(',', DotVectorGenerator.ModeNames(o.Modes)));
        if (o.Outputs is not [var only] || only != StandardFormats.Fp32) parts.Add("--out " + string.Join(',', o.Outputs.Select(f => f.Name)));
        if (o.Corners) parts.Add("--corners");
        if (o.Exhaustive) parts.Add("--exhaustive");
        if (o.Random) parts.Add($"--random --count {o.Count}");
        parts.Add($"--seed {o.Seed}");
        return string.Join(' ', parts);
    }
}
