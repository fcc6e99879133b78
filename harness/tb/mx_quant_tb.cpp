// mxref verify testbench of the quantize unit (rtl/mx_quant's interface, docs/verify.md "Units"): one FP32 block
// per clock through harness/tb/mxtb.h (protocol, clocking, latency check, crash reports).
//
//   greeting magic "MXTQ"
//   stdin:   records of 8 + 4K bytes: fmt rm scale_rule specials int8_full flush 0 0 | K FP32 inputs (u32 each)
//            (the mx_pkg codes: FMT_* 0 e4m3 .. 5 int8, RM_* 0 rne .. 5 rto, SR_* 0 floor .. 4 even,
//            SP_* 0 nan-scale .. 3 finite)
//   stdout:  per block, in order, 8 + K bytes: scale rsv 0 0 0 0 0 0 | K element lanes (code in the low bits)
#include "mxtb.h"

// The optional in_fmt input (rtl/mx_quant's BF16 lanes): held at 0, FP32 lanes, when the Verilated model has it (the
// first overload is viable only then).
template <class D>
auto set_fp32_lanes(D* dut, int) -> decltype(dut->in_fmt = 0, void()) { dut->in_fmt = mx_pkg::IN_FP32; }
template <class D>
void set_fp32_lanes(D*, long) {}

struct Unit : mxtb::StdPorts {
    static constexpr uint32_t kMagic = 0x5154584d;  // "MXTQ"
    static constexpr int kInBytes = 8 + 4 * mxtb::K;
    static constexpr int kOutBytes = 8 + mxtb::K;

    static void drive(Vdut* dut, const uint8_t* r) {
        mxtb::drive_policy(dut, r);
        set_fp32_lanes(dut, 0);
        mxtb::set_bits(dut->v, r + 8, 4 * mxtb::K);
    }
    static void sample(Vdut* dut, uint8_t* out) { mxtb::sample_block(dut, out); }
    static void probe(uint8_t*) {}
    static void sanitize(uint8_t* r) {  // valid codes, like real vectors
        mxtb::sanitize_policy(r);
        r[6] = r[7] = 0;
    }
};

int main(int argc, char** argv) { return mxtb::run_main<Unit>(argc, argv); }
