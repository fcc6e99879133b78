using MxRef.Dot;
using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Vectors.Generation;

/// <summary>What <see cref="MicroexponentDotGenerator"/> produces: one shared-microexponent block format, its block, modes, output and sets.</summary>
public sealed record MicroexponentDotOptions : SectionedOptions
{
    public required BlockFormat Format { get; init; }
    public required IReadOnlyList<RoundingMode> Modes { get; init; }
    /// <summary>Elements per operand (a multiple of k2; the format's k1 by default).</summary>
    public int Block { get; init; }
    public NumberFormat Output { get; init; } = StandardFormats.Fp32;
    public AccumulationModel Model { get; init; } = AccumulationModel.Fused;

    public int K => Block > 0 ? Block : Format.BlockSize;

    /// <summary>Checks the options; returns a message naming the bad option, or null.</summary>
    public string? Validate()
    {
        if (MicroexponentDotLine.Unsupported(Format) is { } why) return why;
        int k2 = Format.Microexponent!.Size;
        if (K < 1 || K > 4096 || K % k2 != 0) return $"--block must be a multiple of {Format.Name}'s sub-block of {k2} (1..4096), got {K}";
        if (Modes.Count == 0) return "--rounding needs at least one mode";
        if (Modes.Any(m => RoundingModes.FromCode((int)m) is null)) return "only the deterministic modes rne, rtz, rdn, rup, rna, rto have vector codes";
        if (!StandardFormats.Outputs.Contains(Output)) return "--out must be fp32, bf16 or fp16";
        if (Model.Kind == AccumulationKind.Fp32Sum || (Model.Kind == AccumulationKind.Chunked && Model.ChunkSize % k2 != 0))
            return $"--acc {Model}: {Format.Name} vectors take fused or chunked:N with N a multiple of {k2}";
        if (Count < 0) return "--count must be at least 0";
        if (!Corners && !Random) return $"{Format.Name} vectors have --corners and --random sets (no --exhaustive: the unit tests enumerate one sub-block)";
        if (ShardCount < 1 || ShardIndex < 0 || ShardIndex >= ShardCount) return $"--shard I/N needs 0 <= I < N (got {ShardIndex}/{ShardCount})";
        return null;
    }
}

/// <summary>
/// The shared-microexponent dot vector generator (MX9/MX6/MX4, <c>bdr-…</c>): corner families, then weighted random
/// vectors, numbered 0 … <see cref="Total"/>−1. As for <see cref="DotVectorGenerator"/>, vector i is a pure function of
/// the options and i (random draws from <c>MxRandom.ForStream</c> of the seed and the index), so shards are
/// byte-identical to the same lines of the unsharded run; within a family the rounding mode changes fastest.
/// </summary>
public sealed class MicroexponentDotGenerator : ISectionedGenerator<MicroexponentDotVector>
{
    public const string Version = "mxref-vectors-bdr/1";
    private const ulong CornerStreams = 1UL << 62, RandomStreams = 0;

    private delegate void VariantBuilder(MicroexponentDotGenerator g, int variant, MicroexponentDotVector v, ref MxRandom rng);
    private sealed record Family(string Name, Func<MicroexponentDotGenerator, int> Variants, VariantBuilder Build);

    private static readonly Family[] Families =
    [
        new("scales", g => g.ScaleCodes.Length * g.ScaleCodes.Length * 3, (g, i, v, ref r) => g.Scales(i, v, ref r)),
        new("microexponents", g => g.MicroPatterns * 4, (g, i, v, ref r) => g.Micro(i, v, ref r)),
        new("largest", _ => 4 * 2 * 4 * 4, (g, i, v, ref r) => g.Largest(i, v, ref r)),
        new("cancellation", _ => 128, (g, i, v, ref r) => g.Cancellation(i, v, ref r)),
        new("dominant", _ => 2 * 2 * 21, (g, i, v, ref r) => g.Dominant(i, v, ref r)),
        new("specials", _ => 3 * 6 + 4, (g, i, v, ref r) => g.Specials(i, v, ref r)),
        new("zeros", _ => 4 * 3, (g, i, v, ref r) => g.Zeros(i, v, ref r)),
        new("boundaries", _ => 3 * 2 * 2 * 2, (g, i, v, ref r) => g.Boundaries(i, v, ref r)),
        new("tiny", _ => 36, (g, i, v, ref r) => g.Tiny(i, v, ref r)),
    ];

