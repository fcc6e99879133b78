// mxref verify testbench of the dot unit (mx_dot's interface, docs/verify.md "The design's interface"): one vector
// record per clock through harness/tb/mxtb.h (protocol, clocking, latency check, crash reports).
//
//   greeting magic "MXTB"
//   stdin:   records of 12 + 2K bytes: fmt_a fmt_b rm scale_a scale_b scale_fmt 0 0 | c (u32) | K a-lanes | K b-lanes
//            (scale_fmt 0 E8M0, 1 UE4M3: driven on the design's optional scale_fmt port; a design without
//            that port takes E8M0 only, and a record with scale_fmt != 0 stops the bench)
//   stdout:  per vector, in order, 8 bytes: d (u32) flags (u8) 0 0 0
//
// The port codes, lane width and flag bits are rtl/mx_pkg.sv's (mx_pkg.h, generated from it by mxref verify: the one
// definition the RTL, rtl/tb/mx_dot_tb.sv and the DPI scoreboard use), and the record's bytes carry them unchanged.
//
// Build (done by `mxref verify`): verilator --cc --exe --build --prefix Vdut -CFLAGS -DMXTB_K=<K> ... mx_dot_tb.cpp
#include "mxtb.h"

// The record has one byte per lane and the flags byte is the flags port: both hold only while mx_pkg says so.
static_assert(mx_pkg::LANE_W == 8, "the stream record carries one byte per element lane");
static_assert(mx_pkg::FLAGS_W <= 8, "the result record's flags byte holds the flags port");

// The optional scale_fmt input: driven when the Verilated model has it (the first overload is viable only then).
template <typename D>
auto set_scale_fmt(D* dut, uint8_t code, int) -> decltype(dut->scale_fmt = code, void()) {
    dut->scale_fmt = code;
}
template <typename D>
void set_scale_fmt(D*, uint8_t code, long) {
    if (code != mx_pkg::SCALE_E8M0) mxtb::fail("a vector with UE4M3 scales, but the design has no scale_fmt input (it takes E8M0 scales only)");
}

struct Unit : mxtb::StdPorts {
    static constexpr uint32_t kMagic = 0x4254584d;  // "MXTB"
    static constexpr int kInBytes = 12 + 2 * mxtb::K;
    static constexpr int kOutBytes = 8;

    static void drive(Vdut* dut, const uint8_t* r) {
        dut->fmt_a = r[0];
        dut->fmt_b = r[1];
        dut->rm = r[2];
        dut->scale_a = r[3];
        dut->scale_b = r[4];
        set_scale_fmt(dut, r[5], 0);
        uint32_t c;
        std::memcpy(&c, r + 8, 4);
        dut->c = c;
        mxtb::set_bits(dut->a, r + 12, mxtb::K);
        mxtb::set_bits(dut->b, r + 12 + mxtb::K, mxtb::K);
    }
    static void sample(Vdut* dut, uint8_t* out) {
        uint32_t d = dut->d;
        std::memcpy(out, &d, 4);
        out[4] = uint8_t(dut->flags);
        out[5] = out[6] = out[7] = 0;
    }
    static void probe(uint8_t* r) { r[3] = r[4] = 0x7f; }
    static void sanitize(uint8_t* r) {  // valid format and rounding codes, like real vectors
        r[0] %= mx_pkg::FMT_COUNT; r[1] %= mx_pkg::FMT_COUNT; r[2] %= mx_pkg::RM_COUNT;
        r[5] = mx_pkg::SCALE_E8M0; r[6] = r[7] = 0;
    }
};

int main(int argc, char** argv) { return mxtb::run_main<Unit>(argc, argv); }
