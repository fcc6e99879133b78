using MxRef.Formats;
using MxRef.Random;

namespace MxRef.Vectors.Generation.Quantize;

/// <summary>
/// The corner classes of shared-microexponent quantization (MX9/MX6/MX4 and <c>bdr-…</c> shapes; Rouhani et al., ISCA
/// 2023, §3): the block exponent E at and around powers of two, its clamps and the FP32 extremes; sub-blocks whose
/// maximum puts τ at 0, at each shift up to the largest, beyond it (clamped) and all-zero; elements on the midpoints of
/// their sub-block's grid M·2^(E − τ − (m − 1)) and one FP32 ulp either side; elements that round up out of their
/// sub-block's range (saturation); values that round to zero; specials and FP32 subnormals. Each block is k1 FP32 bit
/// patterns; the set is a pure function of (format, seed).
/// </summary>
public static class BdrCorners
{
    /// <summary>The class names in generation order (docs/vector-format.md, "op = quantize-bdr").</summary>
    public static readonly string[] Names =
    [
        "block-exponent", "microexponents", "element-ties", "saturation", "to-zero", "specials", "fp32-subnormal", "fp32-extremes", "random",
    ];

    /// <summary>Block exponents at which the element classes are probed (2^127 is the top of E8M0, 2^−126 the FP32 normal bottom).</summary>
    private static readonly int[] Exponents = [-126, -20, -1, 0, 1, 30, 126];

    public static IReadOnlyList<CornerClass> For(BlockFormat format, ulong seed = 1)
    {
        if (format.Microexponent is null) throw new ArgumentException($"{format.Name} has no microexponents");
        var b = new Builder(format, seed);
        // The classes that do not depend on the element grid are the recipe set's own blocks (RecipeCorners).
        var shared = RecipeCorners.For(format, seed).ToDictionary(c => c.Name, c => c.Blocks);
        return
        [
            new("block-exponent", "amax at, one FP32 ulp below and above 2^E, negative, and below 2^-127 (E clamps)", b.BlockExponent()),
            new("microexponents", "sub-block maxima that give each shift 0..2^d2-1, beyond the largest shift (clamped), and all-zero sub-blocks", b.Microexponents()),
            new("element-ties", "elements on midpoints of their sub-block's grid and one FP32 ulp either side, at shift 0 and the largest shift", b.ElementTies()),
            new("saturation", "sub-block maxima just below the next binade: they round up out of the sub-block's range and saturate", b.Saturation()),
            new("to-zero", "tiny values of both signs under a large amax, and values at half the smallest magnitude", b.ToZero()),
            new("specials", "+Inf, -Inf, quiet and signalling NaN, all +0, all -0, mixed signed zeros", [.. shared["inf-nan"], .. b.SignedZeros()]),
            new("fp32-subnormal", "FP32 subnormals alone and under a normal amax (the flush option)", b.Subnormals()),
            new("fp32-extremes", "amax at FP32 max, 2^127 and the top binade", shared["fp32-extremes"]),
            new("random", "blocks spanning a few binades around a random exponent", shared["random"]),
        ];
    }

    private sealed class Builder(BlockFormat format, ulong seed)
    {
        private readonly int _k = format.BlockSize, _k2 = format.Microexponent!.Size, _m = format.MagnitudeBits;
        private readonly int _maxShift = format.Microexponent!.MaxShift;
        private MxRandom _rng = new(seed);

        /// <summary>FP32 bits of sig·2^exp (exact; the callers stay inside FP32's range and precision).</summary>
        private static uint F(ulong sig, int exp) => Fp32Values.Fp32(false, sig, exp);

        private uint Sign() => _rng.NextBool() ? 0x80000000u : 0u;

        /// <summary>A random magnitude in [2^lo, 2^hi) (FP32 normal exponents).</summary>
        private uint Between(int lo, int hi) => F((1UL << 23) | _rng.NextBelow(1UL << 23), _rng.NextInt(lo, hi) - 23);

        /// <summary>A block whose largest magnitude is <paramref name="amax"/>, the others up to <paramref name="spread"/> binades below it.</summary>
        private uint[] Around(uint amax, int spread = 4)
        {
            var b = new uint[_k];
            uint mag = amax & 0x7FFFFFFF;
            for (int i = 0; i < _k; i++)
                b[i] = (uint)Math.Max(0, (long)mag - (long)_rng.NextBelow((ulong)spread << 23) - 1) | Sign();
            b[_rng.NextInt(0, _k)] = amax;
            return b;
        }

        public List<uint[]> BlockExponent()
        {
            var r = new List<uint[]>();
            foreach (int e in Exponents.Append(127))
            {
                uint p = F(1, e);
                r.Add(Around(p));
                r.Add(Around(p - 1));
                if (e < 127) r.Add(Around(p + 1));
                r.Add(Around(p | 0x80000000));
            }
            // E = floor(log2 amax) below the scale's range clamps to its bottom (E8M0 0x00 = 2^-127).
            foreach (uint a in new uint[] { 0x00400000, 0x003FFFFF, 0x00000001, 0x00200000 })
            {
                var b = new uint[_k];
                for (int i = 0; i < _k; i++) b[i] = (uint)_rng.NextBelow(a + 1UL) | Sign();
                b[_rng.NextInt(0, _k)] = a;
                r.Add(b);
            }
            return r;
        }