    private sealed record Plan(VectorSection Section, Family? Family);
    private readonly List<Plan> _plans = [];
    private readonly ScaleCodec _codec;
    private readonly int _m, _maxShift, _k2, _subBlocks;
    private readonly uint _signBit, _maxMagnitude;

    public MicroexponentDotOptions Options { get; }
    public IReadOnlyList<VectorSection> Sections { get; }
    public long Total { get; }
    public long ShardStart { get; }
    public long ShardEnd { get; }

    /// <summary>Block-exponent corner codes: the smallest two, unity, the largest two, NaN.</summary>
    private byte[] ScaleCodes { get; }
    private int MicroPatterns => Math.Min(256, 1 << Math.Min(16, _subBlocks * Options.Format.Microexponent!.Bits));

    public MicroexponentDotGenerator(MicroexponentDotOptions options)
    {
        if (options.Validate() is { } problem) throw new ArgumentException(problem);
        Options = options;
        var f = options.Format;
        _codec = f.ScaleCodec;
        _m = f.MagnitudeBits;
        _maxShift = f.Microexponent!.MaxShift;
        _k2 = f.Microexponent.Size;
        _subBlocks = options.K / _k2;
        _signBit = 1u << _m;
        _maxMagnitude = _signBit - 1;
        uint max = _codec.Format.MaxFiniteCode;
        ScaleCodes = [0, 1, (byte)_codec.UnitCode, (byte)(max - 1), (byte)max, (byte)_codec.NanCode];
        long next = 0;
        int modes = options.Modes.Count;
        if (options.Corners)
            foreach (var family in Families)
            {
                var s = new VectorSection("corners/" + family.Name, next, (long)family.Variants(this) * modes);
                _plans.Add(new Plan(s, family));
                next += s.Count;
            }
        if (options.Random && options.Count > 0)
        {
            _plans.Add(new Plan(new VectorSection("random", next, options.Count), null));
            next += options.Count;
        }
        Sections = _plans.Select(p => p.Section).ToArray();
        Total = next;
        (ShardStart, ShardEnd) = options.ShardOf(Total);
    }

    public MicroexponentDotVector NewVector() => new(Options.Format, Options.K);

    /// <summary>Vector <paramref name="index"/>: inputs and the golden model's expected D and FLAGS.</summary>
    public void Generate(long index, MicroexponentDotVector v)
    {
        var plan = _plans.First(p => index < p.Section.End);
        long j = index - plan.Section.Start;
        if (plan.Family is null)
        {
            var rng = MxRandom.ForStream(Options.Seed, RandomStreams + (ulong)j);
            v.Rounding = Options.Modes[rng.NextInt(0, Options.Modes.Count)];
            RandomVector(v, ref rng);
        }
        else
        {
            int modes = Options.Modes.Count;
            v.Rounding = Options.Modes[(int)(j % modes)];
            var rng = MxRandom.ForStream(Options.Seed, CornerStreams + (ulong)index);
            plan.Family.Build(this, (int)(j / modes), v, ref rng);
        }
        var r = v.Evaluate(Options.Output, Options.Model);
        v.D = r.Bits;
        v.Flags = (byte)r.Flags;
    }

    /// <summary>The <c>.mxv</c> header of this run (and shard).</summary>
    public MxvHeader Header(string? command = null)
    {
        var o = Options;
        var sets = new List<string>();
        if (o.Corners) sets.Add("corners");
        if (o.Random) sets.Add("random");
        return new MxvHeader
        {
            Op = MxvHeader.OpDot, Block = o.K, Output = o.Output.Name, Accumulation = o.Model.ToString(), BlockFormat = o.Format.Name,
            Rounding = DotVectorGenerator.ModeNames(o.Modes), Sets = sets, Count = o.Random ? o.Count : null, Seed = o.Seed,
            Shard = o.ShardText, Generator = Version, Command = command,
        };
    }

