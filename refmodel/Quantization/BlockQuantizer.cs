using MxRef.Formats;
using MxRef.Random;
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
        int rows = rowLength == 0 ? 0 : fp32.Length / rowLength;
        int perRow = (rowLength + k - 1) / k;
        int blocks = rows * perRow;
        var scales = new byte[blocks];
        var micro = new byte[format.HasMicroexponents ? blocks * format.SubBlocks : 0];
        var elements = new byte[blocks * k];
        uint tensorScale = QuantizedTensor.UnitTensorScale;

        if (format.HasMicroexponents || recipe.Elements == ElementStep.ExactQuotient && !recipe.ForNvfp4)
            QuantizeExact(format, recipe, fp32, options, rows, rowLength, perRow, scales, micro, elements);
        else if (recipe.Elements == ElementStep.Fp32Product)
        {
            var q = new Fp32ProductQuantizer(recipe, format);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < perRow; c++)
                {
                    int start = r * rowLength + c * k, count = Math.Min(k, rowLength - c * k), b = r * perRow + c;
                    scales[b] = q.QuantizeBlock(fp32.Slice(start, count), elements.AsSpan(b * k, k));
                }
        }
        else
        {
            var q = new Nvfp4Quantizer(recipe, fp32, options.TensorScale);
            tensorScale = q.StoredTensorScale;
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < perRow; c++)
                {
                    int start = r * rowLength + c * k, count = Math.Min(k, rowLength - c * k), b = r * perRow + c;
                    uint amax;
                    if (options.TwoDimensional)
                    {
                        // TE 2-D: one amax per k×k tile (k rows × the block's k columns); every row of the tile shares it.
                        amax = 0;
                        int top = r / k * k, bottom = Math.Min(top + k, rows);
                        for (int t = top; t < bottom; t++) amax = q.BlockAmax(fp32.Slice(t * rowLength + c * k, count), amax);
                    }
                    else amax = q.BlockAmax(fp32.Slice(start, count));
                    scales[b] = q.QuantizeBlock(fp32.Slice(start, count), amax, elements.AsSpan(b * k, k));
                }
        }
        return new QuantizedTensor(format, recipe, fp32.Length, options.RowLength > 0 ? rowLength : fp32.Length, options.TwoDimensional,
            tensorScale, scales, micro, elements);
    }

    /// <summary>The exact-quotient recipes (ocp, exact-ceil, microxcaling, gfloat) and the shared-microexponent formats.</summary>
    private static void QuantizeExact(BlockFormat format, Recipe recipe, ReadOnlySpan<uint> fp32, QuantizeOptions options,
        int rows, int rowLength, int perRow, byte[] scales, byte[] micro, byte[] elements)
    {
        var policy = recipe.PolicyFor(options.Policy);
        int k = format.BlockSize;
        var random = options.RandomBits.Span;
        if (!format.HasMicroexponents)
        {
            // One plan for the tensor, codes written straight into the result; blocks in input order, so the drawn
            // stochastic bits follow the input index whatever the row layout (docs/quantization.md).
            var plan = new MxPlan(format.Element, policy);
            var stochastic = new StochasticBits(policy, random, fp32.Length, k);
            for (int r = 0; r < rows; r++)
                for (int c = 0; c < perRow; c++)
                {
                    int start = r * rowLength + c * k, count = Math.Min(k, rowLength - c * k), b = r * perRow + c;
                    scales[b] = plan.QuantizeBlock(fp32.Slice(start, count), elements.AsSpan(b * k, k), stochastic.ForBlock(start, count));
                }
            return;
        }
        // Rows of whole blocks are one run of blocks (a call per tensor); otherwise one run per row, each padded.
        bool whole = rowLength % k == 0;
        int runs = whole ? (rows > 0 ? 1 : 0) : rows, runLength = whole ? rows * rowLength : rowLength, runBlocks = whole ? rows * perRow : perRow;
        uint[]? drawn = null;
        if (policy.Rounding == RoundingMode.Stochastic && random.IsEmpty && runs > 1)
        {
            // Input i takes the i-th draw whatever the row layout (docs/quantization.md).
            drawn = new uint[fp32.Length];
            var rng = new MxRandom(policy.StochasticSeed);
            for (int i = 0; i < drawn.Length; i++) drawn[i] = (uint)rng.NextBits(policy.StochasticWidth);
            random = drawn;
        }
        for (int r = 0; r < runs; r++)
        {
            var run = fp32.Slice(r * runLength, runLength);
            var runRandom = random.IsEmpty ? default : random.Slice(r * runLength, runLength);
            BdrQuantizer.Quantize(format, run, policy, scales.AsSpan(r * runBlocks, runBlocks),
                micro.AsSpan(r * runBlocks * format.SubBlocks, runBlocks * format.SubBlocks), elements.AsSpan(r * runBlocks * k, runBlocks * k), runRandom);
        }
    }

    /// <summary>
    /// The dequantized values as FP32 bit patterns (<see cref="QuantizedTensor.Length"/> values, padding dropped): an
    /// MX block scale × element exactly, rounded once to FP32 (NaN scale: NaN); NVFP4 as the recipe's source
    /// dequantizes (docs/quantization.md).
    /// </summary>
    public static uint[] Dequantize(QuantizedTensor q)
    {
        var f = q.Format;
        int k = f.BlockSize;
        var all = new uint[q.Elements.Length];
        if (f.HasMicroexponents)
        {
            var codes = new uint[q.Elements.Length];
            for (int i = 0; i < codes.Length; i++) codes[i] = q.Elements[i];
            BdrQuantizer.Dequantize(f, q.Scales, q.Microexponents, codes, all);
        }
        else if (f.ScaleCodec.IsPowerOfTwo)
        {
            var codec = f.ScaleCodec;
            var ctx = new RoundingContext(RoundingMode.NearestEven, OverflowPolicy.Ieee);
            for (int b = 0; b < q.BlockCount; b++)
            {
                bool nan = codec.IsNaN(q.Scales[b]);
                int e = nan ? 0 : codec.Exponent(q.Scales[b]);
                for (int i = b * k; i < (b + 1) * k; i++)
                    all[i] = nan ? MxQuantizer.Fp32QuietNan : MxQuantizer.Scaled(Codec.Decode(f.Element, q.Elements[i]), e, ctx);
            }
        }
        else
        {
            for (int b = 0; b < q.BlockCount; b++)
                for (int i = b * k; i < (b + 1) * k; i++)
                    all[i] = Nvfp4Quantizer.Dequantize(q.Recipe, q.TensorScale, q.Scales[b], q.Elements[i]);
        }
        var output = new uint[q.Length];
        for (int i = 0; i < output.Length; i++) output[i] = all[q.ElementIndex(i)];
        return output;
    }
}
