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
// Exit codes: 0 done, 3 protocol or interface error (message on stderr), 128+signal on a crash.
#include "Vdut.h"
#include "verilated.h"
#if MXTB_TRACE
#include "verilated_vcd_c.h"
#endif
#if VM_COVERAGE
#include "verilated_cov.h"
#endif

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <type_traits>
#include <unistd.h>
#include <vector>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the record layout assumes a little-endian host"
#endif

namespace {

uint64_t g_driven = 0;  // blocks taken from the input so far (a crash report names the last one)

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "mxtb: %s (after driving %llu vectors)\n", what, (unsigned long long)g_driven);
    std::exit(3);
}

// Sets `bits` bits of a port at bit offset `at` (the port is an integer up to 64 bits or a VlWide word array).
template <std::size_t N>
void put_bits(VlWide<N>& port, int at, int bits, uint32_t v) {
    for (int i = 0; i < bits; ++i) {
        int b = at + i;
        uint32_t m = 1u << (b % 32);
        port[std::size_t(b / 32)] = (v >> i & 1u) ? (port[std::size_t(b / 32)] | m) : (port[std::size_t(b / 32)] & ~m);
    }
}
template <typename T, typename = std::enable_if_t<std::is_integral<T>::value>>
void put_bits(T& port, int at, int bits, uint32_t v) {
    uint64_t mask = ((uint64_t(1) << bits) - 1) << at;
    port = T((uint64_t(port) & ~mask) | ((uint64_t(v) << at) & mask));
}

void on_signal(int sig);

}  // namespace

// ---------------------------------------------------------------------------------------------- CONFIG (generated)
//@@CONFIG@@
// ---------------------------------------------------------------------------------------------- end of CONFIG

namespace {

constexpr int kInBytes = 12 + 2 * K;
constexpr int kOutBytes = 8;
constexpr int kWindow = 64;            // blocks in flight at most
constexpr uint64_t kPatience = 100000; // clocks without progress before the bench gives up

void put_decimal(char*& p, uint64_t v) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = char('0' + v % 10); v /= 10; } while (v != 0);
    while (n > 0) *p++ = tmp[--n];
}

// Async-signal-safe: only write() and _exit().
void on_signal(int sig) {
    char msg[160];
    char* p = msg;
    for (const char* s = "mxtb: stopped by signal "; *s; ++s) *p++ = *s;
    put_decimal(p, uint64_t(sig));
    for (const char* s = " after driving "; *s; ++s) *p++ = *s;
    put_decimal(p, g_driven);
    for (const char* s = " vectors\n"; *s; ++s) *p++ = *s;
    ssize_t ignored = write(2, msg, size_t(p - msg));
    (void)ignored;
    _exit(128 + sig);
}

double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

int g_out_fd = 1;

void write_all(const uint8_t* p, size_t n) {
    while (n > 0) {
        ssize_t w = write(g_out_fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            std::exit(3);
        }
        p += w;
        n -= size_t(w);
    }
}

class Output {
public:
    void result(uint32_t d, uint8_t flags) {
        uint8_t* p = buf_.data() + used_;
        std::memcpy(p, &d, 4);
        p[4] = flags;
        p[5] = p[6] = p[7] = 0;
        used_ += kOutBytes;
        if (used_ == buf_.size()) flush();
    }
    void raw(const void* p, size_t n) {
        flush();
        write_all(static_cast<const uint8_t*>(p), n);
    }
    void flush() {
        write_all(buf_.data(), used_);
        used_ = 0;
    }

private:
    std::vector<uint8_t> buf_ = std::vector<uint8_t>(kOutBytes * 8192);
    size_t used_ = 0;
};

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
            have_ += size_t(n);
        }
        std::memcpy(dst, buf_.data() + pos_, kInBytes);
        pos_ += kInBytes;
        return true;
    }
    bool done() const { return eof_ && have_ == pos_; }

private:
    Output& out_;
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

private:
    uint64_t count_, taken_ = 0;
    std::vector<uint8_t> table_;
};

