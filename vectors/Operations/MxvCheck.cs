using MxRef.Dot;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Vectors.Diagnosis;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Generation.Regen;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Operations;

/// <summary>One vector whose expected values differ from the golden model's: its line and every field decoded.</summary>
public sealed record MxvDifference(long Line, string Description);

/// <summary>
/// The outcome of checking one file: vectors read, how many differ, the first differences in file order, and (dot
/// files) every difference by class, the file's value taken as the "actual" result (<see cref="MismatchClassifier"/>).
/// </summary>
public sealed record MxvCheckResult(string File, long Vectors, long Differences, IReadOnlyList<MxvDifference> Reported)
{
    /// <summary>The differences by class, the largest first, each with its first line as the example.</summary>
    public IReadOnlyList<MismatchClassRow<MxvDifference>> Classes { get; init; } = [];

    /// <summary>The one-line summary, e.g. <c>a.mxv: 6472 vectors, 0 differ</c>.</summary>
    public string Summary => $"{File}: {Vectors} vectors, {Differences} differ{(Differences > Reported.Count ? $" (first {Reported.Count} shown)" : "")}";

    /// <summary>One line per class: count, name, explanation, the line of its first example.</summary>
    public string ClassTable => string.Concat(Classes.Select(c =>
        $"  {c.Count,10} {c.Name}  ({(c.Explanations.Count > 0 ? "explained by " + string.Join(" or ", c.Explanations) : "explained by no single knob")}; " +
        $"differs {string.Join(", ", c.Parts)}; first at line {c.Examples.FirstOrDefault()?.Line})\n"));
}

/// <summary>
/// Recomputes every expected value of an <c>.mxv</c> file with the golden model: dot files with the header's output
/// format and accumulation model, quantize files with the header's quantization policy and each line's rounding mode.
/// </summary>
public static class MxvCheck
{
    /// <summary>
    /// Checks a whole file (trailer included); keeps the first <paramref name="maxReport"/> differences, each also
    /// handed to <paramref name="onDifference"/> as soon as it is found (a caller printing them shows what was found
    /// before a malformed line stops the check). Throws <see cref="MxvFormatException"/> naming file, line and field
    /// for a malformed file.
    /// </summary>
    public static MxvCheckResult File(string path, int maxReport, Action<MxvDifference>? onDifference = null)
    {
        using var reader = MxvReader.Open(path);
        var reported = new List<MxvDifference>();
        void Keep(MxvDifference d)
        {
            reported.Add(d);
            onDifference?.Invoke(d);
        }
        if (reader.Header.Op != MxvHeader.OpDot)
        {
            // Evaluated before reader.Count: the count is of the lines read.
            long other = reader.Header.Op switch
            {
                MxvHeader.OpQuantize => Quantize(reader, path, maxReport, Keep),
                MxvHeader.OpRegen => Regen(reader, path, maxReport, Keep),
                MxvHeader.OpQuantizeBdr => BdrQuantizeRun.Check(reader, path, maxReport, Keep),
                _ => Decode(reader, path, maxReport, Keep),
            };
            return new MxvCheckResult(path, reader.Count, other, reported);
        }
        if (reader.Header.MicroexponentFormat is { } f)
        {
            long bdr = MicroexponentDotCheck.Dot(reader, f, path, maxReport, Keep);
            return new MxvCheckResult(path, reader.Count, bdr, reported);
        }
        var classes = new MismatchTable<MxvDifference>(1);
        long differences = Dot(reader, path, maxReport, Keep, classes);
        return new MxvCheckResult(path, reader.Count, differences, reported) { Classes = classes.Rows };
    }

