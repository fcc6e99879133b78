using MxRef.Formats;
using MxRef.Random;

namespace MxRef.Vectors.Generation.Quantize;

/// <summary>One corner class of the recipe conformance set: a name, what it probes, and its input blocks.</summary>
public sealed record CornerClass(string Name, string Probes, IReadOnlyList<uint[]> Blocks);

/// <summary>
/// The input blocks on which quantization recipes are reported to disagree (E8M0 rounding of the scale, its clamps and
/// code 0x00 = 2^−127, the amax at and around powers of two and the element maximum, FP32 subnormals, specials, element
/// ties, saturation, signed zeros). Each block is k FP32 bit patterns for one block format; the set is a pure function
/// of (format, seed). Values other than the probed amax are drawn below it, so the probed value stays the block maximum.
/// </summary>
public static class RecipeCorners
{
    /// <summary>The class names in generation order (docs/quantization.md lists what each probes).</summary>
    public static readonly string[] Names =
    [
        "scale-zero-code", "amax-pow2", "amax-elem-max", "scale-ties", "fp32-subnormal-amax", "inf-nan",
        "element-ties", "saturation", "signed-zeros", "fp32-extremes", "random",
    ];

    /// <summary>Exponents at which the power-of-two and element-maximum classes are probed.</summary>
    private static readonly int[] Exponents = [-126, -100, -20, -1, 0, 1, 7, 8, 9, 15, 16, 64, 120, 127];

    public static IReadOnlyList<CornerClass> For(BlockFormat format, ulong seed = 1)
    {
        var gen = new Builder(format, seed);
        return
        [
            new("scale-zero-code", "the scale clamps at its bottom: E8M0 0x00 is 2^-127, not zero", gen.ScaleZeroCode()),
            new("amax-pow2", "amax exactly at, one FP32 ulp below and above a power of two", gen.AmaxPow2()),
            new("amax-elem-max", "amax at, just below and just above the element max times a power of two, and at the element rounding boundary above it", gen.AmaxElemMax()),
            new("scale-ties", "amax whose significand lies on, or one ulp either side of, a midpoint of the element's significand grid (EVEN rounds it first)", gen.ScaleTies()),
            new("fp32-subnormal-amax", "every value an FP32 subnormal, amax around 0x00400000", gen.SubnormalAmax()),
            new("inf-nan", "+Inf, -Inf, quiet and signalling NaN in a block", gen.InfNan()),
            new("element-ties", "elements exactly on midpoints of the element grid and one FP32 ulp either side (rne vs ties-away)", gen.ElementTies()),
            new("saturation", "amax just below the next power of two: the floor rule saturates the largest elements", gen.Saturation()),
            new("signed-zeros", "+0, -0, and negative values that round to zero", gen.SignedZeros()),
            new("fp32-extremes", "amax at FP32 max, 2^127 and the top binade", gen.Fp32Extremes()),
            new("random", "blocks spanning a few binades around a random exponent", gen.Random()),
        ];
    }

    private sealed class Builder(BlockFormat format, ulong seed)
    {
        private readonly int _k = format.BlockSize;
        private readonly double _elemMax = ElementMax(format.Element);
        private MxRandom _rng = new(seed);

        private static double ElementMax(NumberFormat f)
        {
            var (sig, exp) = f.MaxFinite;
            return Math.ScaleB(sig, exp);
        }

        private static uint Bits(double v) => BitConverter.SingleToUInt32Bits((float)v);

        /// <summary>A block whose largest magnitude is <paramref name="amax"/> (FP32 bits), the others random below it.</summary>
        private uint[] Around(uint amax, int spread = 6)
        {
            var b = new uint[_k];
            uint mag = amax & 0x7FFFFFFF;
            for (int i = 0; i < _k; i++)
            {
                uint m = mag >= 0x7F800000 ? 0x3F800000 : (uint)Math.Max(0, (long)mag - (long)_rng.NextBelow((ulong)spread << 23) - 1);
                b[i] = m | (_rng.NextBool() ? 0x80000000u : 0);
            }
            b[_rng.NextInt(0, _k)] = amax;
            return b;
        }

        private uint[] Fill(Func<int, uint> value)
        {
            var b = new uint[_k];
            for (int i = 0; i < _k; i++) b[i] = value(i);
            return b;
        }

        public List<uint[]> ScaleZeroCode()
        {
            var r = new List<uint[]>();
            int emax = (int)Math.Floor(Math.Log2(_elemMax));
            foreach (int e in new[] { -127 + emax, -127 + emax - 1, -127 + emax + 1, -149 + 24, -130 })
                foreach (double m in new[] { 1.0, 1.5, 1.9999999 })
                {
                    double v = Math.ScaleB(m, e);
                    if (v >= Math.ScaleB(1, -149)) r.Add(Around(Bits(v), 3));
                }
            return r;
        }

        public List<uint[]> AmaxPow2()
        {
            var r = new List<uint[]>();
            foreach (int e in Exponents)
            {
                uint p = (uint)(e + 127) << 23;
                r.Add(Around(p));
                r.Add(Around(p - 1));
                r.Add(Around(p + 1));
                r.Add(Around(p | 0x80000000)); // a negative amax
            }
            return r;
        }

