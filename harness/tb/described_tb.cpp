// mxref verify testbench for a unit described by a DUT description file (docs/verify.md, "Verifying your own unit:
// the description file"). mxref generates the block between the CONFIG markers from the description (port names,
// codes, lanes, beats, handshake, latency, reset) and builds this file with the Verilated design: no wrapper.
//
// It speaks the same binary protocol as harness/tb/mx_dot_tb.cpp, so the C# side is unchanged:
//   stdout, once:  "MXTB" u32 version=1, u32 K, u32 latency (of one beat, measured after reset)
//   stdin:         records of 12 + 2K bytes: fmt_a fmt_b rm scale_a scale_b scale_fmt out_fmt 0 | c | K a | K b
//   stdout:        per block, in order, 8 bytes: d (u32) flags (u8) 0 0 0
// A block of K elements is BEATS beats of L lanes; beat j carries elements [jL, jL+L) with the block's formats,
// mode and scales, its C is the previous beat's D (the record's C for beat 0), and the block's flags are the OR of
// its beats' flags: the chained model --acc chunked:L. Beats of different blocks interleave (a window of blocks in
// flight), so a pipelined unit stays busy although each block's beats depend on each other.
// Handshake: an input beat transfers at a rising edge where valid and ready are both 1 (ready absent: always);
// once offered, a beat is held until it transfers. With a stall rate r the bench withholds a new beat with
// probability r each cycle and lowers the output ready with probability r (random stalls and back-pressure,
// from a seeded xorshift generator, so a run is reproducible).
// The clocking, reset, trace, crash reports, result output and main() are harness/tb/mxtb.h's, as for every unit's
// bench: the generated Ports give mxtb::Bench the unit's control ports, and the Handshake driver below replaces the
// one-vector-per-clock stream of a fixed pipeline.
// Exit codes: 0 done, 3 protocol or interface error (message on stderr), 128+signal on a crash.
#include "mxtb.h"

#include <poll.h>

// ---------------------------------------------------------------------------------------------- CONFIG (generated)
//@@CONFIG@@
// ---------------------------------------------------------------------------------------------- end of CONFIG

