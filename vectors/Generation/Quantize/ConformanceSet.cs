using System.Globalization;
using System.Text;
using MxRef.Formats;
using MxRef.Quantization;
using MxRef.Rounding;
using MxRef.Random;
using MxRef.Vectors.Files;
using MxRef.Vectors.Tensors;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation.Quantize;

/// <summary>What one recipe's conformance file holds: its path, vector count and vectors per corner class.</summary>
public sealed record ConformanceFile(Recipe Recipe, string Path, IReadOnlyList<BlockFormat> Formats, long Count, IReadOnlyDictionary<string, long> PerClass);

/// <summary>
/// The vendor-neutral conformance set: per recipe one <c>.mxv</c> quantize file (line <c>FMT RM V S P</c>, RM 0, the
/// header's <c>recipe</c> and <c>block_formats</c> say how it was made) holding the <see cref="RecipeCorners"/> classes
/// for every block format of <see cref="Formats"/> the recipe supports, each class after a <c>// class: NAME</c> comment.
/// </summary>
public static class ConformanceSet
{
    public const string Generator = "mxref-conformance/1";

    /// <summary>The block formats conformance files cover: every format whose codes fit a quantize line (no microexponents).</summary>
    public static readonly IReadOnlyList<BlockFormat> Formats =
    [
        BlockFormat.MxFp8E4M3, BlockFormat.MxFp8E5M2, BlockFormat.MxFp6E3M2, BlockFormat.MxFp6E2M3, BlockFormat.MxFp4E2M1, BlockFormat.MxInt8, BlockFormat.NvFp4,
    ];

    /// <summary>
    /// The shared-microexponent formats: their blocks carry microexponents, which a quantize line has no field for, so
    /// each gets a <c>quantize-bdr</c> file of its own per recipe that applies (<c>RECIPE-FORMAT.mxv</c>, <see cref="WriteBdr"/>).
    /// </summary>
    public static readonly IReadOnlyList<BlockFormat> BdrFormats = [BlockFormat.Mx9, BlockFormat.Mx6, BlockFormat.Mx4];

    /// <summary>
    /// Writes the quantize-bdr conformance file of <paramref name="recipe"/> on <paramref name="format"/>: the
    /// <see cref="BdrCorners"/> classes (line <c>RM V S M P</c>, RM 0), and with <paramref name="random"/> &gt; 0 that many
    /// random blocks after them.
    /// </summary>
    public static ConformanceFile WriteBdr(string path, Recipe recipe, BlockFormat format, ulong seed = 1, string? command = null, long random = 0)
    {
        var gen = new BdrQuantizeGenerator(new BdrQuantizeGeneratorOptions
        {
            Format = format, Modes = [RoundingMode.NearestEven], Recipe = recipe, Seed = seed, Corners = true, Random = random > 0, Count = random,
        });
        var perClass = new Dictionary<string, long>();
        using var writer = MxvWriter.Create(path, gen.Header(command));
        var q = new BdrQuantizeVector(format);
        foreach (var section in gen.Sections)
        {
            string name = section.Name[(section.Name.IndexOf('/') + 1)..];
            writer.WriteComment($"class: {name} ({format.Name})");
            perClass[name] = section.Count;
            for (long i = section.Start; i < section.End; i++)
            {
                gen.Generate(i, q);
                writer.WriteBdrQuantize(q);
            }
        }
        writer.Commit();
        return new ConformanceFile(recipe, path, [format], writer.Count, perClass);
    }

    /// <summary>Writes the file of <paramref name="recipe"/>; formats: the supported ones of <see cref="Formats"/> (those with the most common k).</summary>
    /// <remarks>
    /// <paramref name="random"/> &gt; 0 appends a <c>// class: random-blocks</c> section of that many weighted-random blocks
    /// (the policy generator's block distribution, <see cref="QuantizeVectorGenerator"/>), each of a format drawn from the
    /// file's formats, so that an implementation of the recipe can be soaked beyond the corner classes.
    /// </remarks>
    /// <summary>The random section's MxRandom streams start here (the corner classes use streams below it).</summary>
    private const ulong RandomStreams = 1UL << 40;

