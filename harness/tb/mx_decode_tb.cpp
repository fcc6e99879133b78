// mxref verify testbench of the decode unit (rtl/mx_decode's interface, docs/verify.md "Units"): one MX block per
// clock through harness/tb/mxtb.h (protocol, clocking, latency check, crash reports).
//
//   greeting magic "MXTD"
//   stdin:   records of 8 + K bytes: fmt rm out_fmt scale 0 0 0 0 | K element codes (code in the low bits)
//            (the mx_pkg codes: FMT_* 0 e4m3 .. 5 int8, RM_* 0 rne .. 5 rto, OUT_* 0 fp32, 1 bf16, 2 fp16;
//            scale an E8M0 code, 0xFF = NaN)
//   stdout:  per block, in order, 8 + 4K bytes: flags 0 0 0 0 0 0 0 | K result lanes (u32 each; BF16/FP16 in the low
//            16 bits, the upper 16 bits as the design drives them)
#include "mxtb.h"

struct Unit : mxtb::StdPorts {
    static constexpr uint32_t kMagic = 0x4454584d;  // "MXTD"
    static constexpr int kInBytes = 8 + mxtb::K;
    static constexpr int kOutBytes = 8 + 4 * mxtb::K;

    static void drive(Vdut* dut, const uint8_t* r) {
        dut->fmt = r[0];
        dut->rm = r[1];
        dut->out_fmt = r[2];
        dut->scale = r[3];
        mxtb::set_bits(dut->a, r + 8, mxtb::K);
    }
    static void sample(Vdut* dut, uint8_t* out) {
        std::memset(out, 0, 8);
        out[0] = uint8_t(dut->flags);
        mxtb::get_bits(dut->d, out + 8, 4 * mxtb::K);
    }
    static void probe(uint8_t*) {}
    static void sanitize(uint8_t* r) {  // valid codes, like real vectors
        r[0] %= 6;
        r[1] %= 6;
        r[2] %= 3;
        r[4] = r[5] = r[6] = r[7] = 0;
    }
};

int main(int argc, char** argv) { return mxtb::run_main<Unit>(argc, argv); }
