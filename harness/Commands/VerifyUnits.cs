using System.CommandLine;
using MxRef.Formats;
using MxRef.Harness.Options;
using MxRef.Harness.Verify;
using MxRef.Quantization;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Generation.Regen;

namespace MxRef.Harness.Commands;

/// <summary>
/// <c>mxref verify --unit</c>: the options of the units other than dot (the quantize unit's policy, the regen unit's
/// recipe and draws) and their generated vectors, bound into a configured <see cref="IUnit"/> and its generator.
/// </summary>
public sealed class VerifyUnits
{
    public Option<string> Unit { get; } = new("--unit")
    {
        Description = $"The kind of unit the design is: {UnitKind.ValidNames} (default dot). Each has its interface, bench, golden model and coverage (docs/verify.md \"Units\"); " +
                      "quantize is rtl/mx_quant (--a, --rounding and the policy options), regen rtl/mx_regen (--a, --recipe, --max-terms), decode rtl/mx_decode (--a, --rounding, --out, --profile), dot-bdr rtl/mx_dot_bdr (MX9/MX6/MX4: --block-format, --rounding, --param M=).",
        DefaultValueFactory = _ => "dot",
    };
    public QuantizationPolicyOptionSet Policy { get; } = new(appliesTo: "--unit quantize");
    public Option<string?> Recipe { get; } = new("--recipe") { Description = "--unit regen: the recipe that quantizes the regenerated blocks (default ocp; mxref recipes list)." };
    public Option<int> MaxTerms { get; } = new("--max-terms") { Description = "--unit regen: the largest number of draws per weight in generated blocks (1, default: uniform initializers; up to the design's NT).", DefaultValueFactory = _ => 1 };

    public void AddTo(Command cmd)
    {
        cmd.Add(Unit);
        Policy.AddTo(cmd);
        cmd.Add(Recipe);
        cmd.Add(MaxTerms);
    }

    public UnitKind BindKind(ParseResult r) =>
        UnitKind.TryParse(r.GetValue(Unit)!) ?? throw new UsageException($"unknown --unit '{r.GetValue(Unit)}'; valid: {UnitKind.ValidNames}");

    /// <summary>Options that belong to another unit than the run's are refused by name (a silent no-op would mislead).</summary>
    public void CheckApplies(ParseResult r, UnitKind kind, GeneratorOptionSet generator)
    {
        void Refuse(Option o, string unit)
        {
            if (r.GetResult(o) is { Implicit: false }) throw new UsageException($"{o.Name} is for --unit {unit}, not --unit {kind.Name}");
        }
        if (kind != UnitKind.Quantize)
            foreach (var o in new Option[] { Policy.ScaleRule, Policy.Specials, Policy.IntegerRange, Policy.FlushSubnormalInputs }) Refuse(o, "quantize");
        if (kind != UnitKind.Regen)
        {
            Refuse(Recipe, "regen");
            Refuse(MaxTerms, "regen");
        }
        if (kind != UnitKind.Dot && kind != UnitKind.Decode) Refuse(generator.Output, "dot or --unit decode");
        if (kind != UnitKind.Dot)
            foreach (var o in new Option[] { generator.FormatsB, generator.Pairs, generator.Accumulation, generator.Exhaustive })
                Refuse(o, "dot");
        if (kind != UnitKind.Dot && kind != UnitKind.Decode) Refuse(generator.Profile, "dot or --unit decode");
        if (kind != UnitKind.Dot && kind != BdrDotUnit.DotBdr) Refuse(generator.BlockFormat!, "dot or --unit dot-bdr");
        if (kind == BdrDotUnit.DotBdr) Refuse(generator.FormatsA, "dot, quantize, regen or decode (the dot-bdr unit's elements are its --block-format's)");
        if (kind == UnitKind.Regen) Refuse(generator.Rounding, "dot or --unit quantize (the regen unit's rounding is its recipe's)");
    }

