// mxref verify testbench of the regen unit (rtl/mx_regen's interface, DropBack weight regeneration, docs/verify.md
// "Units"): one block per clock through harness/tb/mxtb.h (protocol, clocking, latency check, crash reports).
//
//   greeting magic "MXTR"
//   stdin:   records of 32 + M + 4K bytes (M = 8 * ceil(K / 64)):
//            fmt rm scale_rule specials int8_full flush init_n 0 | seed (u64) | layer blk init_a 0 (u32 each)
//            | tmask (M bytes, lane i at bit i) | K tracked FP32 values (u32 each)
//   stdout:  per block, in order, 8 + K bytes: scale rsv 0 0 0 0 0 0 | K element lanes (code in the low bits)
#include "mxtb.h"

struct Unit : mxtb::StdPorts {
    static constexpr int kMaskBytes = 8 * ((mxtb::K + 63) / 64);
    static constexpr uint32_t kMagic = 0x5254584d;  // "MXTR"
    static constexpr int kInBytes = 32 + kMaskBytes + 4 * mxtb::K;
    static constexpr int kOutBytes = 8 + mxtb::K;

    static void drive(Vdut* dut, const uint8_t* r) {
        mxtb::drive_policy(dut, r);
        dut->init_n = r[6];
        uint64_t seed;
        uint32_t w[3];
        std::memcpy(&seed, r + 8, 8);
        std::memcpy(w, r + 16, 12);
        dut->seed = seed;
        dut->layer = w[0];
        dut->blk = w[1];
        dut->init_a = w[2];
        mxtb::set_bits(dut->tmask, r + 32, kMaskBytes);
        mxtb::set_bits(dut->tval, r + 32 + kMaskBytes, 4 * mxtb::K);
    }
    static void sample(Vdut* dut, uint8_t* out) { mxtb::sample_block(dut, out); }
    static void probe(uint8_t* r) {
        r[6] = 1;                                   // n = 1: the uniform initializer
        const uint32_t one = 0x3f800000;            // a = 1
        std::memcpy(r + 24, &one, 4);
    }
    static void sanitize(uint8_t* r) {  // valid codes and a valid bound, like real vectors
        mxtb::sanitize_policy(r);
        r[6] = 1;
        r[7] = 0;
        r[27] = 0x3f;                               // a in [2^-1, 2) or so: a finite, normal bound
    }
};

int main(int argc, char** argv) { return mxtb::run_main<Unit>(argc, argv); }
