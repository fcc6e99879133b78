using MxRef.Random;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Vectors.Generation;

/// <summary>
/// The underflow boundary of the output format O bit by bit. Tininess after rounding (IEEE 754-2019 §7.5) rounds the
/// exact result R to O's precision p with an unbounded exponent: just below 2^emin, R = (2^p − 1)·2^u + f with
/// u = emin − p, and whether R is tiny depends on f alone — the round bit 2^(u−1) set, the round bit clear with a
/// sticky bit right below it (2^(u−2)), or a sticky bit only far below. C = ±2^emin carries the top, the block
/// carries −(2^u − f). The same three fractions f of the smallest subnormal 2^q are placed just below it (R = f) and
/// just above it (R = 2^q + f, C = ±2^q). Both signs; the generator crosses every mode.
/// </summary>
internal sealed class UnderflowCorners : CornerFamily
{
    public const int Boundaries = 3, Kinds = 3;
    private static readonly int[] FarSteps = [40, 32, 24, 20, 16, 12, 10, 9];

    public override string Name => "underflow";

    public override int Variants(ElementCodes a, ElementCodes b) => Boundaries * Kinds * 2;

    public override void Build(CornerCell cell, int variant, DotVector v, ref MxRandom rng)
    {
        var o = cell.Output;
        bool negative = (variant & 1) != 0;
        int kind = variant / 2 % Kinds, boundary = variant / (2 * Kinds);
        int p = o.MantissaBits + 1;
        int reference = boundary == 0 ? o.Emin - p : o.QuantumExponent; // exponent of the bit the fraction is below
        Clear(v, cell);
        foreach (int far in kind == 2 ? FarSteps : [kind + 1])
        {
            // f = 2^(reference − far): far = 1 the round bit, 2 the bit right below it, ≥ 9 a far sticky bit.
            // Below 2^emin, C carries (2^p − 1)·2^u when FP32 can hold it (outputs narrower than FP32) and the block
            // only f; otherwise C = 2^emin and the block −(2^u − f) = −(2^far − 1)·2^(u − far).
            uint? top = boundary == 0 ? Fp32Values.Encode(MxRef.Formats.StandardFormats.Fp32, negative, (1UL << p) - 1, reference) : null;
            bool built = boundary switch
            {
                0 when top is not null => TrySum(v, cell, 1, reference - far, negative),
                0 => TrySum(v, cell, (Int128.One << far) - 1, reference - far, !negative),
                _ => TrySum(v, cell, 1, reference - far, negative),
            };
            if (!built) continue;
            v.C = boundary switch
            {
                0 => top ?? Fp32Values.Fp32(negative, 1, o.Emin),
                1 => negative ? Fp32Values.MinusZero : Fp32Values.PlusZero,
                _ => Fp32Values.Fp32(negative, 1, o.QuantumExponent),
            };
            return;
        }
        v.A[0] = cell.A.One; v.B[0] = cell.B.One;
    }
}
