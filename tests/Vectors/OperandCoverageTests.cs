using MxRef.Dot;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Coverage;
using MxRef.Vectors.Files;
using MxRef.Vectors.Generation;
using Xunit;

namespace MxRef.Tests.Vectors;

/// <summary>
/// The classifier's operand classes (found for a whole block at once: by nibble look-ups in SSE registers, or per code
/// from a table) are those of its codes one by one (<see cref="CoverageClasses.OperandClass"/>), for blocks of 16 codes
/// and more (the vector path, with a tail of fewer than 16) and of fewer; and its exact value is
/// <see cref="ExactSum.Add"/>'s window.
/// </summary>
public sealed class OperandCoverageTests
{
    [Theory]
    [InlineData(32)]
    [InlineData(16)]
    [InlineData(20)]
    [InlineData(4)]
    public void OperandClassesAreThoseOfEachCode(int k)
    {
        var o = DotGeneratorOptions.AllFormatsAndModes(seed: 11, count: 20_000) with { Block = k };
        var gen = new DotVectorGenerator(o);
        var classifier = new DotClassifier(StandardFormats.Fp32);
        var deferred = new DotClassifier(StandardFormats.Fp32);
        var v = new DotVector(k);
        var counts = CoverageReport.NewCounters();
        var deferredCounts = CoverageReport.NewCounters();
        var expected = new long[counts.Length];
        var ops = Enumerable.Range(0, counts.Length).Where(c => CoverageClasses.Names[c].StartsWith("op:")).ToArray();
        ulong state = 0x9E3779B97F4A7C15UL;
        for (long i = 0; i < gen.Total; i++)
        {
            gen.Generate(i, v);
            // Every other random vector with some codes drawn uniformly from the format's codes (the classes' codes and
            // their neighbours in both nibbles, in any lane).
            if (i % 2 == 1 && i >= gen.Sections[^1].Start)
                for (int j = 0; j < k; j++)
                {
                    state = state * 6364136223846793005UL + 1442695040888963407UL;
                    if ((state >> 60) == 0) v.A[j] = (byte)((state >> 40) & v.FormatA.CodeMask);
                    if ((state >> 56 & 0xF) == 0) v.B[j] = (byte)((state >> 32) & v.FormatB.CodeMask);
                }
            classifier.Classify(v, counts);
            deferred.ClassifyDeferred(v, default, deferredCounts);
            var seen = new HashSet<int>();
            foreach (var (format, codes) in new[] { (v.FormatA, v.A), (v.FormatB, v.B) })
                foreach (byte code in codes)
                    if (CoverageClasses.OperandClass(format, code) is var id and >= 0) seen.Add(id);
            foreach (int id in seen) expected[id]++;
        }
        deferred.Flush();
        foreach (int id in ops)
        {
            Assert.True(expected[id] == counts[id], $"{CoverageClasses.Names[id]}: {counts[id]} counted, {expected[id]} expected");
            Assert.True(expected[id] == deferredCounts[id], $"{CoverageClasses.Names[id]}: {deferredCounts[id]} deferred, {expected[id]} expected");
        }
        Assert.True(ops.Count(id => expected[id] > 0) > ops.Length * 3 / 4);
    }

    [Fact]
    public void ExactValueIsExactSumsWindow()
    {
        ulong state = 12345;
        ulong Next() { state = state * 6364136223846793005UL + 1442695040888963407UL; return state ^ (state >> 29); }
        for (int n = 0; n < 200_000; n++)
        {
            // Sums of up to 100 bits (and zero), Cs of every FP32 class that is finite, exponents close and far apart.
            int bits = (int)(Next() % 101);
            Int128 sum = bits == 0 ? Int128.Zero : (Int128)(((UInt128)Next() << 64 | Next()) >> (128 - bits));
            if ((Next() & 1) != 0) sum = -sum;
            int sumExponent = (int)(Next() % 400) - 300;
            uint cBits = (uint)Next();
            if ((Next() & 3) == 0) cBits &= 0x807FFFFF; // subnormal or zero
            if ((Next() & 7) == 0) cBits &= 0x80000000; // ±0
            var c = Codec.Decode(StandardFormats.Fp32, cBits);
            if (!c.IsFinite) continue;
            if ((Next() & 1) != 0 && sum != 0) // C's exponent near the sum's
                cBits = (cBits & 0x807FFFFF) | (uint)Math.Clamp(sumExponent + 150 + (int)(Next() % 140) - 40, 1, 254) << 23;
            c = Codec.Decode(StandardFormats.Fp32, cBits);
            int msbSum = sum == 0 ? int.MinValue : sumExponent + 127 - (int)UInt128.LeadingZeroCount((UInt128)(sum < 0 ? -sum : sum));
            int msbC = c.IsZero ? int.MinValue : c.Exponent + 63 - System.Numerics.BitOperations.LeadingZeroCount(c.Significand);
            var got = ExactValue.Add(sum, sumExponent, msbSum, c.Negative, (uint)c.Significand, c.Exponent, msbC);
            var want = ExactSum.Add(sum, sumExponent, c.Negative ? -(Int128)c.Significand : (Int128)c.Significand, c.Exponent);
            Assert.True(want == got, $"sum {sum}·2^{sumExponent}, C 0x{cBits:X8}: {got}, ExactSum {want}");
        }
    }
}
