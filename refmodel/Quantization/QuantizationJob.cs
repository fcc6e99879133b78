using MxRef.Formats;
using MxRef.Random;
using MxRef.Rounding;

namespace MxRef.Quantization;

/// <summary>
/// One tensor's quantization, checked and laid out by <see cref="BlockQuantizer.Prepare"/>: the block layout (rows of
/// <see cref="RowLength"/> values, each padded to <see cref="BlocksPerRow"/> blocks) and, for NVFP4, the per-tensor
/// scale. <see cref="QuantizeBlocks"/> writes the codes into the caller's buffers, so a caller can quantize straight into
/// the bytes it writes to a file, and quantize disjoint block ranges side by side: each block's codes are a function of
/// its own values and the tensor scale only (when <see cref="Splittable"/>), so any split gives the same bytes.
/// </summary>
public sealed class QuantizationJob
{
    private enum Path { Exact, Fp32Product, Nvfp4 }

    private readonly Path _path;
    private readonly QuantizationPolicy _policy;
    private readonly Nvfp4Quantizer? _nvfp4;

    public BlockFormat Format { get; }
    public Recipe Recipe { get; }
    public QuantizeOptions Options { get; }
    /// <summary>Input values.</summary>
    public int Length { get; }
    /// <summary>Values per row (the whole input when it is 1-D).</summary>
    public int RowLength { get; }
    public int Rows => RowLength == 0 ? 0 : Length / RowLength;
    public int BlocksPerRow => (RowLength + Format.BlockSize - 1) / Format.BlockSize;
    public int BlockCount => Rows * BlocksPerRow;
    public int ElementCount => BlockCount * Format.BlockSize;
    public int MicroexponentCount => Format.HasMicroexponents ? BlockCount * Format.SubBlocks : 0;
    /// <summary>FP32 bits of the per-tensor scale stored with the result (1.0 when the format has none).</summary>
    public uint TensorScale { get; }

    /// <summary>
    /// Whether blocks may be quantized in separate ranges. Not for stochastic rounding drawn from a seed (the draws
    /// follow the input order through one generator) nor for shared-microexponent formats (quantized in runs).
    /// </summary>
    public bool Splittable => !Format.HasMicroexponents && !(_path == Path.Exact && _policy.Rounding == RoundingMode.Stochastic);

    internal QuantizationJob(BlockFormat format, Recipe recipe, QuantizeOptions options, ReadOnlySpan<uint> fp32, int rowLength)
    {
        Format = format;
        Recipe = recipe;
        Options = options;
        Length = fp32.Length;
        RowLength = rowLength;
        _policy = recipe.PolicyFor(options.Policy);
        _path = format.HasMicroexponents || recipe.Elements == ElementStep.ExactQuotient && !recipe.ForNvfp4 ? Path.Exact
            : recipe.Elements == ElementStep.Fp32Product ? Path.Fp32Product
            : Path.Nvfp4;
        if (_path == Path.Nvfp4)
        {
            _nvfp4 = new Nvfp4Quantizer(recipe, fp32, options.TensorScale);
            TensorScale = _nvfp4.StoredTensorScale;
        }
        else TensorScale = QuantizedTensor.UnitTensorScale;
        if (_path == Path.Exact && !format.HasMicroexponents) _ = new MxPlan(format.Element, _policy); // rejects a bad policy here, not mid-tensor
    }

