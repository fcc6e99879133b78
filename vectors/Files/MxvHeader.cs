using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace MxRef.Vectors.Files;

/// <summary>
/// The first line of a <c>.mxv</c> file: <c>// mxref-vectors 1 </c> + one-line JSON (docs/vector-format.md). Only
/// <c>op</c> and <c>block</c> are required; the rest describes how the file was made. Nothing machine- or time-dependent
/// is recorded, so the same command and seed give the same bytes everywhere.
/// </summary>
public sealed record MxvHeader
{
    public const string Magic = "// mxref-vectors 1 ";
    public const string OpDot = "dot", OpQuantize = "quantize", OpRegen = "regen", OpDecode = "decode", OpQuantizeBdr = "quantize-bdr";

    /// <summary>Every op a header may name.</summary>
    public static readonly IReadOnlyList<string> Ops = [OpDot, OpQuantize, OpRegen, OpDecode, OpQuantizeBdr];

    /// <summary><c>dot</c>, <c>quantize</c>, <c>regen</c>, <c>decode</c> or <c>quantize-bdr</c>.</summary>
    public string Op { get; init; } = OpDot;
    /// <summary>Block size k (elements per operand).</summary>
    public int Block { get; init; } = 32;
    /// <summary>
    /// Output format name of D (fp32, bf16, fp16); dot only. A dot file of several output formats names them as a comma
    /// list (<c>fp32,bf16,fp16</c>) and its lines carry each vector's in an OUT field (<see cref="DotLine"/>).
    /// </summary>
    public string Output { get; init; } = "fp32";
    /// <summary>
    /// The named block format of a dot file (e.g. <c>nvfp4</c>), or null. Its scale format is the file's unless
    /// <see cref="Scale"/> says otherwise; a file with neither (every file before block formats) has E8M0 scales.
    /// </summary>
    public string? BlockFormat { get; init; }
    /// <summary>The scale format of SA/SB (<c>e8m0</c>, <c>ue4m3</c>), or null for the block format's (E8M0 without one).</summary>
    public string? Scale { get; init; }
    /// <summary>Accumulation model (fused, chunked:N, fp32-sum); dot only.</summary>
    public string Accumulation { get; init; } = "fused";
    /// <summary>
    /// The implementation profile's canonical text (<see cref="ImplementationProfile.ToString"/>), or null for the
    /// default profile (the key is then omitted, so files without profiles keep their bytes); dot only.
    /// </summary>
    public string? Profile { get; init; }
    /// <summary>Quantization policy (quantize only).</summary>
    public string? Quantization { get; init; }
    public ulong? Seed { get; init; }
    /// <summary>Generator name and version, e.g. <c>mxref-vectors/2</c>: bump it when the same seed gives other vectors.</summary>
    public string? Generator { get; init; }
    public string? Command { get; init; }
    public IReadOnlyList<string>? FormatsA { get; init; }
    public IReadOnlyList<string>? FormatsB { get; init; }
    /// <summary>The <c>A:B</c> format pairs of a run made with <c>--pairs</c> (instead of formats_a × formats_b), or null.</summary>
    public IReadOnlyList<string>? Pairs { get; init; }
    public IReadOnlyList<string>? Rounding { get; init; }
    /// <summary>Vector sets in generation order: corners, exhaustive, random.</summary>
    public IReadOnlyList<string>? Sets { get; init; }
    /// <summary>Random vectors requested (<c>--count</c>).</summary>
    public long? Count { get; init; }
    /// <summary><c>I/N</c> when the file is one shard of a run.</summary>
    public string? Shard { get; init; }
    /// <summary>Quantize (recipe files) and regen: the named recipe that made the expected codes (quantize: RM is then 0 and the recipe decides the rounding).</summary>
    public string? Recipe { get; init; }
    /// <summary>Quantize (recipe files) and regen: the block formats of the file; a line's FMT (its element) picks one.</summary>
    public IReadOnlyList<string>? BlockFormats { get; init; }
    /// <summary>Quantize only: the per-tensor scale (FP32 bits, 0x…) each vector was quantized with, for formats that have one.</summary>
    public string? TensorScale { get; init; }

    public NumberFormat OutputFormat => StandardFormats.TryParse(Output) is { } f && StandardFormats.Outputs.Contains(f)
        ? f : throw new ArgumentException(PerVectorOutput ? $"output '{Output}': the file has one output format per line (read each vector's)" : $"output '{Output}' is not fp32, bf16 or fp16");

    /// <summary>Whether the dot lines carry their output format (the header's <c>output</c> is a list).</summary>
    public bool PerVectorOutput => Output.Contains(',');