    // ---- building blocks -------------------------------------------------------------------------------------------

    private uint Element(ref MxRandom r)
    {
        uint sign = r.NextBool() ? _signBit : 0;
        return r.NextInt(0, 6) switch { 0 => sign, 1 => sign | _maxMagnitude, 2 => sign | 1, _ => sign | (uint)r.NextBits(_m) };
    }

    private void RandomElements(uint[] codes, ref MxRandom r)
    {
        for (int i = 0; i < codes.Length; i++) codes[i] = Element(ref r);
    }

    private void RandomMicro(byte[] micro, ref MxRandom r)
    {
        for (int j = 0; j < micro.Length; j++) micro[j] = (byte)r.NextInt(0, _maxShift + 1);
    }

    private void RandomOperands(MicroexponentDotVector v, ref MxRandom r)
    {
        RandomMicro(v.MicroA, ref r); RandomMicro(v.MicroB, ref r);
        RandomElements(v.A, ref r); RandomElements(v.B, ref r);
    }

    /// <summary>A scale code whose exponent is <paramref name="exponent"/>, clamped to the finite codes.</summary>
    private byte ScaleOf(int exponent) => (byte)_codec.FromExponent(Math.Clamp(exponent, _codec.MinExponent, _codec.MaxExponent));

    /// <summary>C = −round(Σ) of the current operands (C = 0 first): the sum then cancels down to its rounding error.</summary>
    private uint NegatedSum(MicroexponentDotVector v)
    {
        v.C = 0;
        var r = v.Evaluate(StandardFormats.Fp32, AccumulationModel.Fused);
        return (r.Bits & 0x7FFFFFFF) >= 0x7F800000 ? 0 : r.Bits ^ 0x80000000u;
    }

    /// <summary>msb exponent of the exact Σ (int.MinValue for zero), from the same fixed point as the model.</summary>
    private int SumMsb(MicroexponentDotVector v)
    {
        Int128 sum = 0;
        for (int i = 0; i < v.K; i++)
        {
            Int128 p = (Int128)((ulong)(v.A[i] & _maxMagnitude) * (v.B[i] & _maxMagnitude)) << (2 * _maxShift - v.MicroA[i / _k2] - v.MicroB[i / _k2]);
            sum += ((v.A[i] ^ v.B[i]) & _signBit) != 0 ? -p : p;
        }
        if (sum == 0) return int.MinValue;
        UInt128 mag = sum < 0 ? (UInt128)(-sum) : (UInt128)sum;
        return 127 - (int)UInt128.LeadingZeroCount(mag) + _codec.Exponent(v.ScaleA) + _codec.Exponent(v.ScaleB) - 2 * (_m - 1) - 2 * _maxShift;
    }

    /// <summary>An FP32 of random sign and significand whose leading bit is 2^<paramref name="msb"/> (normal range clamped).</summary>
    private static uint Fp32At(int msb, ref MxRandom r) =>
        (r.NextBool() ? 0x80000000u : 0) | ((uint)Math.Clamp(msb + 127, 1, 254) << 23) | (uint)r.NextBits(23);

    // ---- corner families -------------------------------------------------------------------------------------------

    /// <summary>Every pair of block-exponent corners (smallest, next, unity, largest two, NaN) × random, largest and smallest magnitudes.</summary>
    private void Scales(int i, MicroexponentDotVector v, ref MxRandom r)
    {
        int n = ScaleCodes.Length, kind = i % 3, pair = i / 3;
        v.ScaleA = ScaleCodes[pair / n];
        v.ScaleB = ScaleCodes[pair % n];
        RandomOperands(v, ref r);
        if (kind > 0)
            for (int e = 0; e < v.K; e++)
            {
                v.A[e] = (v.A[e] & _signBit) | (kind == 1 ? _maxMagnitude : 1);
                v.B[e] = (v.B[e] & _signBit) | (kind == 1 ? _maxMagnitude : 1);
            }
        v.C = kind switch { 0 => 0, 1 => r.NextUInt32() & 0xBFFFFFFF, _ => 0x80000000 };
    }