    public static ConformanceFile Write(string path, Recipe recipe, ulong seed = 1, string? command = null, IReadOnlyList<BlockFormat>? only = null, long random = 0)
    {
        var formats = (only ?? Formats).Where(recipe.Supports).ToList();
        if (formats.Count == 0) throw new ArgumentException($"recipe {recipe.Name} supports none of the conformance block formats ({string.Join(", ", only ?? Formats)})");
        int k = formats.GroupBy(f => f.BlockSize).OrderByDescending(g => g.Count()).First().Key;
        formats = formats.Where(f => f.BlockSize == k).ToList();
        var header = new MxvHeader
        {
            Op = MxvHeader.OpQuantize, Block = k, Recipe = recipe.Name, BlockFormats = [.. formats.Select(f => f.Name)],
            TensorScale = formats.Any(f => f.TensorScale is not null) ? "0x" + RecipeEvaluation.UnitTensorScale.ToString("x8", CultureInfo.InvariantCulture) : null,
            FormatsA = [.. formats.Select(f => f.Element.Name)], Rounding = ["rne"],
            Sets = random > 0 ? [.. RecipeCorners.Names, "random-blocks"] : RecipeCorners.Names, Count = random > 0 ? random : null, Seed = seed,
            Generator = Generator, Command = command,
        };
        var perClass = RecipeCorners.Names.ToDictionary(n => n, _ => 0L);
        using var writer = MxvWriter.Create(path, header);
        var q = new QuantizeVector(k);
        foreach (var f in formats)
            foreach (var c in RecipeCorners.For(f, seed))
            {
                writer.WriteComment($"class: {c.Name} ({f.Name})");
                foreach (var block in c.Blocks)
                {
                    block.CopyTo(q.V, 0);
                    q.Format = f.Element;
                    q.Rounding = RoundingMode.NearestEven;
                    RecipeEvaluation.SetExpected(q, f, recipe);
                    writer.WriteQuantize(q);
                    perClass[c.Name]++;
                }
            }
        if (random > 0)
        {
            writer.WriteComment("class: random-blocks");
            perClass["random-blocks"] = random;
            for (long i = 0; i < random; i++)
            {
                var rng = MxRandom.ForStream(seed, RandomStreams + (ulong)i);
                var f = formats[rng.NextInt(0, formats.Count)];
                QuantizeVectorGenerator.RandomBlock(q, ref rng);
                q.Format = f.Element;
                q.Rounding = RoundingMode.NearestEven;
                RecipeEvaluation.SetExpected(q, f, recipe);
                writer.WriteQuantize(q);
            }
        }
        writer.Commit();
        return new ConformanceFile(recipe, path, formats, writer.Count, perClass);
    }

    /// <summary>
    /// Writes one file per named recipe into <paramref name="dir"/> and a README.md table of them. A recipe this build
    /// cannot evaluate (the model throws <see cref="NotSupportedException"/>) gets no file and is reported in
    /// <paramref name="skipped"/> and the README, never silently dropped.
    /// </summary>
    public static IReadOnlyList<ConformanceFile> WriteAll(string dir, ulong seed, out IReadOnlyList<(Recipe Recipe, string Reason)> skipped)
    {
        Directory.CreateDirectory(dir);
        var files = new List<ConformanceFile>();
        var missing = new List<(Recipe, string)>();
        foreach (var r in Recipe.Named)
        {
            try
            {
                files.Add(Write(Path.Combine(dir, r.Name + ".mxv"), r, seed, $"mxref vectors gen --op quantize --recipe {r.Name} --seed {seed}"));
                foreach (var f in BdrFormats.Where(r.Supports))
                    files.Add(WriteBdr(Path.Combine(dir, $"{r.Name}-{f.Name}.mxv"), r, f, seed,
                        $"mxref vectors gen --op quantize-bdr --block-format {f.Name} --recipe {r.Name} --seed {seed}"));
            }
            catch (NotSupportedException e)
            {
                missing.Add((r, e.Message));
            }
        }
        skipped = missing;
        var readme = Readme(files) + string.Concat(missing.Select(m => $"\nNot written: `{m.Item1.Name}`: {m.Item2}\n"));
        AtomicWrite.Bytes(Path.Combine(dir, "README.md"), s => s.Write(Encoding.UTF8.GetBytes(readme)));
        return files;
    }

    public static string Readme(IReadOnlyList<ConformanceFile> files)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# MxRef quantization conformance vectors");
        sb.AppendLine();
        sb.AppendLine("One `.mxv` quantize file per recipe (docs/vector-format.md; docs/quantization.md, \"Conformance vectors\"). Each line");
        sb.AppendLine("`FMT RM V S P` is one block of k FP32 inputs `V` quantized on its own (per-tensor scale 1.0 where the format has one)");
        sb.AppendLine("into the scale code `S` and element codes `P` by the recipe named in the header; `RM` is 0, the recipe decides the");
        sb.AppendLine("rounding. `// class: NAME (FORMAT)` comments mark the corner classes. Check a DUT's output with `mxref vectors check`.");
        sb.AppendLine();
        sb.AppendLine("| recipe | source | block formats | vectors | classes |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var f in files)
            sb.AppendLine($"| `{f.Recipe.Name}` | {f.Recipe.Source} | {string.Join(", ", f.Formats.Select(x => x.Name))} | {f.Count} | " +
                          string.Join(", ", f.PerClass.Where(p => p.Value > 0).Select(p => $"{p.Key} {p.Value}")) + " |");
        if (files.Any(f => f.Formats.Any(b => b.HasMicroexponents)))
        {
            sb.AppendLine();
            sb.AppendLine("The shared-microexponent files (`RECIPE-FORMAT.mxv`, header op `quantize-bdr`) hold one block of k1 FP32 inputs per line");
            sb.AppendLine("`RM V S M P`: the inputs `V`, the block exponent `S`, the k1/k2 microexponents `M` and the sign-magnitude element");
            sb.AppendLine("codes `P`, packed as the `MA`/`A` fields of a shared-microexponent dot line (docs/vector-format.md).");
        }
        return sb.ToString();
    }
}