namespace {

static_assert(K == mxtb::K, "the description's block.k is the build's MXTB_K");

constexpr int kInBytes = 12 + 2 * K;
constexpr int kOutBytes = 8;
constexpr int kWindow = 64;            // blocks in flight at most
constexpr uint64_t kPatience = 100000; // clocks without progress before the bench gives up

using mxtb::fail;

// The unit for mxtb.h: the dot unit's records and greeting, the described ports.
struct Unit : Ports {
    static constexpr uint32_t kMagic = 0x4254584d;  // "MXTB": the dot unit's protocol
    static constexpr int kInBytes = ::kInBytes;
    static constexpr int kOutBytes = ::kOutBytes;
    static void sample(Vdut* d, uint8_t* out) { result(d_value(d), flags_value(d), out); }
    static void result(uint32_t d, uint8_t flags, uint8_t* out) {
        std::memcpy(out, &d, 4);
        out[4] = flags;
        out[5] = out[6] = out[7] = 0;
    }
};
using Bench = mxtb::Bench<Unit>;
using Output = mxtb::Output<kOutBytes>;

// Beat `beat` of a record, with accumulator c: the unit's codes for the record's formats, mode and output format.
void drive_beat(Bench& bench, const uint8_t* r, int beat, uint32_t c) {
    int fa = FORMAT_CODE[r[0] & 7], fb = FORMAT_CODE[r[1] & 7], rm = ROUNDING_CODE[r[2] & 7];
    if (fa < 0 || fb < 0) fail("a vector with an element format that the description's codes.formats does not list");
    if (rm < 0) fail("a vector with a rounding mode that the description's codes.rounding does not list");
    if (r[6] >= 3) fail("a vector with an output format code above 2 (0 fp32, 1 bf16, 2 fp16)");
    int of = beat == BEATS - 1 ? OUTPUT_CODE[r[6]] : OUTPUT_CODE[0];
    if (of < 0) fail("a vector with an output format that the description's output_format codes do not list");
    if (r[5] != 0 && !HAS_SCALE_FORMAT) fail("a vector with UE4M3 scales, but the description has no scale_format port (E8M0 only)");
    Vdut* d = bench.dut();
    Unit::set_in_valid(d, 1);
    Unit::set_operands(d, uint32_t(fa), uint32_t(fb), uint32_t(rm), r[3], r[4], r[5], uint32_t(of), c, r + 12 + beat * L, r + 12 + K + beat * L);
}

// Records from standard input; `next` blocks only when the caller has nothing else to do.
class StdinSource {
public:
    explicit StdinSource(Output& out) : out_(out) {}
    bool next(uint8_t* dst, bool may_block) {
        while (have_ - pos_ < size_t(kInBytes)) {
            if (eof_) {
                if (have_ != pos_) fail("standard input ended inside a record (truncated stream)");
                return false;
            }
            if (!may_block) {
                pollfd p{0, POLLIN, 0};
                if (poll(&p, 1, 0) <= 0) {
                    out_.flush();  // the reader may be waiting for these before it writes more
                    return false;
                }
            } else {
                out_.flush();  // before a read that may block: results never wait in our buffer while we wait
            }
            if (pos_ > 0) {
                std::memmove(buf_.data(), buf_.data() + pos_, have_ - pos_);
                have_ -= pos_;
                pos_ = 0;
            }
            ssize_t n = read(0, buf_.data() + have_, buf_.size() - have_);
            if (n < 0) {
                if (errno == EINTR) continue;
                fail("reading standard input failed");
            }
            if (n == 0) eof_ = true;
            record_.write(buf_.data() + have_, size_t(n));
            have_ += size_t(n);
        }
        std::memcpy(dst, buf_.data() + pos_, kInBytes);
        pos_ += kInBytes;
        return true;
    }
    bool done() const { return eof_ && have_ == pos_; }

private:
    Output& out_;
    mxtb::Recorder record_;
    std::vector<uint8_t> buf_ = std::vector<uint8_t>(size_t(kInBytes) * 16384);
    size_t have_ = 0, pos_ = 0;
    bool eof_ = false;
};

// --free-run: records from a fixed pseudo-random table (codes the unit supports), results only counted.
class TableSource {
public:
    explicit TableSource(uint64_t count) : count_(count), table_(size_t(4096) * kInBytes) {
        uint64_t x = 0x9E3779B97F4A7C15ull;
        for (auto& byte : table_) {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            byte = uint8_t(x >> 24);
        }
        int formats[8], nf = 0, modes[8], nm = 0;
        for (int i = 0; i < 8; ++i) {
            if (FORMAT_CODE[i] >= 0) formats[nf++] = i;
            if (ROUNDING_CODE[i] >= 0) modes[nm++] = i;
        }
        if (nf == 0 || nm == 0) fail("the description enables no format or no rounding mode");
        for (int i = 0; i < 4096; ++i) {
            uint8_t* r = table_.data() + size_t(i) * kInBytes;
            r[0] = uint8_t(formats[r[0] % nf]); r[1] = uint8_t(formats[r[1] % nf]); r[2] = uint8_t(modes[r[2] % nm]);
            r[5] = r[6] = r[7] = 0;
        }
    }
    bool next(uint8_t* dst, bool) {
        if (taken_ == count_) return false;
        std::memcpy(dst, table_.data() + size_t(taken_++ % 4096) * kInBytes, kInBytes);
        return true;
    }
    bool done() const { return taken_ == count_; }
    // MXTB_RECORD=FILE: the `count` records about to be driven, as a stream file, so that `--replay FILE` runs
    // free-run's vectors through the stream's loop (as mxtb::free_run does); untimed.
    void record() const {
        mxtb::Recorder record;
        for (uint64_t i = 0; i < count_; i += 4096)
            record.write(table_.data(), size_t(count_ - i < 4096 ? count_ - i : 4096) * kInBytes);
    }

private:
    uint64_t count_, taken_ = 0;
    std::vector<uint8_t> table_;
};

// --replay: the records of a recorded stream, from memory.
class MemorySource {
public:
    explicit MemorySource(const std::vector<uint8_t>& records) : records_(records) {}
    bool next(uint8_t* dst, bool) {
        if (done()) return false;
        std::memcpy(dst, records_.data() + pos_, kInBytes);
        pos_ += kInBytes;
        return true;
    }
    bool done() const { return pos_ == records_.size(); }

private:
    const std::vector<uint8_t>& records_;
    size_t pos_ = 0;
};

// Edges from the one that takes a single beat to the one before which its result is offered (output ready held 1).
int measure_latency(Bench& bench) {
    uint8_t probe[kInBytes] = {0};
    for (int i = 0; i < 8; ++i) if (FORMAT_CODE[i] >= 0) { probe[0] = probe[1] = uint8_t(i); break; }
    for (int i = 0; i < 8; ++i) if (ROUNDING_CODE[i] >= 0) { probe[2] = uint8_t(i); break; }
    probe[3] = probe[4] = 0x7f;
    Vdut* d = bench.dut();
    drive_beat(bench, probe, 0, 0);
    Unit::set_out_ready(d, 1);
    uint64_t taken = 0;
    bool fired = false;
    for (uint64_t n = 0; n < kPatience; ++n) {
        bench.settle();
        if (!fired && Unit::in_ready(d)) { fired = true; taken = bench.cycle(); bench.edge(false); bench.idle(); continue; }
        if (fired && Unit::out_valid(d)) return int(bench.cycle() - taken);
        bench.edge(false);
    }
    fail(fired ? "no result within 100000 clocks of a single beat: check the output valid port and the reset polarity"
               : "the input ready port stayed low for 100000 clocks after reset: check its name and the reset polarity");
}

struct Slot {
    uint8_t rec[kInBytes];
    int beat;          // beats taken so far
    uint32_t acc;      // the previous beat's D
    uint8_t flags;     // OR of the beats' flags
    bool done;
};

template <typename Source, typename Out>
int run(Bench& bench, Source& src, Out* out) {
    std::vector<Slot> slots(kWindow);
    // Issued beats awaiting their result, in order (the unit returns results in the order it takes beats).
    std::vector<int> pend_slot(kWindow * BEATS + 1);
    std::vector<uint64_t> pend_edge(kWindow * BEATS + 1);
    size_t pend_head = 0, pend_n = 0;
    std::vector<int> ready(kWindow);  // slots whose next beat may go (their previous beat's result is back)
    size_t ready_head = 0, ready_n = 0;
    uint64_t head = 0, tail = 0;      // blocks [head, tail) are in the window, by stream position
    uint64_t results = 0, idle_clocks = 0;
    uint64_t rng = STALL_SEED * 0x9E3779B97F4A7C15ull + 1;
    auto draw = [&]() {  // true with probability STALL_RATE
        rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
        return double(rng >> 11) * (1.0 / 9007199254740992.0) < STALL_RATE;
    };
    int cur = -1;  // the slot whose beat is offered (held until it transfers)
    Vdut* d = bench.dut();
    bool source_done = false;
    for (;;) {
        if (cur < 0 && !(STALL_RATE > 0 && draw())) {
            if (ready_n > 0) {
                cur = ready[ready_head];
                ready_head = (ready_head + 1) % kWindow;
                --ready_n;
            } else if (!source_done && tail - head < uint64_t(kWindow)) {
                bool busy = pend_n > 0 || head != tail;
                int s = int(tail % kWindow);
                if (src.next(slots[s].rec, !busy)) {
                    slots[s].beat = 0;
                    slots[s].flags = 0;
                    slots[s].done = false;
                    std::memcpy(&slots[s].acc, slots[s].rec + 8, 4);
                    ++tail;
                    ++mxtb::g_driven;
                    cur = s;
                } else if (src.done()) {
                    source_done = true;
                }
            }
        }
        if (source_done && head == tail) break;
        if (cur >= 0) drive_beat(bench, slots[cur].rec, slots[cur].beat, slots[cur].acc);
        else bench.idle();
        bool accept = !(HAS_OUT_READY && STALL_RATE > 0 && draw());
        Unit::set_out_ready(d, accept ? 1 : 0);
        bench.settle();
        bool in_fire = cur >= 0 && Unit::in_ready(d);
        bool out_fire = Unit::out_valid(d) && accept;
        uint32_t dv = 0;
        uint8_t fl = 0;
        if (out_fire) {
            dv = Unit::d_value(d);
            fl = Unit::flags_value(d);
        }
        uint64_t edge_index = bench.cycle();
        bench.edge(false);
        if (out_fire) {
            if (pend_n == 0) fail("the output valid rose with no beat outstanding");
            int s = pend_slot[pend_head];
            uint64_t took = pend_edge[pend_head];
            pend_head = (pend_head + 1) % pend_slot.size();
            --pend_n;
            if (LATENCY > 0 && edge_index - took != uint64_t(LATENCY)) {
                char msg[200];
                std::snprintf(msg, sizeof msg, "a result came after %llu clocks, the description's latency is %d",
                              (unsigned long long)(edge_index - took), LATENCY);
                fail(msg);
            }
            Slot& b = slots[s];
            b.acc = dv;
            b.flags |= fl;
            if (++b.beat == BEATS) b.done = true;
            else {
                ready[(ready_head + ready_n) % kWindow] = s;
                ++ready_n;
            }
            idle_clocks = 0;
        }
        if (in_fire) {
            pend_slot[(pend_head + pend_n) % pend_slot.size()] = cur;
            pend_edge[(pend_head + pend_n) % pend_slot.size()] = edge_index;
            ++pend_n;
            cur = -1;
            idle_clocks = 0;
        }
        while (head != tail && slots[head % kWindow].done) {
            if (out != nullptr) {
                uint8_t rec[kOutBytes];
                Unit::result(slots[head % kWindow].acc, slots[head % kWindow].flags, rec);
                out->result(rec);
            }
            ++head;
            ++results;
        }
        if ((pend_n > 0 || cur >= 0) && ++idle_clocks > kPatience)
            fail(pend_n > 0 ? "no result for 100000 clocks although beats are outstanding (the unit hangs or drops results)"
                            : "the input ready port stayed low for 100000 clocks");
    }
    return 0;
}

// The handshake driver of mxtb::run_main: beats chained through C, valid/ready with seeded stalls.
struct Handshake {
    static int latency(Bench& bench) { return measure_latency(bench); }

