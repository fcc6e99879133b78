using MxRef.Dot;
using MxRef.Formats;
using MxRef.Harness.Verify;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// The dot unit's model and coverage steps without a simulation: the expected record carries only the flags the design
/// reports, while coverage counts the golden model's full flags (docs/verify.md: a described unit without a UF output
/// still reaches <c>result:underflow</c>), and the classes counted from the model's outcome are the classifier's own.
/// </summary>
public sealed class DotUnitCoverageTests
{
    private const byte Uf = 0x02;

    /// <summary>e4m3 1.0 × 1.0 with both E8M0 scales at 2^−127: the product 2^−254 rounds to +0 with UF and NX.</summary>
    private static void Underflowing(DotVector v)
    {
        v.FormatA = v.FormatB = StandardFormats.E4M3;
        v.Rounding = RoundingMode.NearestEven;
        v.ScaleA = v.ScaleB = 0x00;
        Array.Clear(v.A);
        Array.Clear(v.B);
        v.A[0] = v.B[0] = 0x38; // e4m3 1.0 (OCP MX v1.0 §5.3.1: bias 7, 0 0111 000)
        v.C = 0;
    }

    [Fact]
    public void CoverageCountsTheModelsFullFlagsWhenTheDesignLacksUf()
    {
        var unit = new DotUnit(4, AccumulationModel.Fused, null, (byte)(DotUnit.AllFlags & ~Uf));
        var batch = (DotBatch)unit.NewBatch();
        Underflowing(batch.Vectors[0]);
        batch.Count = 1;
        unit.Evaluate(batch, 0, 1);
        unit.Classify(batch, 0, 1);
        Assert.Equal(0, batch.ExpectedResult(0)[4] & Uf); // not compared: the design has no UF output
        Assert.Equal(1, batch.Coverage[CoverageClasses.Id("result:underflow")]);
    }

    [Theory]
    [InlineData(false)] // model and coverage per vector, the outcome on the stack (the default)
    [InlineData(true)]  // two passes over the chunk, the outcome stored in the batch (MXREF_VERIFY_PROFILE=split)
    public void ClassesFromTheOutcomeAreTheClassifiersOwn(bool split)
    {
        var unit = new DotUnit(32, AccumulationModel.Fused) { SplitsModelAndCoverage = split };
        var batch = (DotBatch)unit.NewBatch();
        Assert.Equal(split ? VectorBatch.Capacity : 0, batch.Outcomes.Length);
        Assert.Equal(split, unit.HasCoverageStep); // the chunk loop calls Classify only then
        var options = new MxRef.Vectors.Generation.DotGeneratorOptions
        {
            FormatsA = StandardFormats.Elements.ToArray(), FormatsB = StandardFormats.Elements.ToArray(),
            Modes = RoundingModes.Deterministic.ToArray(), Block = 32, Corners = true, Random = true, Count = 100_000, Seed = 7,
        };
        var generator = new MxRef.Vectors.Generation.DotVectorGenerator(options);
        var classifier = new DotClassifier(StandardFormats.Fp32);
        var counts = new long[CoverageClasses.Count];
        var coverage = new long[CoverageClasses.Count];
        int n = VectorBatch.Capacity, total = 4096; // 4,096 vectors, in as many batches as that takes
        for (int first = 0; first < total; first += n)
        {
            for (int i = 0; i < n; i++) generator.GenerateInputs((first + i) * generator.Total / total, batch.Vectors[i]); // corners of every family, and random vectors
            batch.Count = n;
            Array.Clear(batch.Coverage);
            unit.Evaluate(batch, 0, n);
            if (unit.HasCoverageStep) unit.Classify(batch, 0, n); // as SimSession's chunk loop
            for (int c = 0; c < coverage.Length; c++) coverage[c] += batch.Coverage[c];
            for (int i = 0; i < n; i++)
            {
                var v = batch.Vectors[i];
                var r = MxRef.Vectors.Text.DotEvaluation.Evaluate(v, StandardFormats.Fp32, AccumulationModel.Fused);
                Assert.Equal(r.Bits, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(batch.ExpectedResult(i)));
                v.D = r.Bits;
                v.Flags = (byte)r.Flags;
                classifier.Classify(v, counts); // forms the product sum itself
            }
        }
        Assert.Equal(counts, coverage);
    }
}
