using System.CommandLine;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Vectors.Text;
using MxRef.Vectors.Files;

namespace MxRef.Harness.Commands;

/// <summary><c>mxref dot</c>: the streaming golden-model oracle, one answer line per input line.</summary>
public static class DotCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output format: fp32 (default), bf16 or fp16.", DefaultValueFactory = _ => "fp32" };
        var acc = new Option<string>("--acc") { Description = "Accumulation model: " + AccumulationModel.ValidNames + " (default fused; see docs/semantics.md).", DefaultValueFactory = _ => "fused" };
        var block = new Option<int>("--block", "-k") { Description = "Block size k (elements per operand, default 32).", DefaultValueFactory = _ => 32 };
        var lineBuffered = new Option<bool>("--line-buffered") { Description = "Flush after every answer (automatic when standard input is a terminal)." };
        var keepGoing = new Option<bool>("--keep-going") { Description = "Answer a malformed line with 'ERR <message>' and continue, instead of stopping with exit code 2." };
        var format = new Option<string?>("--format", "--block-format")
        {
            Description = "Block format of the operands (default: OCP MX, E8M0 scales, any element on each side). A named one fixes the " +
                          "elements, the block size (unless -k is given) and the scale format, e.g. nvfp4: FA = FB = 4 (e2m1), k = 16, SA/SB UE4M3 " +
                          "codes (00..7f; 38 = 1.0, 7e = 448, 7f = NaN). Valid: " + BlockFormat.ValidNames + ".",
        };
        var profile = new Option<string?>("--profile")
        {
            Description = "Implementation profile: name=value,... or a JSON profile file (see docs/semantics.md, \"Implementation profiles\"). Knobs: " +
                          ImplementationProfile.ValidKnobs + ".",
        };
        var cmd = new Command("dot",
            "Streaming golden-model oracle for the MX block dot product. Reads lines from standard input:\n" +
            "  FA FB RM SA A SB B C      (hex fields separated by spaces)\n" +
            "FA/FB element format codes (0 e4m3, 1 e5m2, 2 e3m2, 3 e2m3, 4 e2m1, 5 int8), RM rounding mode\n" +
            "(0 rne, 1 rtz, 2 rdn, 3 rup, 4 rna, 5 rto), SA/SB scale codes (2 digits; E8M0 unless --format says), A/B the k element codes packed\n" +
            "into one hex number (element i in bits [i*w, i*w+w), exactly ceil(k*w/4) digits), C the FP32 accumulator\n" +
            "(8 digits). Answers each line with 'D FLAGS': D in the output format (8 digits for fp32, 4 for bf16/fp16),\n" +
            "FLAGS 2 digits (bit 0 NX, 1 UF, 2 OF, 4 NV). Blank lines and lines starting with // are skipped.\n" +
            "With --format nvfp4 the same layout carries UE4M3 scales and 16 E2M1 elements: D = C + sa*sb*sum(a_i*b_i), one rounding.\n" +
            "With --format mx9|mx6|mx4 (or bdr-K1-D1-K2-D2-M) a line is  RM SA MA A SB MB B C : SA/SB the E8M0 block exponents,\n" +
            "MA/MB the k/2 one-bit microexponents packed as one hex number (pair j in bit j; 2 digits at k = 16), A/B the k\n" +
            "sign-magnitude codes packed w = m+1 bits each (sign at bit m; w 8/5/3: 32/20/12 digits at k = 16). Element i is\n" +
            "(-1)^s * M * 2^(E - tau - (m-1)); D = C + sum(a_i*b_i), exact, one rounding (docs/semantics.md).\n" +
            "  echo '0 7f 00 00000000000000000000000000000040 7f 00 00000000000000000000000000000040 00000000' | mxref dot --format mx9\n" +
            "  prints 3f800000 00   (1.0 x 1.0 in element 0)\n" +
            "Example: echo '0 0 0 7f 38 7f 40 3f800000' | mxref dot -k 1   prints   40400000 00   (1.0 x 2.0 + 1.0 = 3.0)")
        {
            output, acc, block, lineBuffered, keepGoing, format, profile,
        };
        cmd.SetAction(r =>
        {
            var outFormat = CliParse.Format(r.GetValue(output)!, "--out");
            if (!StandardFormats.Outputs.Contains(outFormat)) throw new UsageException($"--out must be one of fp32, bf16, fp16 (got '{r.GetValue(output)}')");
            var model = AccumulationModel.TryParse(r.GetValue(acc)!) ?? throw new UsageException($"unknown accumulation model '{r.GetValue(acc)}' for --acc; valid: {AccumulationModel.ValidNames}");
            var implementation = ParseProfile(r.GetValue(profile));
            if (!implementation.IsDefault && model.Kind == AccumulationKind.Fp32Sum)
                throw new UsageException($"--profile applies to the fused and chunked:N accumulation models, not {model}");
            var blockFormat = r.GetValue(format) is { } name ? CliParse.BlockFormat(name, "--format") : null;
            bool kGiven = r.GetResult(block) is { Implicit: false };
            int k = blockFormat is not null && !kGiven ? blockFormat.BlockSize : r.GetValue(block);
            if (k is < 1 or > 4096) throw new UsageException($"--block must be 1..4096, got {k}");
            bool flush = r.GetValue(lineBuffered) || !Console.IsInputRedirected;
            if (blockFormat is { Microexponent: not null })
            {
                if (!implementation.IsDefault) throw new UsageException($"--profile applies to the OCP MX and NVFP4 formats, not {blockFormat.Name}");
                return RunMicroexponent(Console.In, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error, outFormat, model, blockFormat, k, flush, r.GetValue(keepGoing));
            }
            return Run(Console.In, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error, outFormat, model, k, flush, r.GetValue(keepGoing), blockFormat, implementation);
        });
        return cmd;
    }

    public static int Run(TextReader input, TextWriter output, TextWriter error, NumberFormat outFormat, AccumulationModel model, int k, bool flush, bool keepGoing,
        BlockFormat? blockFormat = null, ImplementationProfile? profile = null)
    {
        profile ??= ImplementationProfile.Default;
        var v = new DotVector(k) { Scales = blockFormat?.ScaleCodec ?? ScaleCodec.E8M0 };
        return OracleStream.Run(input, output, error, "mxref dot", flush, keepGoing,
            line =>
            {
                DotLine.Parse(line, v, withExpected: false, outFormat);
                if (blockFormat is not null && (v.FormatA != blockFormat.Element || v.FormatB != blockFormat.Element))
                    throw new FieldException(v.FormatA != blockFormat.Element ? "FA" : "FB",
                        $"{blockFormat.Name} elements are {blockFormat.Element.Name} (code {DotLine.CodeOf(blockFormat.Element)})");
            },
            () =>
            {
                var res = v.Evaluate(outFormat, model, profile);
                return DotLine.FormatResult(res.Bits, (byte)res.Flags, outFormat);
            });
    }

    /// <summary>
    /// The oracle for a shared-microexponent block format (MX9/MX6/MX4, <c>bdr-…</c>): lines <c>RM SA MA A SB MB B C</c>
    /// (<see cref="MicroexponentDotLine"/>), answers <c>D FLAGS</c>, errors as for the OCP layout.
    /// </summary>
    public static int RunMicroexponent(TextReader input, TextWriter output, TextWriter error, NumberFormat outFormat, AccumulationModel model,
        BlockFormat format, int k, bool flush, bool keepGoing)
    {
        if (MicroexponentDotLine.Unsupported(format) is { } why) throw new UsageException($"--format {why}");
        int k2 = format.Microexponent!.Size;
        if (k % k2 != 0) throw new UsageException($"--block {k}: a {format.Name} block holds whole sub-blocks of {k2} elements");
        if (model.Kind == AccumulationKind.Fp32Sum || (model.Kind == AccumulationKind.Chunked && model.ChunkSize % k2 != 0))
            throw new UsageException($"--acc {model}: {format.Name} takes fused or chunked:N with N a multiple of {k2}");
        var v = new MicroexponentDotVector(format, k);
        return OracleStream.Run(input, output, error, "mxref dot", flush, keepGoing,
            line => MicroexponentDotLine.Parse(line, v, withExpected: false, outFormat),
            () =>
            {
                var res = v.Evaluate(outFormat, model);
                return DotLine.FormatResult(res.Bits, (byte)res.Flags, outFormat);
            });
    }

    /// <summary><c>--profile</c> text or file (<see cref="CliParse.Profile"/>).</summary>
    public static ImplementationProfile ParseProfile(string? text) => CliParse.Profile(text);
}