    static int stream(Bench& bench, int latency) {
#ifdef F_SETPIPE_SZ
        fcntl(0, F_SETPIPE_SZ, 1 << 20);
        fcntl(mxtb::g_out_fd, F_SETPIPE_SZ, 1 << 20);
#endif
        Output out;
        uint32_t hello[4] = {Unit::kMagic, 1, uint32_t(K), uint32_t(latency)};
        out.raw(hello, sizeof hello);
        if (bench.tracing())
            std::fprintf(stderr, "mxtb: first streamed vector sampled at VCD time %llu\n", (unsigned long long)(10 * bench.cycle()));
        StdinSource src(out);
        run(bench, src, &out);
        out.flush();
        std::fprintf(stderr, "mxtb: streamed %llu vectors, cpu %.3f s\n", (unsigned long long)mxtb::g_driven, mxtb::cpu_seconds());
        return 0;
    }

    static int free_run(Bench& bench, uint64_t count, int) {
        TableSource src(count);
        src.record();
        auto t0 = std::chrono::steady_clock::now();
        double c0 = mxtb::cpu_seconds();
        uint64_t c_start = bench.cycle();
        run(bench, src, static_cast<Output*>(nullptr));
        double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        double cpu = mxtb::cpu_seconds() - c0;
        std::fprintf(stderr, "mxtb free-run: K=%d as %d beats of %d, stall rate %.3f, %llu vectors in %llu clocks, %.3f s = %.0f vectors/s wall; cpu %.3f s = %.0f vectors/cpu-s\n",
                     K, BEATS, L, STALL_RATE, (unsigned long long)count, (unsigned long long)(bench.cycle() - c_start), s, double(count) / s, cpu, double(count) / cpu);
        return 0;
    }

    static int replay(Bench& bench, int latency, const char* file) {
        std::vector<uint8_t> records = mxtb::read_records(file, kInBytes);
        size_t count = records.size() / kInBytes;
        mxtb::MemoryOutput<kOutBytes> out(count);
        MemorySource src(records);
        mxtb::ReplayClock clock;
        run(bench, src, &out);
        clock.report(count, file);
        mxtb::write_replayed(Unit::kMagic, latency, out.bytes());
        return 0;
    }
};

}  // namespace

int main(int argc, char** argv) { return mxtb::run_main<Unit, Handshake>(argc, argv); }
