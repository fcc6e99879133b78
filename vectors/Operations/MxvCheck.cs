using MxRef.Dot;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation.Quantize;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Operations;

/// <summary>One vector whose expected values differ from the golden model's: its line and every field decoded.</summary>
public sealed record MxvDifference(long Line, string Description);

/// <summary>The outcome of checking one file: vectors read, how many differ, and the first differences in file order.</summary>
public sealed record MxvCheckResult(string File, long Vectors, long Differences, IReadOnlyList<MxvDifference> Reported)
{
    /// <summary>The one-line summary, e.g. <c>a.mxv: 6472 vectors, 0 differ</c>.</summary>
    public string Summary => $"{File}: {Vectors} vectors, {Differences} differ{(Differences > Reported.Count ? $" (first {Reported.Count} shown)" : "")}";
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
        long differences = reader.Header.Op == MxvHeader.OpQuantize ? Quantize(reader, path, maxReport, Keep)
            : reader.Header.MicroexponentFormat is { } f ? MicroexponentDotCheck.Dot(reader, f, path, maxReport, Keep)
            : Dot(reader, path, maxReport, Keep);
        return new MxvCheckResult(path, reader.Count, differences, reported);
    }

    private static long Dot(MxvReader reader, string path, int maxReport, Action<MxvDifference> keep)
    {
        var h = reader.Header;
        var outFormat = h.OutputFormat;
        var model = h.Model;
        var v = new DotVector(h.Block);
        long differences = 0;
        while (reader.ReadNext(v))
        {
            var res = v.Evaluate(outFormat, model);
            if (res.Bits == v.D && (byte)res.Flags == v.Flags) continue;
            if (++differences <= maxReport) keep(new MxvDifference(reader.LineNumber, Describe(path, reader.LineNumber, v, res, outFormat)));
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
            var f = StandardFormats.Elements[q.Format];
            keep(new MxvDifference(reader.LineNumber,
                $"{path}:{reader.LineNumber}: file S={q.Scale:x2} P=[{string.Join(' ', q.P.Select(c => Codec.Show(f, c)))}], " +
                $"golden S={scale:x2} P=[{string.Join(' ', codes.Select(c => Codec.Show(f, c)))}]\n" +
                $"  FMT={f.Name} RM={((RoundingMode)q.Rounding).ShortName()} V=[{string.Join(' ', q.V.Select(x => Codec.Show(StandardFormats.Fp32, x)))}]"));
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

    private static string Describe(string path, long line, DotVector v, DotResult res, NumberFormat o)
    {
        var ea = v.FormatA; var eb = v.FormatB;
        string Els(byte[] codes, NumberFormat f) => string.Join(' ', codes.Select(x => Codec.Show(f, x)));
        string digits = "x" + DotLine.ResultDigits(o);
        return $"{path}:{line}: file D={v.D.ToString(digits)} ({Codec.Show(o, v.D)}) FLAGS={v.Flags:x2} ({ExceptionFlagNames.Format((ExceptionFlags)v.Flags)}), " +
               $"golden D={res.Bits.ToString(digits)} ({Codec.Show(o, res.Bits)}) FLAGS={(byte)res.Flags:x2} ({ExceptionFlagNames.Format(res.Flags)})\n" +
               $"  FA={ea.Name} FB={eb.Name} RM={v.Rounding.ShortName()} SA={v.ScaleA:x2} ({v.Scales.Show(v.ScaleA)}) " +
               $"SB={v.ScaleB:x2} ({v.Scales.Show(v.ScaleB)}) C={v.C:x8} ({Codec.Show(StandardFormats.Fp32, v.C)})\n" +
               $"  A=[{Els(v.A, ea)}]\n  B=[{Els(v.B, eb)}]";
    }
}
