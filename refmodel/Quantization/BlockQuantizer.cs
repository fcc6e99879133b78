using MxRef.Formats;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// FP32 → any <see cref="BlockFormat"/> under any <see cref="Recipe"/>, and back. Blocks run along rows
/// (<see cref="QuantizeOptions.RowLength"/>; a 1-D input is one row); a row whose length is not a multiple of k is
/// padded with +0 where the recipe pads and rejected where its source rejects it (<see cref="Recipe.PadsPartialBlocks"/>).
/// </summary>
public static class BlockQuantizer
{
    public static QuantizedTensor Quantize(BlockFormat format, Recipe recipe, ReadOnlySpan<uint> fp32, QuantizeOptions? options = null)
    {
        var job = Prepare(format, recipe, fp32, options);
        var scales = new byte[job.BlockCount];
        var micro = new byte[job.MicroexponentCount];
        var elements = new byte[job.ElementCount];
        job.QuantizeBlocks(fp32, 0, job.BlockCount, scales, micro, elements);
        return job.Result(scales, micro, elements);
    }

    /// <summary>
    /// Checks the request and lays the tensor out in blocks (and, for NVFP4 with no tensor scale given, computes it from
    /// the global amax), without quantizing: the caller then quantizes blocks into its own buffers with
    /// <see cref="QuantizationJob.QuantizeBlocks"/>, all at once or, when <see cref="QuantizationJob.Splittable"/>,
    /// in ranges in any order.
    /// </summary>
    public static QuantizationJob Prepare(BlockFormat format, Recipe recipe, ReadOnlySpan<uint> fp32, QuantizeOptions? options = null)
    {
        options ??= QuantizeOptions.Default;
        if (recipe.WhyNot(format) is { } why)
            throw new ArgumentException($"{why}; recipes for {format.Name}: {string.Join(", ", Recipe.Named.Where(r => r.Supports(format)).Select(r => r.Name))}");
        int k = format.BlockSize;
        if (options.RowLength < 0) throw new ArgumentException("the row length must be 0 (1-D) or positive");
        if (options.TwoDimensional && options.RowLength == 0) throw new ArgumentException("2-D blocks need a row length");
        if (options.TwoDimensional && !recipe.ForNvfp4)
            throw new ArgumentException($"2-D blocks are TransformerEngine's NVFP4 weight layout; {recipe.Name} quantizes 1-D blocks");
        if (options.TensorScale is not null && format.TensorScale is null)
            throw new ArgumentException($"{format.Name} has no per-tensor scale");
        int rowLength = options.RowLength > 0 ? options.RowLength : fp32.Length;
        if (options.RowLength > 0 && fp32.Length % rowLength != 0)
            throw new ArgumentException($"{fp32.Length} values are not whole rows of {rowLength}");
        if (!recipe.PadsPartialBlocks && rowLength % k != 0)
            throw new ArgumentException($"{recipe.Name} rejects a row of {rowLength} values, not a multiple of the block size {k} " +
                "(its source asserts the last dimension is divisible by the block size; the other recipes pad with +0)");
        return new QuantizationJob(format, recipe, options, fp32, rowLength);
    }

    /// <summary>
    /// The dequantized values as FP32 bit patterns (<see cref="QuantizedTensor.Length"/> values, padding dropped): an
    /// MX block scale × element exactly, rounded once to FP32 (NaN scale: NaN); NVFP4 as the recipe's source
    /// dequantizes (docs/quantization.md).
    /// </summary>
    public static uint[] Dequantize(QuantizedTensor q)
    {
        var output = GC.AllocateUninitializedArray<uint>(q.Length); // every value is written
        Dequantize(q, output);
        return output;
    }