    /// <summary>Every microexponent pattern of A's block (up to 256), with B's all 0, all max, equal to A's, or its complement.</summary>
    private void Micro(int i, MicroexponentDotVector v, ref MxRandom r)
    {
        int pattern = i / 4, bKind = i % 4, d2 = Options.Format.Microexponent!.Bits;
        bool enumerate = _subBlocks * d2 <= 8;
        for (int j = 0; j < _subBlocks; j++)
            v.MicroA[j] = enumerate ? (byte)((pattern >> (j * d2)) & _maxShift) : (byte)r.NextInt(0, _maxShift + 1);
        for (int j = 0; j < _subBlocks; j++)
            v.MicroB[j] = bKind switch { 0 => 0, 1 => (byte)_maxShift, 2 => v.MicroA[j], _ => (byte)(_maxShift - v.MicroA[j]) };
        RandomElements(v.A, ref r);
        RandomElements(v.B, ref r);
        v.ScaleA = ScaleOf(r.NextInt(-4, 5));
        v.ScaleB = ScaleOf(r.NextInt(-4, 5));
        v.C = r.NextBool() ? 0 : Fp32At(r.NextInt(-8, 9), ref r);
    }

    /// <summary>Every magnitude at its largest: sign patterns × microexponents 0 / max × scale pairs (unity, largest, smallest, mixed) × C.</summary>
    private void Largest(int i, MicroexponentDotVector v, ref MxRandom r)
    {
        int signs = i % 4, micro = i / 4 % 2, scales = i / 8 % 4, c = i / 32;
        for (int e = 0; e < v.K; e++)
        {
            bool negA = signs switch { 0 => false, 1 => true, 2 => e % 2 == 1, _ => e == 0 };
            v.A[e] = (negA ? _signBit : 0) | _maxMagnitude;
            v.B[e] = _maxMagnitude;
        }
        Array.Fill(v.MicroA, (byte)(micro == 0 ? 0 : _maxShift));
        Array.Fill(v.MicroB, (byte)(micro == 0 ? 0 : _maxShift));
        uint max = _codec.Format.MaxFiniteCode;
        (v.ScaleA, v.ScaleB) = scales switch { 0 => ((byte)_codec.UnitCode, (byte)_codec.UnitCode), 1 => ((byte)max, (byte)max), 2 => ((byte)0, (byte)0), _ => ((byte)max, (byte)0) };
        v.C = c switch { 0 => 0, 1 => 0x80000000, 2 => 0x7F7FFFFF, _ => 0xFF7FFFFF };
    }

    /// <summary>
    /// Cancellation: C = −round(Σ) of random blocks (the result is Σ's rounding error, or zero), the same C cut to the
    /// bits above 2^(msb(Σ) − 8) (the result is Σ's low part), and blocks whose pairs cancel
    /// exactly (a_2j+1·b_2j+1 = −a_2j·b_2j, equal microexponents) with C ±0, 1.0 or random.
    /// </summary>
    private void Cancellation(int i, MicroexponentDotVector v, ref MxRandom r)
    {
        RandomOperands(v, ref r);
        v.ScaleA = ScaleOf(r.NextInt(-30, 31));
        v.ScaleB = ScaleOf(r.NextInt(-30, 31));
        if (i < 64)
        {
            v.C = NegatedSum(v);
            // Half of them keep only C's bits at and above 2^(msb(Σ) − 8): C + Σ is then Σ's low part, a partial
            // cancellation (an MX9 sum has at most 20 bits, so −round(Σ) alone cancels it exactly).
            int msb = SumMsb(v), e = (int)(v.C >> 23 & 0xFF);
            if (i % 2 == 1 && msb != int.MinValue && e is > 0 and < 255)
            {
                int clear = Math.Clamp(msb - 8 - (e - 150), 0, 23);
                v.C &= ~((1u << clear) - 1);
            }
            return;
        }
        for (int e = 0; e + 1 < v.K; e += 2)
        {
            v.A[e + 1] = v.A[e] ^ _signBit;
            v.B[e + 1] = v.B[e];
            if (_k2 % 2 == 1) { v.MicroA[(e + 1) / _k2] = v.MicroA[e / _k2]; v.MicroB[(e + 1) / _k2] = v.MicroB[e / _k2]; }
        }
        v.C = (i % 4) switch { 0 => 0, 1 => 0x80000000, 2 => 0x3F800000, _ => r.NextUInt32() & 0xBFFFFFFF };
    }