class Bench {
public:
    explicit Bench(const char* trace_file) : dut_(new Vdut) {
        tie_off(dut_);
#if MXTB_TRACE
        if (trace_file != nullptr) {
            Verilated::traceEverOn(true);
            vcd_ = new VerilatedVcdC;
            dut_->trace(vcd_, 99);
            vcd_->open(trace_file);
        }
#else
        if (trace_file != nullptr) fail("--trace needs the trace build of the bench (mxref verify --trace builds it)");
#endif
    }
    ~Bench() {
#if MXTB_TRACE
        if (vcd_ != nullptr) vcd_->close();
#endif
        dut_->final();
        delete dut_;
    }

    void reset() {
        set_in_valid(dut_, 0);
        set_out_ready(dut_, 0);
        set_reset(dut_, RESET_ACTIVE_HIGH ? 1 : 0);
        for (int i = 0; i < RESET_CYCLES; ++i) edge();
        set_reset(dut_, RESET_ACTIVE_HIGH ? 0 : 1);
        edge();
    }

    // Settles the combinational outputs for the inputs set so far (the clock is low).
    void settle() {
        set_clock(dut_, 0);
        dut_->eval();
    }
    // One rising and one falling edge.
    void edge() {
        set_clock(dut_, 1);
        dut_->eval();
        dump();
        set_clock(dut_, 0);
        dut_->eval();
        dump();
        ++cycle_;
        if (Verilated::gotFinish()) fail("the design called $finish");
    }

    // Beat `beat` of a record, with accumulator c.
    void drive(const uint8_t* r, int beat, uint32_t c) {
        int fa = FORMAT_CODE[r[0] & 7], fb = FORMAT_CODE[r[1] & 7], rm = ROUNDING_CODE[r[2] & 7];
        if (fa < 0 || fb < 0) fail("a vector with an element format that the description's codes.formats does not list");
        if (rm < 0) fail("a vector with a rounding mode that the description's codes.rounding does not list");
        int of = beat == BEATS - 1 ? OUTPUT_CODE[r[6] % 3] : OUTPUT_CODE[0];
        if (of < 0) fail("a vector with an output format that the description's output_format codes do not list");
        if (r[5] != 0 && !HAS_SCALE_FORMAT) fail("a vector with UE4M3 scales, but the description has no scale_format port (E8M0 only)");
        set_in_valid(dut_, 1);
        set_operands(dut_, uint32_t(fa), uint32_t(fb), uint32_t(rm), r[3], r[4], r[5], uint32_t(of), c, r + 12 + beat * L, r + 12 + K + beat * L);
    }
    void idle() { set_in_valid(dut_, 0); }

    Vdut* dut() { return dut_; }
    uint64_t cycle() const { return cycle_; }
    bool tracing() const {
#if MXTB_TRACE
        return vcd_ != nullptr;
#else
        return false;
#endif
    }

private:
    void dump() {
#if MXTB_TRACE
        if (vcd_ != nullptr) vcd_->dump(vluint64_t(time_));
        time_ += 5;
#endif
    }

    Vdut* dut_;
#if MXTB_TRACE
    VerilatedVcdC* vcd_ = nullptr;
    uint64_t time_ = 0;
#endif
    uint64_t cycle_ = 0;
};

// Edges from the one that takes a single beat to the one before which its result is offered (output ready held 1).
int measure_latency(Bench& bench) {
    uint8_t probe[kInBytes] = {0};
    for (int i = 0; i < 8; ++i) if (FORMAT_CODE[i] >= 0) { probe[0] = probe[1] = uint8_t(i); break; }
    for (int i = 0; i < 8; ++i) if (ROUNDING_CODE[i] >= 0) { probe[2] = uint8_t(i); break; }
    probe[3] = probe[4] = 0x7f;
    Vdut* d = bench.dut();
    bench.drive(probe, 0, 0);
    set_out_ready(d, 1);
    uint64_t taken = 0;
    bool fired = false;
    for (uint64_t n = 0; n < kPatience; ++n) {
        bench.settle();
        if (!fired && in_ready(d)) { fired = true; taken = bench.cycle(); bench.edge(); bench.idle(); continue; }
        if (fired && out_valid(d)) return int(bench.cycle() - taken);
        bench.edge();
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

template <typename Source>
int run(Bench& bench, Source& src, Output* out, int latency) {
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
                    ++g_driven;
                    cur = s;
                } else if (src.done()) {
                    source_done = true;
                }
            }
        }
        if (source_done && head == tail) break;
        if (cur >= 0) bench.drive(slots[cur].rec, slots[cur].beat, slots[cur].acc);
        else bench.idle();
        bool accept = !(HAS_OUT_READY && STALL_RATE > 0 && draw());
        set_out_ready(d, accept ? 1 : 0);
        bench.settle();
        bool in_fire = cur >= 0 && in_ready(d);
        bool out_fire = out_valid(d) && accept;
        uint32_t dv = 0;
        uint8_t fl = 0;
        if (out_fire) {
            dv = d_value(d);
            fl = flags_value(d);
        }
        uint64_t edge_index = bench.cycle();
        bench.edge();
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
            if (out != nullptr) out->result(slots[head % kWindow].acc, slots[head % kWindow].flags);
            ++head;
            ++results;
        }
        if ((pend_n > 0 || cur >= 0) && ++idle_clocks > kPatience)
            fail(pend_n > 0 ? "no result for 100000 clocks although beats are outstanding (the unit hangs or drops results)"
                            : "the input ready port stayed low for 100000 clocks");
    }
    (void)latency;
    return 0;
}