    /// <summary>Dot lines under their output format (the header's, or the line's OUT), the accumulation model and implementation profile.</summary>
    private static long Dot(MxvReader reader, string path, int maxReport, Action<MxvDifference> keep, MismatchTable<MxvDifference> classes)
    {
        var h = reader.Header;
        var model = h.Model;
        var profile = h.ImplementationProfile;
        var classifiers = new MismatchClassifier?[StandardFormats.Outputs.Count]; // ulps and knobs in each output format
        var v = new DotVector(h.Block);
        long differences = 0;
        while (reader.ReadNext(v))
        {
            var outFormat = v.Output;
            var res = v.Evaluate(outFormat, model, profile);
            var classifier = classifiers[v.OutputCode] ??= new MismatchClassifier(outFormat, model, profile);
            if (res.Bits == v.D && (byte)res.Flags == v.Flags) continue;
            var diagnosis = classifier.Diagnose(v, res.Bits, (byte)res.Flags, v.D, v.Flags);
            var difference = new MxvDifference(reader.LineNumber, Describe(path, reader.LineNumber, v, res, outFormat) + $"\n  {diagnosis.Summary}");
            if (++differences <= maxReport) keep(difference);
            classes.Add(diagnosis, reader.LineNumber, () => difference);
        }
        return differences;
    }

    private static long Quantize(MxvReader reader, string path, int maxReport, Action<MxvDifference> keep)
    {
        if (RecipeEvaluation.Of(reader.Header, path) is { } made) return Recipe(reader, path, maxReport, keep, made.Recipe, made.Formats);
        QuantizationPolicy policy;
        try { policy = QuantizePolicyText.Parse(reader.Header.Quantization); }
        catch (FormatException e) { throw new MxvFormatException(path, 1, "header.quantization", e.Message); }
        var q = new QuantizeVector(reader.Header.Block);
        long differences = 0;
        while (reader.ReadNext(q))
        {
            var (scale, codes) = q.Evaluate(policy);
            bool same = scale == q.Scale;
            for (int i = 0; i < q.K && same; i++) same = codes[i] == q.P[i];
            if (same || ++differences > maxReport) continue;
            var f = q.Format;
            keep(new MxvDifference(reader.LineNumber,
                $"{path}:{reader.LineNumber}: file S={q.Scale:x2} P=[{string.Join(' ', q.P.Select(c => Codec.Show(f, c)))}], " +
                $"golden S={scale:x2} P=[{string.Join(' ', codes.Select(c => Codec.Show(f, c)))}]\n" +
                $"  FMT={f.Name} RM={q.Rounding.ShortName()} V=[{string.Join(' ', q.V.Select(x => Codec.Show(StandardFormats.Fp32, x)))}]"));
        }
        return differences;
    }

    /// <summary>A conformance file (its header names a recipe): every line re-quantized with that recipe.</summary>
    private static long Recipe(MxvReader reader, string path, int maxReport, Action<MxvDifference> keep, Recipe recipe, IReadOnlyList<BlockFormat> formats)
    {
        var q = new QuantizeVector(reader.Header.Block);
        long differences = 0;
        while (reader.ReadNext(q))
        {
            BlockFormat f;
            try { f = RecipeEvaluation.FormatOf(q, formats); }
            catch (ArgumentException e) { throw new MxvFormatException(path, reader.LineNumber, "FMT", e.Message); }
            var t = RecipeEvaluation.Quantize(f, recipe, q.V);
            bool same = t.Scales[0] == q.Scale && t.Elements.AsSpan(0, q.K).SequenceEqual(q.P);
            if (same || ++differences > maxReport) continue;
            keep(new MxvDifference(reader.LineNumber,
                $"{path}:{reader.LineNumber}: file S={q.Scale:x2} P=[{string.Join(' ', q.P.Select(c => c.ToString("x2")))}], " +
                $"{recipe.Name} S={t.Scales[0]:x2} P=[{string.Join(' ', t.Elements.Take(q.K).Select(c => c.ToString("x2")))}]\n" +
                $"  {f.Name} V=[{string.Join(' ', q.V.Select(x => Codec.Show(StandardFormats.Fp32, x)))}]"));
        }
        return differences;
    }

