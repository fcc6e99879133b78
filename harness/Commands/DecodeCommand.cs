using System.CommandLine;
using MxRef.Dot;
using MxRef.Formats;
using MxRef.Vectors.Files;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Commands;

/// <summary><c>mxref decode</c>: the streaming golden model of an MX decode unit (one block in, k wider floats out).</summary>
public static class DecodeCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output format: fp32 (default), bf16 or fp16.", DefaultValueFactory = _ => "fp32" };
        var block = new Option<int>("--block", "-k") { Description = "Block size k (elements per block, default 32).", DefaultValueFactory = _ => 32 };
        var lineBuffered = new Option<bool>("--line-buffered") { Description = "Flush after every answer (automatic when standard input is a terminal)." };
        var keepGoing = new Option<bool>("--keep-going") { Description = "Answer a malformed line with 'ERR <message>' and continue, instead of stopping with exit code 2." };
        var format = new Option<string?>("--format", "--block-format")
        {
            Description = "Block format (default: OCP MX, E8M0 scale, the element format given per line). A named one fixes the element, " +
                          "the block size (unless -k is given) and the scale format, e.g. nvfp4: F = 4 (e2m1), k = 16, S a UE4M3 code. Valid: " +
                          BlockFormat.ValidNames + ".",
        };
        var profile = new Option<string?>("--profile")
        {
            Description = "Implementation profile: name=value,... or a JSON profile file (docs/semantics.md, \"The decode unit\"). " +
                          "The decoder reads " + string.Join(", ", MxDecode.Knobs) + ".",
        };
        var cmd = new Command("decode",
            "Streaming golden model of an MX decode unit: each element times the block scale, rounded once to the output\n" +
            "format (OCP MX v1.0 §5.2: element i is X*P_i; a NaN scale makes the whole block NaN). Reads lines:\n" +
            "  F RM S A      (hex fields separated by spaces)\n" +
            "F element format code (" + DotLine.ValidFormatCodes + "), RM rounding mode (" + DotLine.ValidModeCodes + "),\n" +
            "S the scale code (2 digits; E8M0 unless --format says), A the k element codes packed into one hex number\n" +
            "(element i in bits [i*w, i*w+w), exactly ceil(k*w/4) digits). Answers each line with 'D FLAGS': D the k output\n" +
            "codes packed the same way (8 digits each for fp32, 4 for bf16/fp16; element 0 last), FLAGS the OR of their flags\n" +
            "(bit 0 NX, 1 UF, 2 OF, 4 NV). Blank lines and lines starting with // are skipped.\n" +
            "Example: echo '0 0 80 4038' | mxref decode -k 2 --out fp16   prints   44004000 00   (2^1 x [1.0, 2.0] = [2.0, 4.0])")
        {
            output, block, lineBuffered, keepGoing, format, profile,
        };
        cmd.SetAction(r =>
        {
            var outFormat = CliParse.Format(r.GetValue(output)!, "--out");
            if (!StandardFormats.Outputs.Contains(outFormat)) throw new UsageException($"--out must be one of fp32, bf16, fp16 (got '{r.GetValue(output)}')");
            var implementation = CliParse.Profile(r.GetValue(profile));
            if (MxDecode.CheckProfile(implementation) is { } profileError) throw new UsageException("--profile: " + profileError);
            var blockFormat = r.GetValue(format) is { } name ? CliParse.BlockFormat(name, "--format") : null;
            if (blockFormat is { Microexponent: not null })
                throw new UsageException($"--format {blockFormat.Name}: a shared-microexponent format has no decode line layout; use an OCP MX or NVFP4 block format");
            bool kGiven = r.GetResult(block) is { Implicit: false };
            int k = blockFormat is not null && !kGiven ? blockFormat.BlockSize : r.GetValue(block);
            if (k is < 1 or > 4096) throw new UsageException($"--block must be 1..4096, got {k}");
            bool flush = r.GetValue(lineBuffered) || !Console.IsInputRedirected;
            return Run(Console.In, r.InvocationConfiguration.Output, r.InvocationConfiguration.Error, outFormat, k, flush, r.GetValue(keepGoing), blockFormat, implementation);
        });
        return cmd;
    }

    public static int Run(TextReader input, TextWriter output, TextWriter error, NumberFormat outFormat, int k, bool flush, bool keepGoing,
        BlockFormat? blockFormat = null, ImplementationProfile? profile = null)
    {
        profile ??= ImplementationProfile.Default;
        var v = new DecodeVector(k) { Scales = blockFormat?.ScaleCodec ?? ScaleCodec.E8M0 };
        var results = new uint[k];
        return OracleStream.Run(input, output, error, "mxref decode", flush, keepGoing,
            line =>
            {
                DecodeLine.Parse(line, v, withExpected: false, outFormat);
                if (blockFormat is not null && v.Format != blockFormat.Element)
                    throw new FieldException("F", $"{blockFormat.Name} elements are {blockFormat.Element.Name} (code {DotLine.CodeOf(blockFormat.Element)})");
            },
            () => DecodeLine.FormatResult(results, v.Evaluate(outFormat, profile, results), outFormat));
    }
}
