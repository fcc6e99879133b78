using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Generation.Regen;

namespace MxRef.Harness.Verify;

/// <summary>
/// A unit configured from the headers of <c>.mxv</c> files: each file must be of the unit's op and the design's K, and
/// the files of one run must share the golden settings (the dot unit's accumulation model and profile, the quantize
/// unit's policy, the regen unit's recipe). Also the coverage classes the files must hit.
/// </summary>
public static class UnitFiles
{
    public static (IUnit Unit, IReadOnlyList<int> Expected, VerifyOptions Options) Open(VerifyOptions o)
    {
        if (o.Unit == UnitKind.Dot)
        {
            var headers = o.VectorFiles.Select(f => MxvSource.CheckHeader(f, o.K, o.Model)).ToArray();
            o = o with { Profile = MxvSource.CheckProfile(o.VectorFiles, headers, o.Profile) };
            for (int i = 0; i < headers.Length; i++)
            {
                DotUnit.CheckOutputs(headers[i].OutputFormats, o.Dut, $"{o.VectorFiles[i]}:1: output");
                // One line layout per run: the unit parses every file's lines alike.
                if (headers[i].Output != headers[0].Output)
                    throw new UsageException($"{o.VectorFiles[i]}:1: output: the file's D is {headers[i].Output}, {o.VectorFiles[0]}'s {headers[0].Output}; verify them in separate runs");
                if (headers[i].ScaleFormat != headers[0].ScaleFormat)
                    throw new UsageException($"{o.VectorFiles[i]}:1: scale: the file's scales are {headers[i].ScaleFormat.Name}, {o.VectorFiles[0]}'s {headers[0].ScaleFormat.Name}; verify them in separate runs");
            }
            var expected = headers.Select(ExpectedOfDot).Aggregate((x, y) => x.Union(y).ToArray());
            var unit = new DotUnit(o.K, o.Model, o.Profile, o.Dut?.FlagMask ?? DotUnit.AllFlags) { LineOutput = headers[0].LineOutput, LineScales = headers[0].Scales };
            return (unit, expected, o);
        }
        if (o.Unit == BdrDotUnit.DotBdr) return BdrDotFiles.Open(o);
        var hs = o.VectorFiles.Select(f => (File: f, Header: MxvSource.ReadHeader(f, o.Unit))).ToArray();
        foreach (var (f, h) in hs)
            if (h.Block != o.K) throw new UsageException($"{f}:1: block: the file has k = {h.Block}, the design is verified with K = {o.K}; pass --param K={h.Block}");
        if (o.Unit == UnitKind.Quantize)
        {
            QuantizationPolicy Policy(string f, MxvHeader h)
            {
                if (h.Recipe is not null)
                    throw new UsageException($"{f}:1: recipe: a recipe conformance file ('{h.Recipe}'); the quantize unit of mxref verify takes policy files (vectors gen --op quantize with the policy options); run recipe files through rtl/tb/mx_quant_tb.sv (make quant-tb)");
                try { return QuantizePolicyText.Parse(h.Quantization); }
                catch (FormatException e) { throw new UsageException($"{f}:1: quantization: {e.Message}"); }
            }
            var policy = Policy(hs[0].File, hs[0].Header);
            foreach (var (f, h) in hs)
                if (Policy(f, h) != policy)
                    throw new UsageException($"{f}:1: quantization: the file's policy '{h.Quantization}' is not {hs[0].File}'s '{hs[0].Header.Quantization}'; verify them in separate runs");
            var expected = hs.SelectMany(x => QuantizeClassifier.Expected(Formats(x.Header.FormatsA), Modes(x.Header.Rounding))).Distinct().Order().ToArray();
            return (new QuantizeUnit(o.K, policy), expected, o);
        }
        if (o.Unit == UnitKind.Regen)
        {
            (Recipe Recipe, IReadOnlyList<BlockFormat> Formats) Of(string f, MxvHeader h)
            {
                try { return RegenEvaluation.Of(h, f); }
                catch (MxvFormatException e) { throw new UsageException(e.Message); }
            }
            var first = Of(hs[0].File, hs[0].Header);
            var formats = new List<BlockFormat>();
            foreach (var (f, h) in hs)
            {
                var made = Of(f, h);
                if (made.Recipe != first.Recipe)
                    throw new UsageException($"{f}:1: recipe: the file's recipe is {made.Recipe.Name}, {hs[0].File}'s {first.Recipe.Name}; verify them in separate runs");
                formats.AddRange(made.Formats.Where(x => !formats.Contains(x)));
            }
            var expected = RegenClassifier.Expected(formats.Select(x => StandardFormats.ElementCode(x.Element)), irwinHall: false);
            return (new RegenUnit(o.K, first.Recipe, formats), expected, o);
        }
        if (o.Unit == UnitKind.Decode) return DecodeUnit.FromFiles(o, hs);
        throw new UsageException($"the {o.Unit.Name} unit has no file reader");
    }

    private static IReadOnlyList<NumberFormat> Formats(IReadOnlyList<string>? names) => names is null
        ? StandardFormats.Elements
        : names.Select(n => StandardFormats.TryParse(n)!).ToArray();

    private static IReadOnlyList<RoundingMode> Modes(IReadOnlyList<string>? names) => names is null
        ? RoundingModes.Deterministic.ToArray()
        : names.Select(n => RoundingModes.TryParse(n)!.Value).ToArray();

    /// <summary>The coverage classes a dot file must hit, from the formats and modes its header lists (all when absent).</summary>
    private static IReadOnlyList<int> ExpectedOfDot(MxvHeader h)
    {
        var modes = Modes(h.Rounding);
        var outputs = h.OutputFormats;
        IReadOnlyList<int> Of(IReadOnlyList<NumberFormat> a, IReadOnlyList<NumberFormat> b) =>
            CoverageClasses.Expected(a, b, modes, h.Scales, h.Block, outputs);
        if (h.Pairs is { } pairs)
            return pairs.Select(p => p.Split(':')).SelectMany(p => Of(Formats([p[0]]), Formats([p[1]]))).Distinct().Order().ToArray();
        return Of(Formats(h.FormatsA), Formats(h.FormatsB));
    }
}
