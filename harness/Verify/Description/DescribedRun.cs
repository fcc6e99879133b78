using System.Globalization;
using MxRef.Dot;
using MxRef.Vectors.Generation;

namespace MxRef.Harness.Verify.Description;

/// <summary>
/// What a DUT description changes in a verify run besides the bench: the golden model of a multi-beat block, the
/// formats and modes the generator may produce, and the summary line that says how the unit was driven.
/// </summary>
public static class DescribedRun
{
    /// <summary>
    /// The accumulation model of a unit whose blocks are several beats: the bench feeds each beat's D back as the next
    /// beat's C, so the result is <c>chunked:L</c> by construction (each beat's L products fused with the running FP32
    /// value, docs/semantics.md). <c>--acc</c> may name it or be left out; any other model is an error.
    /// </summary>
    public static AccumulationModel Model(DutDescription d, AccumulationModel given, bool accGiven)
    {
        if (d.Beats == 1) return given;
        var chained = AccumulationModel.Chunked(d.Lanes);
        if (!accGiven || given == chained) return chained;
        throw new UsageException($"--acc {given}: {d.File} describes blocks of k = {d.K} as {d.Beats} beats of {d.Lanes} lanes chained through C, " +
                                 $"which is the model {chained}; leave --acc out or give --acc {chained}");
    }

    /// <summary>Generated vectors must use formats and modes the description has codes for.</summary>
    public static void CheckGenerator(DutDescription d, DotGeneratorOptions g)
    {
        var formats = d.SupportedFormats.ToHashSet();
        var missing = g.FormatPairs.SelectMany(p => new[] { p.A, p.B }).Distinct().Where(f => !formats.Contains(f)).ToArray();
        string list = string.Join(',', formats.Select(f => f.Name));
        if (missing.Length > 0)
            throw new UsageException($"{d.File}: field 'codes.formats' gives the unit no code for {string.Join(", ", missing.Select(f => f.Name))}, " +
                                     $"which the run would generate: pass --a {list} --b {list} (or --pairs)");
        var modes = d.SupportedModes.ToHashSet();
        var badModes = g.Modes.Where(m => !modes.Contains(m)).ToArray();
        if (badModes.Length > 0)
            throw new UsageException($"{d.File}: field 'codes.rounding' gives the unit no code for {string.Join(", ", badModes.Select(m => MxRef.Rounding.RoundingModes.ShortName(m)))}: " +
                                     $"pass --rounding {string.Join(',', modes.Select(m => MxRef.Rounding.RoundingModes.ShortName(m)))}");
        if (g.Scale != MxRef.Formats.StandardFormats.E8M0 && d.ScaleFormat is null)
            throw new UsageException($"{d.File}: the run uses {g.Scale.Name} scales but the description names no inputs.scale_format port (the unit takes E8M0 only)");
    }

    /// <summary>
    /// The design as the regression line names it: the module, its block size (the vectors' k, which a described unit
    /// may take in several beats) and every parameter of the description, K included — a module's K need not be k
    /// (examples/mx_dot/mx_dot_2beats.json builds mx_dot with K = 4 for blocks of 8).
    /// </summary>
    public static string Design(DutDescription d) =>
        $"{d.Module} k={d.K}{string.Concat(d.Parameters.Select(p => $" {p.Name}={p.Value}"))}";

    /// <summary>One line for the summary: file, beats, latency, handshake, the flags compared.</summary>
    public static string Summary(DutDescription d, AccumulationModel model)
    {
        string beats = d.Beats == 1 ? $"1 beat of {d.Lanes} lanes" : $"{d.Beats} beats of {d.Lanes} lanes chained through C ({model})";
        string latency = d.Latency is { } n ? $"fixed latency {n}" : "variable latency";
        string handshake = d.InReady is null && d.OutReady is null ? "no ready ports"
            : $"valid/ready{(d.InReady is null ? " (output only)" : d.OutReady is null ? " (input only)" : "")}";
        string stalls = d.StallRate > 0 ? $"stall rate {d.StallRate.ToString(CultureInfo.InvariantCulture)} (seed {d.StallSeed})" : "no stalls";
        var present = DutDescription.FlagNames.Where(f => (d.FlagMask & f.Bit) != 0).Select(f => f.Name).ToArray();
        var absent = DutDescription.FlagNames.Where(f => (d.FlagMask & f.Bit) == 0).Select(f => f.Name).ToArray();
        string flags = absent.Length == 0 ? "all flags compared"
            : present.Length == 0 ? "no flag outputs: flags not compared"
            : $"flags compared: {string.Join(' ', present)} (no {string.Join(' ', absent)} output: masked)";
        return $"{d.File}: {d.Module}, {beats}, {latency}, {handshake}, {stalls}; {flags}";
    }
}
