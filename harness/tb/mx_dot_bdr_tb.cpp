// mxref verify testbench of the dot-bdr unit (MX9/MX6/MX4 dot products: rtl/mx_dot_bdr_lanes' interface, docs/verify.md
// "Units"): one vector record per clock through harness/tb/mxtb.h (protocol, clocking, latency check, crash reports).
//
//   greeting magic "MXTS" (shared microexponents)
//   stdin:   records of 8 + 2*MB + 2K bytes, MB = ceil(K/16): rm scale_a scale_b 0 | c (u32) | micro_a (MB bytes,
//            pair j in bit j) | micro_b | K a-lanes | K b-lanes (element i's sign-magnitude code in the low M+1 bits of
//            its byte lane; the bits above are 0 in the records and ignored by the design)
//   stdout:  per vector, in order, 8 bytes: d (u32) flags (u8) 0 0 0   (the dot unit's result record)
//
// The bench does not know M: the lanes are bytes whatever the format, so one bench serves MX9, MX6 and MX4.
#include "mxtb.h"

struct Unit : mxtb::StdPorts {
    static constexpr uint32_t kMagic = 0x5354584d;  // "MXTS"
    static constexpr int kMicroBytes = (mxtb::K / 2 + 7) / 8;
    static constexpr int kInBytes = 8 + 2 * kMicroBytes + 2 * mxtb::K;
    static constexpr int kOutBytes = 8;

    static void drive(Vdut* dut, const uint8_t* r) {
        dut->rm = r[0];
        dut->scale_a = r[1];
        dut->scale_b = r[2];
        uint32_t c;
        std::memcpy(&c, r + 4, 4);
        dut->c = c;
        mxtb::set_bits(dut->micro_a, r + 8, kMicroBytes);
        mxtb::set_bits(dut->micro_b, r + 8 + kMicroBytes, kMicroBytes);
        mxtb::set_bits(dut->a, r + 8 + 2 * kMicroBytes, mxtb::K);
        mxtb::set_bits(dut->b, r + 8 + 2 * kMicroBytes + mxtb::K, mxtb::K);
    }
    static void sample(Vdut* dut, uint8_t* out) {
        uint32_t d = dut->d;
        std::memcpy(out, &d, 4);
        out[4] = uint8_t(dut->flags);
        out[5] = out[6] = out[7] = 0;
    }
    static void probe(uint8_t*) {}
    static void sanitize(uint8_t* r) {  // a valid rounding code and no microexponent bits beyond the K/2 pairs
        r[0] %= 6;
        r[3] = 0;
        if ((mxtb::K / 2) % 8 != 0) {
            uint8_t keep = uint8_t((1u << ((mxtb::K / 2) % 8)) - 1);
            r[8 + kMicroBytes - 1] &= keep;
            r[8 + 2 * kMicroBytes - 1] &= keep;
        }
    }
};

int main(int argc, char** argv) { return mxtb::run_main<Unit>(argc, argv); }