    /// <summary>The output formats of the file's vectors: the one of <c>output</c>, or each of its list.</summary>
    public IReadOnlyList<NumberFormat> OutputFormats => PerVectorOutput
        ? Output.Split(',').Select(n => StandardFormats.TryParse(n) is { } f && StandardFormats.Outputs.Contains(f) ? f : throw new ArgumentException($"output '{n}' is not fp32, bf16 or fp16")).ToArray()
        : [OutputFormat];

    /// <summary>The output format a dot line's D has, or null when each line names its own (the OUT field).</summary>
    public NumberFormat? LineOutput => PerVectorOutput ? null : OutputFormat;

    /// <summary>The <c>output</c> text of vectors rounded to <paramref name="outputs"/>: one name, or the comma list.</summary>
    public static string OutputText(IReadOnlyList<NumberFormat> outputs) => string.Join(',', outputs.Select(o => o.Name));

    /// <summary>The scale format of the file's SA/SB codes.</summary>
    public NumberFormat ScaleFormat =>
        Scale is not null ? StandardFormats.Scales.First(s => s.Name == Scale)
        : BlockFormat is not null ? MxRef.Formats.BlockFormat.TryParse(BlockFormat)!.Scale
        : StandardFormats.E8M0;

    public ScaleCodec Scales => ScaleCodec.For(ScaleFormat);

    /// <summary>
    /// The block format of a dot file of shared-microexponent vectors (<c>block_format</c> MX9/MX6/MX4 or a
    /// <c>bdr-…</c> shape: data lines <c>RM SA MA A SB MB B C D FLAGS</c>, <see cref="MicroexponentDotLine"/>), or null.
    /// </summary>
    public BlockFormat? MicroexponentFormat =>
        Op == OpDot && BlockFormat is not null && MxRef.Formats.BlockFormat.TryParse(BlockFormat) is { Microexponent: not null } f ? f : null;

    /// <summary>
    /// The block format of a <c>quantize-bdr</c> file (its <c>block_format</c>: MX9/MX6/MX4 or a <c>bdr-…</c> shape; data
    /// lines <c>RM V S M P</c>, <see cref="BdrQuantizeLine"/>), or null for another op.
    /// </summary>
    public BlockFormat? BdrQuantizeFormat =>
        Op == OpQuantizeBdr && BlockFormat is not null && MxRef.Formats.BlockFormat.TryParse(BlockFormat) is { Microexponent: not null } f ? f : null;

    public AccumulationModel Model => AccumulationModel.TryParse(Accumulation)
        ?? throw new ArgumentException($"accumulation '{Accumulation}' is not one of {AccumulationModel.ValidNames}");

    /// <summary>The file's implementation profile (default when the header has none).</summary>
    public ImplementationProfile ImplementationProfile => Profile is null ? ImplementationProfile.Default
        : ImplementationProfile.TryParse(Profile, out string? error) ?? throw new ArgumentException($"profile '{Profile}': {error}");

    /// <summary>The header line, without the newline.</summary>
    public string ToLine()
    {
        // Property order is fixed here (not left to reflection) so the bytes never change between builds.
        var o = new JObject
        {
            ["op"] = Op,
            ["block"] = Block,
        };
        if (Op == OpDot || Op == OpDecode)
        {
            o["output"] = Output;
            if (Op == OpDot) o["acc"] = Accumulation;
            if (BlockFormat is not null) o["block_format"] = BlockFormat;
            if (Scale is not null) o["scale"] = Scale;
            if (Profile is not null) o["profile"] = Profile;
        }
        if (Op == OpQuantizeBdr && BlockFormat is not null) o["block_format"] = BlockFormat;
        if (Quantization is not null) o["quantization"] = Quantization;
        if (FormatsA is not null) o["formats_a"] = new JArray(FormatsA);
        if (FormatsB is not null) o["formats_b"] = new JArray(FormatsB);
        if (Pairs is not null) o["pairs"] = new JArray(Pairs);
        if (Rounding is not null) o["rounding"] = new JArray(Rounding);
        if (Sets is not null) o["sets"] = new JArray(Sets);
        if (Count is not null) o["count"] = Count.Value;
        if (Seed is not null) o["seed"] = Seed.Value;
        if (Shard is not null) o["shard"] = Shard;
        if (Recipe is not null) o["recipe"] = Recipe;
        if (BlockFormats is not null) o["block_formats"] = new JArray(BlockFormats);
        if (TensorScale is not null) o["tensor_scale"] = TensorScale;
        if (Generator is not null) o["generator"] = Generator;
        if (Command is not null) o["command"] = Command;
        return Magic + o.ToString(Formatting.None);
    }