    /// <summary>The dequantized values (as <see cref="Dequantize(QuantizedTensor)"/>) into <paramref name="output"/> (<see cref="QuantizedTensor.Length"/> values).</summary>
    public static void Dequantize(QuantizedTensor q, Span<uint> output)
    {
        var f = q.Format;
        if (output.Length != q.Length) throw new ArgumentException($"the output holds {output.Length} values, the tensor {q.Length}", nameof(output));
        // Rows of whole blocks have no padding: value i is element i, so the values go straight to the output.
        bool padded = q.RowLength != 0 && q.RowLength % f.BlockSize != 0;
        Span<uint> all = padded ? new uint[q.Elements.Length] : output;
        if (f.HasMicroexponents)
        {
            var codes = new uint[q.Elements.Length];
            for (int i = 0; i < codes.Length; i++) codes[i] = q.Elements[i];
            BdrQuantizer.Dequantize(f, q.Scales, q.Microexponents, codes, all);
        }
        else DequantizeElements(q, 0, q.BlockCount, all);
        if (padded)
            for (int i = 0; i < output.Length; i++) output[i] = all[q.ElementIndex(i)];
    }

    /// <summary>
    /// Whether <see cref="DequantizeBlocks"/> applies: no shared microexponents and rows of whole blocks (value i is
    /// element i), so that any range of blocks dequantizes on its own.
    /// </summary>
    public static bool BlocksDequantizeApart(QuantizedTensor q) =>
        !q.Format.HasMicroexponents && (q.RowLength == 0 || q.RowLength % q.Format.BlockSize == 0);

    /// <summary>
    /// Dequantizes blocks [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) into their
    /// values of <paramref name="output"/> (the whole tensor's, <see cref="QuantizedTensor.Length"/> values), as
    /// <see cref="Dequantize(QuantizedTensor, Span{uint})"/> does; only where <see cref="BlocksDequantizeApart"/>.
    /// </summary>
    public static void DequantizeBlocks(QuantizedTensor q, int first, int count, Span<uint> output)
    {
        if (!BlocksDequantizeApart(q)) throw new ArgumentException("blocks with shared microexponents or padded rows dequantize as a whole");
        if (output.Length != q.Length || first < 0 || count < 0 || first + count > q.BlockCount)
            throw new ArgumentOutOfRangeException(nameof(count), $"blocks [{first}, {first + count}) of {q.BlockCount} into {output.Length} values");
        DequantizeElements(q, first, count, output);
    }

    /// <summary>Blocks [first, first + count) of a format without microexponents into <paramref name="all"/>, indexed by element (padding included).</summary>
    private static void DequantizeElements(QuantizedTensor q, int first, int count, Span<uint> all)
    {
        var f = q.Format;
        int k = f.BlockSize;
        if (!f.ScaleCodec.IsPowerOfTwo)
        {
            for (int i = first * k; i < (first + count) * k; i++)
                all[i] = Nvfp4Quantizer.Dequantize(q.Recipe, q.TensorScale, q.Scales[i / k], q.Elements[i]);
            return;
        }
        var codec = f.ScaleCodec;
        var ctx = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
        var values = ElementValues(f.Element);
        var bits = ElementBits(f.Element);
        for (int b = first; b < first + count; b++)
        {
            bool nan = codec.IsNaN(q.Scales[b]);
            int e = nan ? 0 : codec.Exponent(q.Scales[b]);
            var elements = q.Elements.AsSpan(b * k, k);
            var block = all.Slice(b * k, k);
            if (nan) block.Fill(MxQuantizer.Fp32QuietNan);
            else if (bits is not null && e >= bits.MinScale && e <= bits.MaxScale)
            {
                // Every finite non-zero v·2^e is an FP32 normal here, so its bits are v's with e added to the exponent
                // field (exact: no rounding happens); zeros, NaN and ±Inf keep their bits. The same bits as the
                // product below (tests/Quantization compares every element code under every scale code).
                uint step = (uint)e << 23;
                int any = 0;
                for (int i = 0; i < elements.Length; i++)
                {
                    byte c = elements[i];
                    any |= c;
                    block[i] = bits.Bits[c] + (step & bits.Scaled[c]);
                }
                if (any >> f.Element.Bits != 0) foreach (byte c in elements) Codec.Decode(f.Element, c); // a byte that is no code: the decoder's error
            }
            else if (values is not null && Math.Abs(e) <= MaxProductScale)
            {
                // v·2^e is exact in binary64 (v has at most 24 significant bits, both exponents are small), so its
                // conversion to binary32 is the one IEEE 754 rounding, to nearest even, overflowing to ±Inf: the
                // rounding core's result under (NearestEven, Ieee), which tests/Quantization compares for every
                // element code and scale code. NaN and ±Inf element codes take the core's path.
                double scale = Math.ScaleB(1.0, e);
                for (int i = 0; i < k; i++)
                {
                    double v = values[elements[i]];
                    block[i] = double.IsNaN(v) ? MxQuantizer.Scaled(Codec.Decode(f.Element, elements[i]), e, ctx)
                        : BitConverter.SingleToUInt32Bits((float)(v * scale));
                }
            }
            else
                for (int i = 0; i < k; i++) block[i] = MxQuantizer.Scaled(Codec.Decode(f.Element, elements[i]), e, ctx);
        }
    }