    /// <summary>C dominating Σ (d = msb(C) − msb(Σ) = 20 … 40) and Σ dominating C (d = −20 … −40), both signs.</summary>
    private void Dominant(int i, MicroexponentDotVector v, ref MxRandom r)
    {
        int d = 20 + i % 21, dir = i / 21 % 2;
        RandomOperands(v, ref r);
        v.A[0] = (v.A[0] & _signBit) | _maxMagnitude; // Σ ≠ 0 in most blocks
        v.B[0] = (v.B[0] & _signBit) | _maxMagnitude;
        v.ScaleA = ScaleOf(r.NextInt(-10, 11));
        v.ScaleB = ScaleOf(r.NextInt(-10, 11));
        int msb = SumMsb(v);
        v.C = msb == int.MinValue ? 0x3F800000 : Fp32At(dir == 0 ? msb + d : msb - d, ref r);
    }

    /// <summary>A NaN block exponent on A, B or both × C (0, qNaN, sNaN, ±Inf, 1.0); then finite scales × special C.</summary>
    private void Specials(int i, MicroexponentDotVector v, ref MxRandom r)
    {
        RandomOperands(v, ref r);
        uint[] cs = [0, 0x7FC00000, 0x7FA00000, 0x7F800000, 0xFF800000, 0x3F800000];
        byte nan = (byte)_codec.NanCode, unit = (byte)_codec.UnitCode;
        if (i < 18)
        {
            int side = i / 6;
            v.ScaleA = side != 1 ? nan : unit;
            v.ScaleB = side != 0 ? nan : unit;
            v.C = cs[i % 6];
            return;
        }
        v.ScaleA = unit;
        v.ScaleB = ScaleOf(r.NextInt(-20, 21));
        v.C = cs[1 + (i - 18)];
    }

    /// <summary>Blocks of signed zeros (all +0, all −0, −0 × +0, mixed) with C +0, −0 or 1.0: rule 4 in every mode.</summary>
    private void Zeros(int i, MicroexponentDotVector v, ref MxRandom r)
    {
        int kind = i % 4, c = i / 4;
        RandomMicro(v.MicroA, ref r); RandomMicro(v.MicroB, ref r);
        for (int e = 0; e < v.K; e++)
        {
            (bool a, bool b) = kind switch { 0 => (false, false), 1 => (true, true), 2 => (true, false), _ => (r.NextBool(), r.NextBool()) };
            v.A[e] = a ? _signBit : 0;
            v.B[e] = kind == 3 && r.NextInt(0, 3) == 0 ? (b ? _signBit : 0) | (uint)r.NextBits(_m) : (b ? _signBit : 0); // mixed: some non-zero B against zero A
        }
        v.ScaleA = ScaleOf(r.NextInt(-5, 6));
        v.ScaleB = ScaleOf(r.NextInt(-5, 6));
        v.C = c switch { 0 => 0, 1 => 0x80000000, _ => 0x3F800000 };
    }