    /// <summary>A decode file: every block re-decoded by the golden model under the header's output and profile.</summary>
    private static long Decode(MxvReader reader, string path, int maxReport, Action<MxvDifference> keep)
    {
        var h = reader.Header;
        var output = h.OutputFormat;
        var profile = h.ImplementationProfile;
        var v = new DecodeVector(h.Block);
        var golden = new uint[h.Block];
        long differences = 0;
        while (reader.ReadNext(v))
        {
            byte flags = v.Evaluate(output, profile, golden);
            if ((flags == v.Flags && golden.AsSpan().SequenceEqual(v.D)) || ++differences > maxReport) continue;
            var sb = new System.Text.StringBuilder();
            DecodeLine.AppendInputs(sb, v);
            var lanes = Enumerable.Range(0, v.K).Where(i => golden[i] != v.D[i]).Take(4)
                .Select(i => $"element {i}: {Codec.Show(v.Format, v.A[i])} x {v.Scales.Show(v.Scale)}: file {Codec.Show(output, v.D[i])}, model {Codec.Show(output, golden[i])}");
            keep(new MxvDifference(reader.LineNumber, $"{path}:{reader.LineNumber}: {sb} ({v.Format.Name}, {v.Rounding.ShortName()} to {output.Name}): " +
                $"flags file {v.Flags:x2}, model {flags:x2}\n  " + string.Join("\n  ", lanes)));
        }
        return differences;
    }

    /// <summary>A regen file: every block regenerated by the golden model (refmodel/DropBack) and quantized by the header's recipe.</summary>
    private static long Regen(MxvReader reader, string path, int maxReport, Action<MxvDifference> keep)
    {
        var (recipe, formats) = RegenEvaluation.Of(reader.Header, path);
        var r = new RegenVector(reader.Header.Block);
        long differences = 0;
        while (reader.ReadNext(r))
        {
            BlockFormat f;
            (byte Scale, byte[] Codes) golden;
            try
            {
                f = RegenEvaluation.FormatOf(r, formats);
                golden = RegenEvaluation.Evaluate(r, f, recipe);
            }
            catch (ArgumentOutOfRangeException e) { throw new MxvFormatException(path, reader.LineNumber, "A", e.Message); }
            catch (ArgumentException e) { throw new MxvFormatException(path, reader.LineNumber, "FMT", e.Message); }
            if ((golden.Scale == r.Scale && golden.Codes.AsSpan().SequenceEqual(r.P)) || ++differences > maxReport) continue;
            var w = new uint[r.K];
            r.Weights(w);
            keep(new MxvDifference(reader.LineNumber,
                $"{path}:{reader.LineNumber}: file S={r.Scale:x2} P=[{string.Join(' ', r.P.Select(c => c.ToString("x2")))}], " +
                $"{recipe.Name} S={golden.Scale:x2} P=[{string.Join(' ', golden.Codes.Select(c => c.ToString("x2")))}]\n" +
                $"  {f.Name} seed={r.Seed:x16} layer={r.Layer:x8} block={r.Block:x8} n={r.Terms} a={r.A:x8} " +
                $"W=[{string.Join(' ', w.Select((x, i) => (r.Mask[i] ? "t:" : "") + Codec.Show(StandardFormats.Fp32, x)))}]"));
        }
        return differences;
    }

    private static string Describe(string path, long line, DotVector v, DotResult res, NumberFormat o)
    {
        var ea = v.FormatA; var eb = v.FormatB;
        string Els(byte[] codes, NumberFormat f) => string.Join(' ', codes.Select(x => Codec.Show(f, x)));
        string digits = "x" + DotLine.ResultDigits(o);
        return $"{path}:{line}: file D={v.D.ToString(digits)} ({Codec.Show(o, v.D)}) FLAGS={v.Flags:x2} ({ExceptionFlagNames.Format((ExceptionFlags)v.Flags)}), " +
               $"golden D={res.Bits.ToString(digits)} ({Codec.Show(o, res.Bits)}) FLAGS={(byte)res.Flags:x2} ({ExceptionFlagNames.Format(res.Flags)})\n" +
               $"  FA={ea.Name} FB={eb.Name} RM={v.Rounding.ShortName()} SA={v.ScaleA:x2} ({v.Scales.Show(v.ScaleA)}) " +
               $"SB={v.ScaleB:x2} ({v.Scales.Show(v.ScaleB)}) C={v.C:x8} ({Codec.Show(StandardFormats.Fp32, v.C)}){(o == StandardFormats.Fp32 ? "" : $" OUT={o.Name}")}\n" +
               $"  A=[{Els(v.A, ea)}]\n  B=[{Els(v.B, eb)}]";
    }
}