int stream(Bench& bench, int latency) {
#ifdef F_SETPIPE_SZ
    fcntl(0, F_SETPIPE_SZ, 1 << 20);
    fcntl(g_out_fd, F_SETPIPE_SZ, 1 << 20);
#endif
    Output out;
    uint32_t hello[4] = {0x4254584d /* "MXTB" */, 1, uint32_t(K), uint32_t(latency)};
    out.raw(hello, sizeof hello);
    if (bench.tracing())
        std::fprintf(stderr, "mxtb: first streamed vector sampled at VCD time %llu\n", (unsigned long long)(10 * bench.cycle()));
    StdinSource src(out);
    run(bench, src, &out, latency);
    out.flush();
    std::fprintf(stderr, "mxtb: streamed %llu vectors, cpu %.3f s\n", (unsigned long long)g_driven, cpu_seconds());
    return 0;
}

int free_run(Bench& bench, uint64_t count, int latency) {
    TableSource src(count);
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpu_seconds();
    uint64_t c_start = bench.cycle();
    run(bench, src, nullptr, latency);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cpu = cpu_seconds() - c0;
    std::fprintf(stderr, "mxtb free-run: K=%d as %d beats of %d, stall rate %.3f, %llu vectors in %llu clocks, %.3f s = %.0f vectors/s wall; cpu %.3f s = %.0f vectors/cpu-s\n",
                 K, BEATS, L, STALL_RATE, (unsigned long long)count, (unsigned long long)(bench.cycle() - c_start), s, double(count) / s, cpu, double(count) / cpu);
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    Verilated::commandArgs(argc, argv);
    g_out_fd = dup(1);
    if (g_out_fd < 0 || dup2(2, 1) < 0) {
        std::perror("mxtb: redirecting stdout");
        return 3;
    }
    const char* trace_file = nullptr;
    uint64_t free_count = 0;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--trace") == 0 && i + 1 < argc) trace_file = argv[++i];
        else if (std::strcmp(argv[i], "--free-run") == 0 && i + 1 < argc) free_count = std::strtoull(argv[++i], nullptr, 10);
        else if (argv[i][0] != '+') {
            std::fprintf(stderr, "mxtb: unknown argument '%s'; usage: mxtb [--free-run N] [--trace FILE.vcd] < records\n", argv[i]);
            return 3;
        }
    }
    for (int sig : {SIGTERM, SIGINT, SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, on_signal);
    std::signal(SIGPIPE, SIG_IGN);
    int rc;
    {
        Bench bench(trace_file);
        bench.reset();
        int latency = measure_latency(bench);
        bench.reset();
        rc = free_count > 0 ? free_run(bench, free_count, latency) : stream(bench, latency);
    }
#if VM_COVERAGE
    if (rc == 0) {
        const char* dir = std::getenv("MXTB_COVERAGE_DIR");
        if (dir != nullptr && dir[0] != '\0') {
            char path[4096];
            std::snprintf(path, sizeof path, "%s/cov-%ld.dat", dir, long(getpid()));
            VerilatedCov::write(path);
        }
    }
#endif
    return rc;
}