        public List<uint[]> AmaxElemMax()
        {
            var r = new List<uint[]>();
            // The element's rounding boundary above its max: max + half the spacing of its top binade.
            double ulp = Math.ScaleB(1, format.Element.MaxFinite.Exponent);
            foreach (int e in new[] { -30, -1, 0, 8, 20 })
            {
                double at = Math.ScaleB(_elemMax, e);
                if (at >= float.MaxValue) continue;
                uint m = Bits(at);
                r.Add(Around(m));
                r.Add(Around(m - 1));
                r.Add(Around(m + 1));
                uint boundary = Bits(Math.ScaleB(_elemMax + ulp / 2, e));
                r.Add(Around(boundary));
                r.Add(Around(boundary - 1));
                r.Add(Around(boundary + 1));
            }
            return r;
        }

        public List<uint[]> ScaleTies()
        {
            var r = new List<uint[]>();
            int m = Math.Max(1, format.Element.MantissaBits);
            foreach (int e in new[] { -20, 0, 5, 30 })
                foreach (int j in new[] { 0, 1, (1 << m) - 1 })
                {
                    // (1 + (2j + 1) / 2^(m+1)) · 2^e: halfway between two significands of m bits.
                    double tie = Math.ScaleB(1 + (2.0 * j + 1) / (1 << (m + 1)), e);
                    uint t = Bits(tie);
                    r.Add(Around(t, 3));
                    r.Add(Around(t - 1, 3));
                    r.Add(Around(t + 1, 3));
                }
            return r;
        }

        public List<uint[]> SubnormalAmax()
        {
            var r = new List<uint[]>();
            foreach (uint a in new uint[] { 0x00400000, 0x003FFFFF, 0x00400001, 0x007FFFFF, 0x00000001, 0x00200000, 0x00600000 })
            {
                var b = Fill(_ => (uint)_rng.NextBelow(a + 1) | (_rng.NextBool() ? 0x80000000u : 0));
                b[_rng.NextInt(0, _k)] = a;
                r.Add(b);
            }
            return r;
        }

        public List<uint[]> InfNan()
        {
            var r = new List<uint[]>();
            foreach (uint[] specials in new uint[][]
            {
                [0x7F800000], [0xFF800000], [0x7FC00000], [0x7FA00000], [0xFFC00000], [0x7F800000, 0xFF800000], [0x7F800000, 0x7FC00000],
            })
            {
                var b = Around(0x3F800000, 4);
                for (int i = 0; i < specials.Length; i++) b[(i * 5 + 1) % _k] = specials[i];
                r.Add(b);
            }
            r.Add(Fill(i => i == 0 ? 0x7F800000u : 0u)); // Inf among zeros
            r.Add(Fill(_ => 0x7FC00000u));               // all NaN
            return r;
        }

        public List<uint[]> ElementTies()
        {
            var r = new List<uint[]>();
            var values = PositiveValues(format.Element);
            foreach (int s in new[] { 0, -10, 20 })
                foreach (int offset in new[] { 0, -1, 1 })
                {
                    var b = new uint[_k];
                    b[0] = Bits(Math.ScaleB(_elemMax, s)); // fixes the scale at 2^s for the floor and exact rules
                    for (int i = 1; i < _k; i++)
                    {
                        int j = _rng.NextInt(0, values.Count - 1);
                        uint t = (uint)((long)Bits(Math.ScaleB((values[j] + values[j + 1]) / 2, s)) + offset);
                        b[i] = t | (_rng.NextBool() ? 0x80000000u : 0);
                    }
                    r.Add(b);
                }
            return r;
        }

        private static List<double> PositiveValues(NumberFormat f)
        {
            var v = new SortedSet<double> { 0 };
            for (uint c = 0; c <= f.CodeMask; c++)
            {
                var d = Codec.Decode(f, c);
                if (d.IsNaN || d.IsInfinity || d.Negative) continue;
                v.Add(d.ToDouble());
            }
            return [.. v];
        }

        public List<uint[]> Saturation()
        {
            var r = new List<uint[]>();
            foreach (int e in new[] { -60, 0, 3, 40 })
            {
                uint top = ((uint)(e + 128) << 23) - 1; // 2^(e+1) less one FP32 ulp
                r.Add(Around(top, 2));
                r.Add(Around(Bits(Math.ScaleB(1.75, e)), 2));
                var all = Fill(_ => top - (uint)_rng.NextBelow(16)); // every element near the top: many saturate
                r.Add(all);
            }
            return r;
        }

        public List<uint[]> SignedZeros()
        {
            var r = new List<uint[]>
            {
                Fill(_ => 0u),
                Fill(_ => 0x80000000u),
                Fill(i => i % 2 == 0 ? 0u : 0x80000000u),
            };
            var b = Fill(_ => 0x80000000u | (uint)_rng.NextBelow(0x00800000)); // negative subnormals under a large amax
            b[0] = 0x4B000000; // 2^23
            r.Add(b);
            var c = Fill(i => i % 2 == 0 ? 0x80000000u : 0u);
            c[1] = 0xBF800000; // -1 among signed zeros
            r.Add(c);
            var d = Fill(_ => 0xB3800000u); // -2^-24 under amax 1: rounds to -0 in every narrow element
            d[0] = 0x3F800000;
            r.Add(d);
            return r;
        }

        public List<uint[]> Fp32Extremes() =>
        [
            Around(0x7F7FFFFF), Around(0xFF7FFFFF), Around(0x7F000000), Around(0x7F400000), Fill(_ => 0x7F7FFFFFu),
        ];

        public List<uint[]> Random()
        {
            var r = new List<uint[]>();
            for (int n = 0; n < 16; n++)
            {
                int top = _rng.NextInt(1, 254);
                r.Add(Fill(_ => (uint)(_rng.NextUInt64() & 0x807FFFFF) | ((uint)Math.Max(0, top - _rng.NextInt(0, 6)) << 23)));
            }
            return r;
        }
    }
}
