using System.CommandLine;
using System.Globalization;
using MxRef.Formats;
using MxRef.Rounding;
using MxRef.Vectors.Text;

namespace MxRef.Harness.Commands;

/// <summary><c>mxref convert</c>: round values to a format through the rounding core and show code, value and flags.</summary>
public static class ConvertCommand
{
    public static Command Create()
    {
        var to = new Option<string>("--to") { Description = "Target format (see 'mxref formats'), e.g. e4m3, e2m1, int8, bf16, e5m3ieee.", Required = true };
        var rounding = new Option<string>("--rounding", "-r") { Description = "Rounding mode: rne (default), rtz, rdn, rup, rna, rto, sr.", DefaultValueFactory = _ => "rne" };
        var overflow = new Option<string>("--overflow") { Description = "saturate (default: clamp to +-max finite) or ieee (Inf, or NaN for e4m3).", DefaultValueFactory = _ => "saturate" };
        var srBits = new Option<string?>("--sr-random") { Description = "For --rounding sr: the random bits r, in hex (e.g. 0x5a)." };
        var srWidth = new Option<int>("--sr-width") { Description = "For --rounding sr: the number of random bits n (1..31, default 8).", DefaultValueFactory = _ => 8 };
        var values = new Argument<string[]>("VALUE") { Description = NumberText.Accepted + ".", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("convert",
            "Round each VALUE to a format and print one line per value: the code in hex, the decoded value, and the\n" +
            "exception flags (NX inexact, UF underflow, OF overflow, NV invalid; '-' for none).\n" +
            "Decimals are rounded once from their exact value; 0x... inputs are FP32 bit patterns.\n" +
            "NaN into a format without NaN gives +max finite with NV; Inf into a format without Inf gives +-max (NaN\n" +
            "under --overflow ieee where the format has one) with NV.\n" +
            "Example: mxref convert --to e4m3 --rounding rne 1.1 500 0x3fc00000")
        {
            to, rounding, overflow, srBits, srWidth, values,
        };
        cmd.SetAction(r =>
        {
            var format = CliParse.Format(r.GetValue(to)!);
            var mode = CliParse.Rounding(r.GetValue(rounding)!);
            var ctx = new RoundingContext(mode, CliParse.Overflow(r.GetValue(overflow)!));
            if (mode == RoundingMode.Stochastic)
            {
                var text = r.GetValue(srBits) ?? throw new UsageException("--rounding sr needs --sr-random HEX (the random bits, so the result is reproducible)");
                int n = r.GetValue(srWidth);
                if (n is < 1 or > 31) throw new UsageException($"--sr-width must be 1..31, got {n}");
                if (!uint.TryParse(text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint bits) || (n < 32 && bits >> n != 0))
                    throw new UsageException($"--sr-random '{text}' is not a hex number of at most {n} bits");
                ctx = ctx with { RandomBits = bits, RandomWidth = n };
            }
            var output = r.InvocationConfiguration.Output;
            var inputs = r.GetValue(values)!;
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!NumberText.TryParse(inputs[i], out var token))
                    throw new UsageException($"VALUE {i + 1} '{inputs[i]}' is not a number; accepted: {NumberText.Accepted}");
                var rounded = token.ToFormat(format, ctx);
                int digits = (format.Bits + 3) / 4;
                output.WriteLine($"0x{rounded.Code.ToString("x" + digits)} {Codec.Show(format, rounded.Code)} {ExceptionFlagNames.Format(rounded.Flags)}");
            }
            return Cli.ExitOk;
        });
        return cmd;
    }
}
