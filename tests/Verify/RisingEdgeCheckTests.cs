using MxRef.Harness.Verify;
using Xunit;

namespace MxRef.Tests.Verify;

/// <summary>
/// The check that lets the bench skip the falling edge's eval (<c>--posedge-only</c>, harness/tb/mxtb.h): the generated
/// model must read <c>clk</c> only in the forms Verilator 5.006 writes for rising-edge logic (lines copied from its
/// mx_dot K = 32 model); a falling-edge trigger, the clock read as data or by a trace function, or no trigger at all
/// keeps both edges evaluated.
/// </summary>
public sealed class RisingEdgeCheckTests
{
    private const string Wrapper = "Vdut::Vdut(VerilatedContext* _vcontextp__, const char* _vcname__)\n    : VerilatedModel{*_vcontextp__}\n    , clk{vlSymsp->TOP.clk}\n    , rst_n{vlSymsp->TOP.rst_n}\n";

    private const string Triggers =
        "void Vdut___024root___eval_triggers__act(Vdut___024root* vlSelf) {\n" +
        "    vlSelf->__VactTriggered.at(0U) = ((IData)(vlSelf->clk) \n                                      & (~ (IData)(vlSelf->__Vtrigrprev__TOP__clk)));\n" +
        "    vlSelf->__VactTriggered.at(1U) = (((IData)(vlSelf->clk) \n                                       & (~ (IData)(vlSelf->__Vtrigrprev__TOP__clk))) \n" +
        "                                      | ((~ (IData)(vlSelf->rst_n)) \n                                         & (IData)(vlSelf->__Vtrigrprev__TOP__rst_n)));\n" +
        "    vlSelf->__Vtrigrprev__TOP__clk = vlSelf->clk;\n    vlSelf->__Vtrigrprev__TOP__rst_n = vlSelf->rst_n;\n}\n";

    private const string Slow = "    vlSelf->__Vtrigrprev__TOP__clk = vlSelf->clk;\n    vlSelf->clk = 0;\n    if (VL_UNLIKELY((vlSelf->clk & 0xfeU))) {\n        Verilated::overWidthError(\"clk\");}\n";

    private static bool Check(params string[] files)
    {
        var dir = Path.Combine(Path.GetTempPath(), $"mxref-edge-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            for (int i = 0; i < files.Length; i++) File.WriteAllText(Path.Combine(dir, $"Vdut___024root__DepSet_{i}.cpp"), files[i]);
            File.WriteAllText(Path.Combine(dir, "Vdut.cpp"), Wrapper);
            return VerilatorBuild.ReadsClockOnlyAsRisingEdge(dir);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void RisingEdgeLogicOnlyPasses() => Assert.True(Check(Triggers, Slow));

    [Fact]
    public void AFallingEdgeTriggerFails() =>
        Assert.False(Check(Triggers + "    vlSelf->__VactTriggered.at(2U) = ((~ (IData)(vlSelf->clk)) \n & (IData)(vlSelf->__Vtrigrprev__TOP__clk));\n", Slow));

    [Fact]
    public void TheClockAsDataFails() =>
        Assert.False(Check(Triggers, Slow, "    vlSelf->mx_dot__DOT__gated = (vlSelf->clk & (IData)(vlSelf->in_valid));\n"));

    [Fact]
    public void TracingTheClockFails() =>
        Assert.False(Check(Triggers, Slow, "    bufp->chgBit(oldp+0,(vlSelf->clk));\n"));

    [Fact]
    public void NoRisingEdgeTriggerFails() => Assert.False(Check(Slow));
}