    /// <summary>The configured unit and its generator for a generated run of <paramref name="kind"/> (not dot).</summary>
    public (IUnit Unit, IGeneratedVectors Vectors) BindGenerated(ParseResult r, UnitKind kind, GeneratorOptionSet generator, int k,
        IReadOnlyList<(string Name, string Value)> parameters)
    {
        bool corners = r.GetValue(generator.Corners), random = r.GetValue(generator.Random);
        if (!corners && !random) corners = random = true;
        var sets = (corners ? " --corners" : "") + (random ? $" --random --count {r.GetValue(generator.Count)}" : "");
        ulong seed = CliParse.Seed(r.GetValue(generator.Seed)!);
        if (kind == BdrDotUnit.DotBdr) return VerifyBdrDot.BindGenerated(r, generator, k, parameters, sets, seed);
        if (kind == UnitKind.Quantize)
        {
            var policy = Policy.Bind(r);
            var options = generator.BindQuantize(r, policy) with { Block = k };
            QuantizeVectorGenerator gen;
            try { gen = new QuantizeVectorGenerator(options); }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            string text = $"--a {string.Join(',', DotVectorGenerator.FormatNames(options.Formats))} --rounding {string.Join(',', DotVectorGenerator.ModeNames(options.Modes))}" +
                          $"{QuantizeMismatch.PolicyOptions(policy)}{sets} --seed {seed}";
            var vectors = new IndexedVectors<QuantizeVector>(gen.Total, gen.Generate, i => SectionOf(gen.Sections, i), seed, text,
                QuantizeClassifier.Expected(options.Formats, options.Modes), "blocks");
            return (new QuantizeUnit(k, policy), vectors);
        }
        if (kind == UnitKind.Regen)
        {
            var recipe = r.GetValue(Recipe) is { } name ? RecipesCommand.Parse(name) : MxRef.Quantization.Recipe.Ocp;
            int nt = parameters.LastOrDefault(p => p.Name == "NT").Value is { } v ? (int.TryParse(v, out int n) ? n : throw new UsageException($"--param NT={v}: not a number")) : 1;
            int maxTerms = r.GetValue(MaxTerms);
            if (maxTerms > nt) throw new UsageException($"--max-terms {maxTerms}: the design draws at most NT = {nt} values per weight; pass --param NT={maxTerms} (and build the unit with it)");
            var formats = CliParse.ElementFormatCodes(r.GetValue(generator.FormatsA)!, "--a")
                .Select(c => BlockFormat.TryParse($"{StandardFormats.Elements[c].Name}/k{k}/e8m0")
                    ?? throw new UsageException($"--param K={k}: not a block size of {StandardFormats.Elements[c].Name}")).ToList();
            RegenVectorGenerator gen;
            try
            {
                gen = new RegenVectorGenerator(new RegenGeneratorOptions
                {
                    Formats = formats, Recipe = recipe, MaxTerms = maxTerms, Seed = seed,
                    Count = r.GetValue(generator.Count), Corners = corners, Random = random,
                });
            }
            catch (ArgumentException e) { throw new UsageException(e.Message); }
            var unit = new RegenUnit(k, recipe, formats);
            string text = $"--a {string.Join(',', formats.Select(f => f.Element.Name))}{(recipe != MxRef.Quantization.Recipe.Ocp ? $" --recipe {recipe.Name}" : "")}" +
                          $"{(maxTerms > 1 ? $" --max-terms {maxTerms}" : "")}{sets} --seed {seed}";
            var vectors = new IndexedVectors<RegenVector>(gen.Total, gen.Generate, i => SectionOf(gen.Sections, i), seed, text,
                RegenClassifier.Expected(formats.Select(f => StandardFormats.ElementCode(f.Element)), maxTerms > 1), "blocks");
            return (unit, vectors);
        }
        if (kind == UnitKind.Decode) return BindDecode(r, generator, k, sets, seed);
        throw new UsageException($"the {kind.Name} unit has no generator in mxref verify");
    }

    /// <summary>The decode unit's generated run: --a, --rounding, --out, --profile (<see cref="DecodeUnit.Generated"/>).</summary>
    private (IUnit Unit, IGeneratedVectors Vectors) BindDecode(ParseResult r, GeneratorOptionSet generator, int k, string sets, ulong seed)
    {
        var outputs = generator.BindOutputs(r, absent: StandardFormats.Outputs);
        var profile = generator.BindProfile(r) ?? MxRef.Dot.ImplementationProfile.Default;
        var formats = CliParse.ElementFormats(r.GetValue(generator.FormatsA)!, "--a");
        var template = new MxRef.Vectors.Generation.Decode.DecodeGeneratorOptions
        {
            Formats = formats, Modes = CliParse.VectorRoundingModes(r.GetValue(generator.Rounding)!), Profile = profile, Seed = seed,
            Count = r.GetValue(generator.Count), Corners = sets.Contains("--corners"), Random = sets.Contains("--random"),
        };
        string options = $"--a {string.Join(',', DotVectorGenerator.FormatNames(template.Formats))} --rounding {string.Join(',', DotVectorGenerator.ModeNames(template.Modes))}" +
                         $" --out {string.Join(',', outputs.Select(o => o.Name))}{sets} --seed {seed}";  // --profile: with the design's options
        try { return DecodeUnit.Generated(k, template, outputs, options); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
    }

    internal static string SectionOf(IReadOnlyList<VectorSection> sections, long index) =>
        sections.FirstOrDefault(s => index >= s.Start && index < s.End)?.Name ?? "?";
}
