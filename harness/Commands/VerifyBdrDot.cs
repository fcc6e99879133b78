using System.CommandLine;
using MxRef.Formats;
using MxRef.Harness.Options;
using MxRef.Harness.Verify;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;

namespace MxRef.Harness.Commands;

/// <summary>
/// <c>mxref verify --unit dot-bdr</c>: the generated MX9/MX6/MX4 dot vectors of <c>--block-format</c> (corners +
/// random of <see cref="MicroexponentDotGenerator"/>, at the design's K) and the unit that checks them.
/// </summary>
public static class VerifyBdrDot
{
    public static (IUnit Unit, IGeneratedVectors Vectors) BindGenerated(ParseResult r, GeneratorOptionSet generator, int k,
        IReadOnlyList<(string Name, string Value)> parameters, string sets, ulong seed)
    {
        var options = generator.BindMicroexponent(r)
            ?? throw new UsageException("--unit dot-bdr needs --block-format mx9, mx6 or mx4 (the design's M: 7, 4, 2, passed as --param M=)");
        var format = options.Format;
        if (BdrDotUnit.Check(format, k) is { } why) throw new UsageException(why);
        BdrDotUnit.CheckDesign(format, parameters);
        MicroexponentDotGenerator gen;
        try { gen = new MicroexponentDotGenerator(options with { Block = k }); }
        catch (ArgumentException e) { throw new UsageException(e.Message); }
        var unit = new BdrDotUnit(k, format);
        var coverage = new MicroexponentCoverage(format, StandardFormats.Fp32, options.Modes);
        var names = coverage.Names.ToList();
        var expected = coverage.Expected.Select(n => names.IndexOf(n)).ToArray();
        string text = $"--block-format {format.Name} --rounding {string.Join(',', DotVectorGenerator.ModeNames(options.Modes))}{sets} --seed {seed}";
        var vectors = new IndexedVectors<MicroexponentDotVector>(gen.Total, gen.Generate, i => VerifyUnits.SectionOf(gen.Sections, i), seed, text, expected);
        return (unit, vectors);
    }
}