    /// <summary>Parses and validates a header line; errors name the file, line 1 and the field.</summary>
    public static MxvHeader Parse(string? line, string file)
    {
        if (line is null) throw new MxvFormatException(file, 1, "header", "empty file: expected the header line '// mxref-vectors 1 {...}'");
        if (!line.StartsWith(Magic, StringComparison.Ordinal))
        {
            string what = line.StartsWith("// mxref-vectors ", StringComparison.Ordinal)
                ? "unsupported format version (this reader knows version 1)"
                : "not an mxref vector file: the first line must start with '// mxref-vectors 1 '";
            throw new MxvFormatException(file, 1, "header", what);
        }
        JObject o;
        try
        {
            o = JObject.Parse(line[Magic.Length..]);
        }
        catch (JsonException e)
        {
            throw new MxvFormatException(file, 1, "header", $"the header JSON is malformed: {e.Message}");
        }
        string Str(string name, string? dflt)
        {
            var t = o[name];
            if (t is null)
                return dflt ?? throw new MxvFormatException(file, 1, $"header.{name}", $"missing required field '{name}'");
            if (t.Type != JTokenType.String) throw new MxvFormatException(file, 1, $"header.{name}", $"'{name}' must be a string");
            return (string)t!;
        }
        List<string>? List(string name)
        {
            var t = o[name];
            if (t is null) return null;
            if (t is not JArray a || a.Any(x => x.Type != JTokenType.String))
                throw new MxvFormatException(file, 1, $"header.{name}", $"'{name}' must be an array of strings");
            return a.Select(x => (string)x!).ToList();
        }
        long? Int(string name)
        {
            var t = o[name];
            if (t is null) return null;
            if (t.Type != JTokenType.Integer) throw new MxvFormatException(file, 1, $"header.{name}", $"'{name}' must be an integer");
            return (long)t;
        }

        var op = Str("op", null);
        if (!Ops.Contains(op)) throw new MxvFormatException(file, 1, "header.op", $"op '{op}' is not one of {string.Join(", ", Ops.Select(x => $"'{x}'"))}");
        var block = Int("block") ?? throw new MxvFormatException(file, 1, "header.block", "missing required field 'block'");
        if (block is < 1 or > 4096) throw new MxvFormatException(file, 1, "header.block", $"block {block} is outside 1..4096");
        ulong? seed = null;
        if (o["seed"] is { } s)
        {
            if (s.Type != JTokenType.Integer) throw new MxvFormatException(file, 1, "header.seed", "'seed' must be an integer");
            seed = (ulong)s;
        }
        var h = new MxvHeader
        {
            Op = op, Block = (int)block, Output = Str("output", "fp32"), Accumulation = Str("acc", "fused"),
            Quantization = o["quantization"] is null ? null : Str("quantization", null), Seed = seed,
            Generator = o["generator"] is null ? null : Str("generator", null), Command = o["command"] is null ? null : Str("command", null),
            FormatsA = List("formats_a"), FormatsB = List("formats_b"), Pairs = List("pairs"), Rounding = List("rounding"), Sets = List("sets"),
            Count = Int("count"), Shard = o["shard"] is null ? null : Str("shard", null),
            Recipe = o["recipe"] is null ? null : Str("recipe", null), BlockFormats = List("block_formats"),
            TensorScale = o["tensor_scale"] is null ? null : Str("tensor_scale", null),
            BlockFormat = o["block_format"] is null ? null : Str("block_format", null), Scale = o["scale"] is null ? null : Str("scale", null),
            Profile = o["profile"] is null ? null : Str("profile", null),
        };
        if (op == OpDot || op == OpDecode)
        {
            if (h.PerVectorOutput)
            {
                var names = h.Output.Split(',');
                if (op != OpDot || h.MicroexponentFormat is not null)
                    throw new MxvFormatException(file, 1, "header.output", $"output '{h.Output}': only dot files of one scale level take a list of output formats; name one of fp32, bf16, fp16");
                foreach (var n in names)
                    if (StandardFormats.TryParse(n) is not { } g || !StandardFormats.Outputs.Contains(g))
                        throw new MxvFormatException(file, 1, "header.output", $"output '{h.Output}': '{n}' is not one of fp32, bf16, fp16");
                if (names.Distinct().Count() != names.Length)
                    throw new MxvFormatException(file, 1, "header.output", $"output '{h.Output}' names a format twice");
            }
            else if (StandardFormats.TryParse(h.Output) is not { } f || !StandardFormats.Outputs.Contains(f))
                throw new MxvFormatException(file, 1, "header.output", $"output '{h.Output}' is not one of fp32, bf16, fp16");
            if (AccumulationModel.TryParse(h.Accumulation) is null)
                throw new MxvFormatException(file, 1, "header.acc", $"acc '{h.Accumulation}' is not one of {AccumulationModel.ValidNames}");
            if (h.BlockFormat is not null && MxRef.Formats.BlockFormat.TryParse(h.BlockFormat) is not { } bf)
                throw new MxvFormatException(file, 1, "header.block_format", $"block_format '{h.BlockFormat}' is not a block format; valid: {MxRef.Formats.BlockFormat.ValidNames}");
            if (h.MicroexponentFormat is { } mf && MicroexponentProblem(h, mf) is { } problem)
                throw new MxvFormatException(file, 1, problem.Field, problem.Message);
            if (h.Profile is not null && ImplementationProfile.TryParse(h.Profile, out string? profileError) is not { } parsedProfile)
                throw new MxvFormatException(file, 1, "header.profile", profileError!);
            if (op == OpDecode && h.Profile is not null && MxDecode.CheckProfile(h.ImplementationProfile) is { } decodeError)
                throw new MxvFormatException(file, 1, "header.profile", decodeError);
            if (h.Scale is not null && !StandardFormats.Scales.Any(s => s.Name == h.Scale))
                throw new MxvFormatException(file, 1, "header.scale", $"scale '{h.Scale}' is not a scale format; valid: {string.Join(", ", StandardFormats.Scales.Select(s => s.Name))}");
        }
        if (op == OpQuantizeBdr && BdrQuantizeProblem(h) is { } bdrProblem)
            throw new MxvFormatException(file, 1, bdrProblem.Field, bdrProblem.Message);
        foreach (var (name, list) in new[] { ("formats_a", h.FormatsA), ("formats_b", h.FormatsB) })
            foreach (var n in list ?? [])
                if (StandardFormats.TryParse(n) is not { } ef || StandardFormats.ElementCode(ef) < 0)
                    throw new MxvFormatException(file, 1, $"header.{name}", $"'{n}' is not an MX element format");
        foreach (var pair in h.Pairs ?? [])
            if (pair.Split(':') is not [var pa, var pb] || new[] { pa, pb }.Any(n => StandardFormats.TryParse(n) is not { } pf || StandardFormats.ElementCode(pf) < 0))
                throw new MxvFormatException(file, 1, "header.pairs", $"'{pair}' is not a pair A:B of MX element formats");
        foreach (var n in h.Rounding ?? [])
            if (RoundingModes.TryParse(n) is null) throw new MxvFormatException(file, 1, "header.rounding", $"'{n}' is not a rounding mode");
        return h;
    }

