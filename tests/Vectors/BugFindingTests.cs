using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Generation;
using MxRef.Vectors.Text;
using Xunit;
using MxRef.Vectors.Files;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The generator's purpose: finding bugs. Each mutant is a plausible RTL mistake; the corner vectors of a single format
/// pair (a couple of thousand vectors) must expose every one of them.
/// </summary>
public class BugFindingTests
{
    private delegate DotResult Mutant(DotVector v, DotVector previous, NumberFormat output);

    private static DotResult Golden(DotVector v, NumberFormat o) => v.Evaluate(o, AccumulationModel.Fused);

    private static DotResult WithMode(DotVector v, RoundingMode mode, NumberFormat o)
    {
        var saved = v.Rounding;
        v.Rounding = mode;
        var r = Golden(v, o);
        v.Rounding = saved;
        return r;
    }

    public static TheoryData<string> Mutants => new(MutantsByName.Keys);

    private static readonly Dictionary<string, Mutant> MutantsByName = new()
    {
        // Ties go away from zero in rne (a missing "even" check).
        ["rne-ties-away"] = (v, _, o) => WithMode(v, v.Rounding == RoundingMode.NearestEven ? RoundingMode.NearestAway : v.Rounding, o),
        // The rounding mode is taken from the previous vector (a pipeline-stage mix-up).
        ["mode-from-previous-vector"] = (v, p, o) => WithMode(v, p.Rounding, o),
        // Products summed in FP32 instead of exactly (no wide accumulator).
        ["fp32-accumulation"] = (v, _, o) => v.Evaluate(o, AccumulationModel.Fp32Sum),
        // A chunked accumulator (rounds every 8 products) where the spec asks for one rounding.
        ["chunked-accumulation"] = (v, _, o) => v.Evaluate(o, AccumulationModel.Chunked(8)),
        // Exact zeros always +0 (sign rule forgotten).
        ["zero-always-positive"] = (v, _, o) => Golden(v, o) is var r && r.Bits == o.NegativeZeroCode ? r with { Bits = 0 } : r,
        // The underflow flag is never raised.
        ["no-underflow-flag"] = (v, _, o) => Golden(v, o) is var r ? r with { Flags = r.Flags & ~ExceptionFlags.Underflow } : r,
        // Overflow saturates to max finite in every mode.
        ["overflow-saturates"] = (v, _, o) => Golden(v, o) is var r && (r.Flags & ExceptionFlags.Overflow) != 0
            ? r with { Bits = (r.Bits & o.NegativeZeroCode) | o.MaxFiniteCode } : r,
        // The NaN scale 0xFF treated as an ordinary scale (2^128).
        ["nan-scale-ignored"] = (v, _, o) =>
        {
            if (v.ScaleA != 0xFF && v.ScaleB != 0xFF) return Golden(v, o);
            var (sa, sb) = (v.ScaleA, v.ScaleB);
            if (v.ScaleA == 0xFF) v.ScaleA = 0xFE;
            if (v.ScaleB == 0xFF) v.ScaleB = 0xFE;
            var r = Golden(v, o);
            (v.ScaleA, v.ScaleB) = (sa, sb);
            return r;
        },
        // A signalling NaN in C does not raise NV.
        ["snan-quiet"] = (v, _, o) => Golden(v, o) is var r && (v.C & 0x7FC00000) == 0x7F800000 && (v.C & 0x3FFFFF) != 0
            ? r with { Flags = r.Flags & ~ExceptionFlags.Invalid } : r,
        // rto forgets to force the last bit odd (behaves as rtz).
        ["rto-as-rtz"] = (v, _, o) => WithMode(v, v.Rounding == RoundingMode.ToOdd ? RoundingMode.TowardZero : v.Rounding, o),
    };

    [Theory]
    [MemberData(nameof(Mutants))]
    public void CornersExposeTheMutant(string name)
    {
        var mutant = MutantsByName[name];
        foreach (var output in new[] { StandardFormats.Fp32, StandardFormats.Bf16 })
        {
            var o = new DotGeneratorOptions
            {
                FormatsA = [StandardFormats.E4M3], FormatsB = [StandardFormats.E5M2], Modes = RoundingModes.Deterministic, Block = 32, Corners = true, Output = output,
            };
            var gen = new DotVectorGenerator(o);
            var v = new DotVector(32);
            var previous = new DotVector(32);
            long caught = 0;
            for (long i = 0; i < gen.Total; i++)
            {
                gen.Generate(i, v);
                var r = mutant(v, previous, output);
                if (r.Bits != v.D || (byte)r.Flags != v.Flags) caught++;
                (v, previous) = (previous, v);
            }
            Assert.True(caught > 0, $"{name} with {output.Name} output passes all {gen.Total} corner vectors");
        }
    }
}
