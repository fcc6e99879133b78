using System.Globalization;
using System.Text;

namespace MxRef.Harness.Verify.Description;

/// <summary>
/// The C++ bench of a described unit: the template <c>harness/tb/described_tb.cpp</c> (embedded in the CLI) with its
/// CONFIG block generated from the <see cref="DutDescription"/>: constants (K, lanes, beats, codes, latency, stall
/// rate) and one small accessor per port, so the bench refers to the unit's own port names and nothing else.
/// </summary>
public sealed class DescribedBench(DutDescription dut) : ITestbench
{
    public const string TemplateResource = "MxRef.Harness.tb.described_tb.cpp";
    private const string Marker = "//@@CONFIG@@";

    public DutDescription Description => dut;

    public string FileName => "described_tb.cpp";

    public string Text
    {
        get
        {
            using var s = typeof(DescribedBench).Assembly.GetManifestResourceStream(TemplateResource)
                ?? throw new InvalidOperationException($"the testbench resource {TemplateResource} is missing from the build");
            using var r = new StreamReader(s);
            var template = r.ReadToEnd();
            if (!template.Contains(Marker, StringComparison.Ordinal)) throw new InvalidOperationException($"{TemplateResource} has no {Marker} line");
            return template.Replace(Marker, Config(dut), StringComparison.Ordinal);
        }
    }

    public IReadOnlyList<string> PortProblems(IReadOnlyList<DutInterface.Port> ports) => dut.Differences(ports);

    public string Interface => $"expected interface: the ports named in {dut.File} (docs/verify.md, \"Verifying your own unit: the description file\")";

    /// <summary>The generated CONFIG block of the bench.</summary>
    public static string Config(DutDescription d)
    {
        var sb = new StringBuilder();
        string Bool(bool b) => b ? "true" : "false";
        string Table(IEnumerable<int> codes, int size) => "{" + string.Join(", ", codes.Concat(Enumerable.Repeat(-1, size)).Take(size)) + "}";
        sb.AppendLine($"// generated from {Path.GetFileName(d.File)}: module {d.Module}");
        sb.AppendLine("namespace {");
        sb.AppendLine($"constexpr int K = {d.K};");
        sb.AppendLine($"constexpr int L = {d.Lanes};");
        sb.AppendLine($"constexpr int BEATS = {d.Beats};");
        sb.AppendLine($"constexpr int LANE_BITS = {d.LaneBits};");
        sb.AppendLine($"constexpr bool MSB_FIRST = {Bool(d.MsbFirst)};");
        sb.AppendLine($"constexpr int LATENCY = {d.Latency ?? 0};  // 0: variable");
        sb.AppendLine($"constexpr double STALL_RATE = {d.StallRate.ToString("R", CultureInfo.InvariantCulture)};");
        sb.AppendLine($"constexpr uint64_t STALL_SEED = {d.StallSeed}ull;");
        sb.AppendLine($"constexpr bool RESET_ACTIVE_HIGH = {Bool(d.ResetActiveHigh)};");
        sb.AppendLine($"constexpr int RESET_CYCLES = {d.ResetCycles};");
        sb.AppendLine($"constexpr bool HAS_OUT_READY = {Bool(d.OutReady is not null)};");
        sb.AppendLine($"constexpr bool HAS_SCALE_FORMAT = {Bool(d.ScaleFormat is not null)};");
        sb.AppendLine($"constexpr int FORMAT_CODE[8] = {Table(d.FormatCodes, 8)};  // by mxref's code (e4m3 e5m2 e3m2 e2m3 e2m1 int8)");
        sb.AppendLine($"constexpr int ROUNDING_CODE[8] = {Table(d.RoundingCodes, 8)};  // rne rtz rdn rup rna rto");
        sb.AppendLine($"constexpr int OUTPUT_CODE[3] = {Table(d.OutputCodes, 3)};  // fp32 bf16 fp16");
        // The unit's ports, as mxtb.h's Bench reaches them (the StdPorts interface) plus the operands and results.
        sb.AppendLine("struct Ports {");
        sb.AppendLine("    static constexpr int kResetCycles = RESET_CYCLES;");
        sb.AppendLine($"    static void set_clock(Vdut* d, uint8_t v) {{ d->{d.Clock} = v; }}");
        sb.AppendLine($"    static void set_reset(Vdut* d, bool active) {{ d->{d.Reset} = active == RESET_ACTIVE_HIGH ? 1 : 0; }}");
        sb.AppendLine($"    static void set_in_valid(Vdut* d, uint8_t v) {{ d->{d.InValid} = v; }}");
        sb.AppendLine(d.InReady is null ? "    static bool in_ready(Vdut*) { return true; }" : $"    static bool in_ready(Vdut* d) {{ return d->{d.InReady} != 0; }}");
        sb.AppendLine(d.OutReady is null ? "    static void set_out_ready(Vdut*, uint8_t) {}" : $"    static void set_out_ready(Vdut* d, uint8_t v) {{ d->{d.OutReady} = v; }}");
        sb.AppendLine($"    static bool out_valid(Vdut* d) {{ return d->{d.OutValid} != 0; }}");
        sb.AppendLine($"    static uint32_t d_value(Vdut* d) {{ return uint32_t(d->{d.D}); }}");
        sb.Append("    static uint8_t flags_value(Vdut* d) {");
        if (d.Flags is null) sb.AppendLine(" (void)d; return 0; }  // the unit has no flag outputs");
        else
        {
            sb.Append($" uint64_t f = uint64_t(d->{d.Flags}); uint8_t r = 0;");
            foreach (var (unitBit, bit) in d.FlagBits) sb.Append($" if ((f >> {unitBit}) & 1) r |= {bit};");
            sb.AppendLine(" return r; }");
        }
        sb.Append("    static void tie_off(Vdut* d) {");
        if (d.TieOffs.Count == 0) sb.Append(" (void)d;");
        foreach (var (port, value) in d.TieOffs) sb.Append($" d->{port} = {value}u;");
        sb.AppendLine(" }");
        sb.AppendLine("    static void set_operands(Vdut* d, uint32_t fa, uint32_t fb, uint32_t rm, uint8_t sa, uint8_t sb, uint8_t sf, uint32_t of, uint32_t c,");
        sb.AppendLine("                             const uint8_t* a, const uint8_t* b) {");
        sb.AppendLine($"        d->{d.FormatA} = fa; d->{d.FormatB} = fb; d->{d.Rounding} = rm; d->{d.ScaleA} = sa; d->{d.ScaleB} = sb; d->{d.C} = c;");
        sb.AppendLine(d.ScaleFormat is null ? "        (void)sf;" : $"        d->{d.ScaleFormat} = sf;");
        sb.AppendLine(d.OutputFormat is null ? "        (void)of;" : $"        d->{d.OutputFormat} = of;");
        sb.AppendLine("        for (int i = 0; i < L; ++i) {");
        sb.AppendLine("            int at = (MSB_FIRST ? L - 1 - i : i) * LANE_BITS;");
        sb.AppendLine($"            mxtb::put_bits(d->{d.A}, at, LANE_BITS, a[i]);");
        sb.AppendLine($"            mxtb::put_bits(d->{d.B}, at, LANE_BITS, b[i]);");
        sb.AppendLine("        }");
        sb.AppendLine("    }");
        sb.AppendLine("};");
        sb.AppendLine("}  // namespace");
        return sb.ToString();
    }
}