    /// <summary>What a quantize-bdr header must have: a shared-microexponent block_format with a line layout, block = its k1.</summary>
    private static (string Field, string Message)? BdrQuantizeProblem(MxvHeader h)
    {
        if (h.BlockFormat is null) return ("header.block_format", "a quantize-bdr file needs 'block_format' (mx9, mx6, mx4 or bdr-K1-D1-K2-D2-M)");
        if (MxRef.Formats.BlockFormat.TryParse(h.BlockFormat) is not { } f)
            return ("header.block_format", $"block_format '{h.BlockFormat}' is not a block format; valid: {MxRef.Formats.BlockFormat.ValidNames}");
        if (BdrQuantizeLine.Unsupported(f) is { } why) return ("header.block_format", why);
        if (h.Block != f.BlockSize) return ("header.block", $"block {h.Block}: a quantize-bdr line is one {f.Name} block of {f.BlockSize} values");
        return null;
    }

    /// <summary>What a shared-microexponent dot file's header cannot have: a line layout, block, model or scale that does not fit.</summary>
    private static (string Field, string Message)? MicroexponentProblem(MxvHeader h, BlockFormat f)
    {
        if (MicroexponentDotLine.Unsupported(f) is { } why) return ("header.block_format", why);
        int k2 = f.Microexponent!.Size;
        if (h.Block % k2 != 0) return ("header.block", $"block {h.Block} is not a multiple of {f.Name}'s sub-block of {k2}");
        var model = AccumulationModel.TryParse(h.Accumulation)!.Value;
        if (model.Kind == AccumulationKind.Fp32Sum || (model.Kind == AccumulationKind.Chunked && model.ChunkSize % k2 != 0))
            return ("header.acc", $"acc '{h.Accumulation}': {f.Name} vectors take fused or chunked:N with N a multiple of {k2}");
        if (h.Scale is not null && h.Scale != f.Scale.Name) return ("header.scale", $"scale '{h.Scale}': {f.Name}'s block exponents are {f.Scale.Name}");
        if (h.Profile is not null) return ("header.profile", $"{f.Name} vectors have no implementation profile");
        return null;
    }
}