        public List<uint[]> Microexponents()
        {
            var r = new List<uint[]>();
            int subs = _k / _k2;
            foreach (int e in new[] { 0, -100, 100 })
            {
                // Sub-block j's maximum lies t_j binades below 2^E: t_j = 0 .. maxShift + 2 (clamped beyond maxShift), or
                // the sub-block is all zero; the first sub-block holds 2^E itself.
                for (int pattern = 0; pattern < 4; pattern++)
                {
                    var b = new uint[_k];
                    for (int j = 0; j < subs; j++)
                    {
                        int t = j == 0 ? 0 : pattern switch
                        {
                            0 => j % (_maxShift + 3),
                            1 => _rng.NextInt(0, _maxShift + 3),
                            2 => j % 2 == 0 ? _maxShift : _maxShift + 1,
                            _ => -1, // all-zero sub-blocks
                        };
                        for (int i = j * _k2; i < (j + 1) * _k2; i++)
                            b[i] = t < 0 ? (pattern == 3 && j % 2 == 0 ? 0x80000000u : 0u) : Between(e - t - 3, e - t) | Sign();
                        if (t >= 0)
                        {
                            // The sub-block's maximum: exactly 2^(E−t), or just below 2^(E−t+1).
                            int at = j * _k2 + _rng.NextInt(0, _k2);
                            b[at] = (_rng.NextBool() ? F(1, e - t) : F(1, e - t + 1) - 1) | Sign();
                        }
                    }
                    b[0] = F(1, e) | Sign();
                    r.Add(b);
                }
            }
            return r;
        }

        public List<uint[]> ElementTies()
        {
            var r = new List<uint[]>();
            foreach (int e in Exponents)
                foreach (int tau in new[] { 0, _maxShift })
                    foreach (int offset in new[] { 0, -1, 1 })
                    {
                        var b = new uint[_k];
                        int unit = e - tau - (_m - 1); // the sub-block's grid: M·2^unit
                        for (int i = 0; i < _k; i++)
                        {
                            // (M + 1/2)·2^unit with M + 1/2 < 2^m: below 2^(E−τ+1), so τ stays as set below.
                            ulong mid = 2 * _rng.NextBelow(1UL << _m) + 1;
                            if (unit - 1 < -149) { b[i] = 0; continue; }
                            b[i] = (uint)((long)F(mid, unit - 1) + offset) | Sign();
                        }
                        // Pin E with 2^E in sub-block 0 and τ with 2^(E−τ) in every other sub-block.
                        for (int j = 0; j < _k / _k2; j++) b[j * _k2] = F(1, j == 0 ? e : e - tau) | Sign();
                        r.Add(b);
                    }
            return r;
        }

        public List<uint[]> Saturation()
        {
            var r = new List<uint[]>();
            foreach (int e in new[] { -60, 0, 3, 40, 126 })
            {
                var b = new uint[_k];
                for (int j = 0; j < _k / _k2; j++)
                {
                    int tau = j % (_maxShift + 1);
                    uint top = F(1, e - tau + 1) - 1; // 2^(E−τ+1) less one FP32 ulp: above (2^m − 1/2)·2^(E−τ−(m−1))
                    for (int i = j * _k2; i < (j + 1) * _k2; i++) b[i] = (top - (uint)_rng.NextBelow(4)) | Sign();
                }
                r.Add(b);
                r.Add(Around(F(1, e + 1) - 1, 1));
            }
            return r;
        }

        public List<uint[]> ToZero()
        {
            var r = new List<uint[]>();
            foreach (int e in new[] { 0, -100, 120 })
            {
                int unit = e - _maxShift - (_m - 1);
                var tiny = new uint[_k];
                for (int i = 0; i < _k; i++) tiny[i] = (i % 2 == 0 ? 0x80000000u : 0) | F(1, Math.Max(-149, e - 40));
                tiny[0] = F(1, e);
                r.Add(tiny);
                var half = new uint[_k]; // exactly half the smallest magnitude of a τ = 0 and of a clamped sub-block, ± one ulp
                for (int i = 0; i < _k; i++)
                {
                    int u = i < _k2 ? e - (_m - 1) : unit;
                    half[i] = (uint)((long)F(1, u - 1) + (i % 3) - 1) | Sign();
                }
                half[0] = F(1, e);
                r.Add(half);
            }
            return r;
        }

        public List<uint[]> SignedZeros() => [Fill(_ => 0u), Fill(_ => 0x80000000u), Fill(i => i % 3 == 0 ? 0x80000000u : 0u)];

        public List<uint[]> Subnormals()
        {
            var r = new List<uint[]>
            {
                Fill(_ => (uint)_rng.NextBelow(0x00800000) | Sign()),
                Fill(_ => 0x007FFFFFu),
            };
            var under = Fill(_ => (uint)_rng.NextBelow(0x00800000) | Sign());
            under[3 % _k] = 0x00800000; // the smallest normal above them
            r.Add(under);
            var mixed = Fill(_ => (uint)_rng.NextBelow(0x00800000) | Sign());
            mixed[0] = 0x0A000000;
            r.Add(mixed);
            return r;
        }

        private uint[] Fill(Func<int, uint> value)
        {
            var b = new uint[_k];
            for (int i = 0; i < _k; i++) b[i] = value(i);
            return b;
        }
    }
}