    /// <summary>
    /// Rounding boundaries: one product 2^p (both magnitudes 2^(m−1), i.e. 1.0) against a C whose output ulp is 2^(p+1)
    /// — an exact tie — or the same with a second product 2^(p−2m−2·maxτ) tipping it just above or below; for a normal
    /// and a subnormal result, both signs, an even and an odd C.
    /// </summary>
    private void Boundaries(int i, MicroexponentDotVector v, ref MxRandom r)
    {
        int kind = i % 3, sub = i / 3 % 2, negative = i / 6 % 2, odd = i / 12 % 2;
        var o = Options.Output;
        Array.Clear(v.A); Array.Clear(v.B); Array.Clear(v.MicroA); Array.Clear(v.MicroB);
        // p + 1 = the output ulp: 2^(Emin − M) for a subnormal result, the ulp of a C near 2^(p + 1 + M) otherwise.
        int p = sub == 1 ? o.Emin - o.MantissaBits - 1 : r.NextInt(-20, 21);
        int ea = p / 2, eb = p - ea;
        v.ScaleA = ScaleOf(ea);
        v.ScaleB = ScaleOf(eb);
        uint one = 1u << (_m - 1), sign = negative == 1 ? 0x80000000u : 0;
        v.A[0] = one | (negative == 1 ? _signBit : 0);
        v.B[0] = one;
        // C = (2^M + j)·2^(p+1) in the normal case (a C with M fraction bits), j·2^(p+1) in the subnormal one.
        uint j = (uint)(r.NextBits(sub == 1 ? 9 : Math.Min(o.MantissaBits, 20)) & ~1UL) | (uint)odd;
        double cValue = sub == 1 ? j : (1L << o.MantissaBits) + j;
        v.C = sign | (BitConverter.SingleToUInt32Bits((float)Math.ScaleB(cValue, p + 1)) & 0x7FFFFFFF);
        if (kind > 0 && v.K > 1)
        {
            // A second, small product M = 1 × M = 1, in the next sub-block shifted by the largest microexponents where
            // there is one: 2^(p − 2(m−1) − 2·maxτ), which tips the tie up or down.
            int e = v.K > _k2 ? _k2 : 1;
            v.A[e] = 1u | (kind == 1 ? (negative == 1 ? _signBit : 0) : (negative == 1 ? 0 : _signBit));
            v.B[e] = 1;
            if (e == _k2) { v.MicroA[1] = (byte)_maxShift; v.MicroB[1] = (byte)_maxShift; }
        }
    }

    /// <summary>Block exponents whose sum lands the products near and below the output's subnormal range; C 0, ±min subnormal or ±min normal.</summary>
    private void Tiny(int i, MicroexponentDotVector v, ref MxRandom r)
    {
        RandomOperands(v, ref r);
        int target = Options.Output.Emin - 30 + i; // Ea + Eb from Emin − 30 to Emin + 5
        int ea = target / 2;
        v.ScaleA = ScaleOf(ea);
        v.ScaleB = ScaleOf(target - ea);
        v.C = (i % 5) switch { 0 => 0, 1 => 1, 2 => 0x80000001, 3 => 0x00800000, _ => 0x80800000 };
    }

    // ---- weighted random ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Random operands: block exponents near unity (E in −20..20) most of the time, anywhere one time in eight, NaN one
    /// in 64; C zero, −round(Σ) (cancellation), near Σ's magnitude, or any FP32 bit pattern, a quarter each.
    /// </summary>
    private void RandomVector(MicroexponentDotVector v, ref MxRandom r)
    {
        RandomOperands(v, ref r);
        v.ScaleA = RandomScale(ref r);
        v.ScaleB = RandomScale(ref r);
        switch (r.NextInt(0, 4))
        {
            case 0: v.C = r.NextBool() ? 0 : 0x80000000; break;
            case 1: v.C = NegatedSum(v); break;
            case 2:
                int msb = SumMsb(v);
                v.C = msb == int.MinValue ? 0x3F800000 : Fp32At(msb + r.NextInt(-30, 31), ref r);
                break;
            default: v.C = r.NextUInt32(); break;
        }
    }

    private byte RandomScale(ref MxRandom r)
    {
        int pick = r.NextInt(0, 64);
        if (pick == 0) return (byte)_codec.NanCode;
        if (pick < 8) return (byte)r.NextInt(0, (int)_codec.Format.MaxFiniteCode + 1);
        return ScaleOf(r.NextInt(-20, 21));
    }
}