    /// <summary>
    /// Quantizes blocks [<paramref name="first"/>, <paramref name="first"/> + <paramref name="count"/>) of
    /// <paramref name="fp32"/> (the whole input the job was prepared for) into <paramref name="scales"/>,
    /// <paramref name="micro"/> and <paramref name="elements"/>, which are the whole tensor's outputs
    /// (<see cref="BlockCount"/>, <see cref="MicroexponentCount"/>, <see cref="ElementCount"/> bytes). Unless
    /// <see cref="Splittable"/>, the range must be all blocks.
    /// </summary>
    public void QuantizeBlocks(ReadOnlySpan<uint> fp32, int first, int count, Span<byte> scales, Span<byte> micro, Span<byte> elements)
    {
        if (fp32.Length != Length) throw new ArgumentException($"the job was prepared for {Length} values, not {fp32.Length}", nameof(fp32));
        if (first < 0 || count < 0 || first + count > BlockCount) throw new ArgumentOutOfRangeException(nameof(count), $"blocks [{first}, {first + count}) of {BlockCount}");
        if (!Splittable && (first != 0 || count != BlockCount)) throw new ArgumentException("this quantization runs over all blocks at once (see Splittable)");
        if (scales.Length < BlockCount || micro.Length < MicroexponentCount || elements.Length < ElementCount)
            throw new ArgumentException("the output buffers are smaller than the tensor's blocks");
        int k = Format.BlockSize, perRow = BlocksPerRow, rowLength = RowLength;
        switch (_path)
        {
            case Path.Exact when Format.HasMicroexponents:
                QuantizeRuns(fp32, scales, micro, elements);
                break;
            case Path.Exact when _policy.Rounding != RoundingMode.Stochastic && rowLength % k == 0:
                // Rows of whole blocks: block b is values [b·k, (b + 1)·k), so the plan runs over the range in one call.
                new MxPlan(Format.Element, _policy).QuantizeWholeBlocks(fp32.Slice(first * k, count * k), k, scales.Slice(first, count), elements.Slice(first * k, count * k));
                break;
            case Path.Exact:
            {
                // One plan per call, codes written straight into the result; blocks in input order, so the drawn
                // stochastic bits follow the input index whatever the row layout (docs/quantization.md).
                var plan = new MxPlan(Format.Element, _policy);
                var stochastic = new StochasticBits(_policy, Options.RandomBits.Span, fp32.Length, k);
                // Row and column of block b are stepped, not divided out per block (a block of 32 costs about as much
                // as two integer divisions).
                int r = count > 0 ? first / perRow : 0, c = count > 0 ? first % perRow : 0;
                for (int b = first; b < first + count; b++)
                {
                    int start = r * rowLength + c * k, n = Math.Min(k, rowLength - c * k);
                    scales[b] = plan.QuantizeBlock(fp32.Slice(start, n), elements.Slice(b * k, k), stochastic.ForBlock(start, n));
                    if (++c == perRow) (r, c) = (r + 1, 0);
                }
                break;
            }
            case Path.Fp32Product:
            {
                var q = new Fp32ProductQuantizer(Recipe, Format);
                for (int b = first; b < first + count; b++)
                {
                    int r = b / perRow, c = b % perRow;
                    int start = r * rowLength + c * k, n = Math.Min(k, rowLength - c * k);
                    scales[b] = q.QuantizeBlock(fp32.Slice(start, n), elements.Slice(b * k, k));
                }
                break;
            }
            default:
            {
                // Each call its own copy: the quantizer memoizes per scale code (not shared between threads).
                var q = _nvfp4!.Copy();
                int rows = Rows;
                for (int b = first; b < first + count; b++)
                {
                    int r = b / perRow, c = b % perRow;
                    int start = r * rowLength + c * k, n = Math.Min(k, rowLength - c * k);
                    uint amax;
                    if (Options.TwoDimensional)
                    {
                        // TE 2-D: one amax per k×k tile (k rows × the block's k columns); every row of the tile shares it.
                        amax = 0;
                        int top = r / k * k, bottom = Math.Min(top + k, rows);
                        for (int t = top; t < bottom; t++) amax = q.BlockAmax(fp32.Slice(t * rowLength + c * k, n), amax);
                    }
                    else amax = q.BlockAmax(fp32.Slice(start, n));
                    scales[b] = q.QuantizeBlock(fp32.Slice(start, n), amax, elements.Slice(b * k, k));
                }
                break;
            }
        }
    }

    /// <summary>The shared-microexponent formats: rows of whole blocks are one run (a call per tensor), else one run per row.</summary>
    private void QuantizeRuns(ReadOnlySpan<uint> fp32, Span<byte> scales, Span<byte> micro, Span<byte> elements)
    {
        int k = Format.BlockSize, rows = Rows, rowLength = RowLength, perRow = BlocksPerRow;
        var random = Options.RandomBits.Span;
        bool whole = rowLength % k == 0;
        int runs = whole ? (rows > 0 ? 1 : 0) : rows, runLength = whole ? rows * rowLength : rowLength, runBlocks = whole ? rows * perRow : perRow;
        if (_policy.Rounding == RoundingMode.Stochastic && random.IsEmpty && runs > 1)
        {
            // Input i takes the i-th draw whatever the row layout (docs/quantization.md).
            var drawn = new uint[fp32.Length];
            var rng = new MxRandom(_policy.StochasticSeed);
            for (int i = 0; i < drawn.Length; i++) drawn[i] = (uint)rng.NextBits(_policy.StochasticWidth);
            random = drawn;
        }
        for (int r = 0; r < runs; r++)
        {
            var run = fp32.Slice(r * runLength, runLength);
            var runRandom = random.IsEmpty ? default : random.Slice(r * runLength, runLength);
            BdrQuantizer.Quantize(Format, run, _policy, scales.Slice(r * runBlocks, runBlocks),
                micro.Slice(r * runBlocks * Format.SubBlocks, runBlocks * Format.SubBlocks), elements.Slice(r * runBlocks * k, runBlocks * k), runRandom);
        }
    }

    /// <summary>The result over the caller's filled buffers (exactly <see cref="BlockCount"/>, … bytes long).</summary>
    public QuantizedTensor Result(byte[] scales, byte[] micro, byte[] elements) =>
        new(Format, Recipe, Length, Options.RowLength > 0 ? RowLength : Length, Options.TwoDimensional, TensorScale, scales, micro, elements);
}