    /// <summary>
    /// Each code of a byte-wide element format as FP32 bits under scale 2^0 (the rounding core's result), with a mask
    /// that is all ones where the value is finite and non-zero, and the scale exponents e for which every such value
    /// times 2^e stays an FP32 normal (so its bits are the code's plus e in the exponent field). Null when a finite
    /// non-zero value is not itself an FP32 normal or a code is wider than a byte.
    /// </summary>
    private sealed record ElementBitsTable(uint[] Bits, uint[] Scaled, int MinScale, int MaxScale);

    private static ElementBitsTable? ElementBits(NumberFormat element) => ElementBitsTables.GetOrAdd(element, f =>
    {
        if (f.Bits > 8) return null;
        var ctx = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
        uint[] bits = new uint[256], scaled = new uint[256];
        int lowest = int.MaxValue, highest = int.MinValue; // exponent fields of the finite non-zero values
        for (uint c = 0; c < 256; c++)
        {
            if (c >> f.Bits != 0) continue; // never a code of the format: +0, not scaled
            var d = Codec.Decode(f, c);
            bits[c] = MxQuantizer.Scaled(d, 0, ctx);
            uint magnitude = bits[c] & BlockScan.AbsMask;
            if (d.IsNaN || d.IsInfinity || magnitude == 0) continue;
            if (magnitude < BlockScan.MinNormalBits || magnitude >= BlockScan.InfinityBits) return null;
            scaled[c] = uint.MaxValue;
            lowest = Math.Min(lowest, (int)(magnitude >> 23));
            highest = Math.Max(highest, (int)(magnitude >> 23));
        }
        return highest < 0 ? null : new ElementBitsTable(bits, scaled, 1 - lowest, BlockScan.Fp32ExponentFieldMax - 1 - highest);
    });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<NumberFormat, ElementBitsTable?> ElementBitsTables = new();

    /// <summary>|scale exponent| up to which <see cref="ElementValues"/>' products stay exact binary64 normals.</summary>
    private const int MaxProductScale = 512;

    /// <summary>
    /// Each code of a byte-wide element format as its exact binary64 value (NaN for NaN and ±Inf codes, which the
    /// rounding core handles); null when a code does not fit (wider codes, more than 24 significant bits, exponents
    /// beyond ±400).
    /// </summary>
    private static double[]? ElementValues(NumberFormat element) => ElementValueTables.GetOrAdd(element, f =>
    {
        if (f.Bits > 8) return null;
        var values = new double[256];
        for (uint c = 0; c < 256; c++)
        {
            if (c >> f.Bits != 0) { values[c] = double.NaN; continue; }
            var d = Codec.Decode(f, c);
            if (d.IsNaN || d.IsInfinity) { values[c] = double.NaN; continue; }
            if (d.Significand >> 24 != 0 || Math.Abs(d.Exponent) > 400) return null;
            double v = Math.ScaleB((double)d.Significand, d.Exponent);
            values[c] = d.Negative ? -v : v;
        }
        return values;
    });

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<NumberFormat, double[]?> ElementValueTables = new();
}
