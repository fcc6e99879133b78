namespace MxRef.Cosim.Abi;

/// <summary>
/// The return codes of libmxref (mxref.h, MXREF_OK and MXREF_E_*): 0 on success, a negative code otherwise. A .NET
/// exception must never reach the C caller — under NativeAOT it would abort the whole simulator — so every export
/// turns argument errors into these codes before touching the model, and anything unexpected into <see cref="Internal"/>.
/// </summary>
internal static class Status
{
    public const int Ok = 0;
    public const int NullPointer = -1;
    public const int Format = -2;
    public const int Rounding = -3;
    public const int BlockSize = -4;
    public const int OutputFormat = -5;
    public const int Accumulation = -6;
    public const int Code = -7;
    public const int Argument = -8;
    public const int Name = -9;
    public const int Length = -10;
    public const int Profile = -11;
    public const int Internal = -100;

    /// <summary>The text mxref_error_string returns; keep in step with mxref.h.</summary>
    public static string Message(int status) => status switch
    {
        Ok => "ok",
        NullPointer => "a required pointer argument is NULL",
        Format => "unknown element format code (valid: 0 e4m3, 1 e5m2, 2 e3m2, 3 e2m3, 4 e2m1, 5 int8; 6 e8m0 for encode/decode)",
        Rounding => "unknown rounding mode code (valid: 0 rne, 1 rtz, 2 rdn, 3 rup, 4 rna, 5 rto; 8 sr for quantization)",
        BlockSize => "block size or count out of range (k: 1..4096, or 1..256 through mxref_dpi_dot; n, blocks >= 1)",
        OutputFormat => "unknown output format code (valid: 0 fp32, 1 bf16, 2 fp16)",
        Accumulation => "unknown accumulation model (valid: 0 fused, 1 chunked with chunk >= 1, 2 fp32-sum)",
        Code => "code out of range for the format",
        Argument => "argument out of range",
        Name => "unknown block format or recipe name, or a recipe that does not apply to the block format (mxref formats, mxref recipes list)",
        Length => "the recipe rejects this length: a row that is not a whole number of blocks (torchao), or an option the recipe does not take",
        Profile => "malformed implementation profile: an unknown knob or value, or a non-default profile with the fp32-sum model (mxref_profile_message names the problem)",
        Internal => "internal error in the golden model (please report it with the arguments)",
        _ => "unknown status code",
    };
}
