// mxtb.h: what every `mxref verify` testbench shares, whatever the unit: the stream protocol, the clocking, the
// latency check, crash reporting, the free-running rate and main(). A unit's bench (harness/tb/<unit>_tb.cpp)
// includes this file, defines a struct Unit and ends with
//   int main(int argc, char** argv) { return mxtb::run_main<Unit>(argc, argv); }
//
//   struct Unit {
//       static constexpr uint32_t kMagic;     // the greeting, "MXT" + a unit letter (docs/verify.md, "Units")
//       static constexpr int kInBytes;        // bytes of one vector record on stdin
//       static constexpr int kOutBytes;       // bytes of one result record on stdout
//       static void drive(Vdut*, const uint8_t* record);   // set the input ports (in_valid is set by the bench)
//       static void sample(Vdut*, uint8_t* result);        // copy the output ports into a result record
//       static void probe(uint8_t* record);                // a valid record for the latency measurement (zeroed)
//       static void sanitize(uint8_t* record);             // make random bytes a valid record (free-run)
//   };
//
// Protocol (all integers little-endian):
//   stdout, once:  u32 magic, u32 version=1, u32 K, u32 latency   (latency measured from out_valid after reset)
//   stdin:         records of Unit::kInBytes
//   stdout:        per vector, in order, Unit::kOutBytes of results
// The design is fed back to back while input is available; the clock does not advance while the bench waits for
// input, so a vector driven at edge e must come out after edge e + latency - 1 (checked for every result).
// Exit codes: 0 done, 3 protocol or interface error (message on stderr), 128+signal on a crash.
// Options: --free-run N (raw simulation rate: N vectors from an internal table, no I/O)
//          --trace FILE.vcd (only in a build with --trace -CFLAGS -DMXTB_TRACE=1)
// Coverage build (--coverage-line --coverage-toggle, mxref verify --code-coverage): on a normal exit the counts go to
// $MXTB_COVERAGE_DIR/cov-<pid>.dat (one file per process, merged by verilator_coverage afterwards).
#ifndef MXTB_H
#define MXTB_H

#include "Vdut.h"
#include "verilated.h"
#if MXTB_TRACE
#include "verilated_vcd_c.h"
#endif
#if VM_COVERAGE
#include "verilated_cov.h"
#endif

#include <chrono>
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <sys/resource.h>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <type_traits>
#include <unistd.h>
#include <vector>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the record layouts (and set_bits/get_bits) assume a little-endian host"
#endif

#ifndef MXTB_K
#error "compile with -DMXTB_K=<block size>"
#endif

namespace mxtb {

constexpr int K = MXTB_K;
constexpr int kMaxLatency = 1024;

// Vectors driven so far; read by the signal handler, so a crash or a kill names the last vector consumed.
static uint64_t g_driven = 0;

inline void put_decimal(char*& p, uint64_t v) {
    char tmp[24];
    int n = 0;
    do { tmp[n++] = char('0' + v % 10); v /= 10; } while (v != 0);
    while (n > 0) *p++ = tmp[--n];
}

// Async-signal-safe: only write() and _exit().
inline void on_signal(int sig) {
    char msg[160];
    char* p = msg;
    const char* head = "mxtb: stopped by signal ";
    for (const char* s = head; *s; ++s) *p++ = *s;
    put_decimal(p, uint64_t(sig));
    const char* mid = " after driving ";
    for (const char* s = mid; *s; ++s) *p++ = *s;
    put_decimal(p, g_driven);
    const char* tail = " vectors\n";
    for (const char* s = tail; *s; ++s) *p++ = *s;
    ssize_t ignored = write(2, msg, size_t(p - msg));
    (void)ignored;
    _exit(128 + sig);
}

// CPU seconds of this process (user + system): rates on a shared machine are judged by CPU, not wall time.
inline double cpu_seconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

[[noreturn]] inline void fail(const char* what) {
    std::fprintf(stderr, "mxtb: %s (after driving %llu vectors)\n", what, (unsigned long long)g_driven);
    std::exit(3);
}

// Ports wider than 64 bits are VlWide (32-bit words, word 0 least significant), narrower ones plain integers. Byte i
// of the little-endian byte string is bits [8i, 8i+8) of the port either way.
template <std::size_t N>
void set_bits(VlWide<N>& port, const uint8_t* bytes, std::size_t n) {
    uint32_t words[N] = {0};
    std::memcpy(words, bytes, n < N * 4 ? n : N * 4);
    for (std::size_t w = 0; w < N; ++w) port[w] = words[w];
}
template <typename T, typename = std::enable_if_t<std::is_integral<T>::value>>
void set_bits(T& port, const uint8_t* bytes, std::size_t n) {
    uint64_t v = 0;
    for (std::size_t i = 0; i < n && i < sizeof(uint64_t); ++i) v |= uint64_t(bytes[i]) << (8 * i);
    port = T(v);
}
template <std::size_t N>
void get_bits(const VlWide<N>& port, uint8_t* bytes, std::size_t n) {
    uint32_t words[N];
    for (std::size_t w = 0; w < N; ++w) words[w] = port[w];
    std::memcpy(bytes, words, n < N * 4 ? n : N * 4);
}
template <typename T, typename = std::enable_if_t<std::is_integral<T>::value>>
void get_bits(const T& port, uint8_t* bytes, std::size_t n) {
    uint64_t v = uint64_t(port);
    for (std::size_t i = 0; i < n; ++i) bytes[i] = i < sizeof(uint64_t) ? uint8_t(v >> (8 * i)) : 0;
}

// The units built around rtl/mx_quant (quantize, regen) share its policy ports and its outputs: bytes 0..5 of their
// records are fmt rm scale_rule specials int8_full flush, their result is scale rsv 0 0 0 0 0 0 | K element lanes.
template <typename D>
void drive_policy(D* dut, const uint8_t* r) {
    dut->fmt = r[0];
    dut->rm = r[1];
    dut->scale_rule = r[2];
    dut->specials = r[3];
    dut->int8_full = r[4];
    dut->flush = r[5];
}
template <typename D>
void sample_block(D* dut, uint8_t* out) {
    std::memset(out, 0, 8);
    out[0] = uint8_t(dut->scale);
    out[1] = uint8_t(dut->rsv);
    get_bits(dut->p, out + 8, K);
}
// Random bytes made valid policy codes (FMT_* 0..5, RM_* 0..5, SR_* 0..4, SP_* 0..3), for --free-run.
inline void sanitize_policy(uint8_t* r) {
    r[0] %= 6; r[1] %= 6; r[2] %= 5; r[3] &= 3; r[4] &= 1; r[5] &= 1;
}

template <typename U>
class Bench {
public:
    explicit Bench(const char* trace_file) : dut_(new Vdut) {
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
        dut_->in_valid = 0;
        dut_->rst_n = 0;
        edge();
        edge();
        dut_->rst_n = 1;
        edge();
    }

    // One clock: inputs are already set; rising edge, sample outputs, falling edge.
    void edge() {
        dut_->clk = 1;
        dut_->eval();
        dump();
        out_valid_ = dut_->out_valid;
        if (out_valid_) U::sample(dut_, result_);
        dut_->clk = 0;
        dut_->eval();
        dump();
        ++cycle_;
        if (Verilated::gotFinish()) fail("the design called $finish");
    }

    void drive(const uint8_t* r) {
        dut_->in_valid = 1;
        U::drive(dut_, r);
    }
    void idle() { dut_->in_valid = 0; }

    // Latency: edges from the one that samples in_valid to the one after which out_valid is 1.
    int measure_latency() {
        uint8_t probe[U::kInBytes] = {0};
        U::probe(probe);
        drive(probe);
        edge();
        idle();
        for (int n = 1; n <= kMaxLatency; ++n) {
            if (out_valid_) {
                for (int extra = 0; extra < 4; ++extra) {  // a second pulse would mean out_valid is not in_valid delayed
                    edge();
                    if (out_valid_) fail("out_valid stayed high after a single in_valid pulse: not a fixed-latency pipe");
                }
                return n;
            }
            edge();
        }
        fail("out_valid never rose within 1024 clocks of in_valid: the design's valid path does not match the interface");
    }

    bool out_valid() const { return out_valid_ != 0; }
    const uint8_t* result() const { return result_; }
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
    uint8_t out_valid_ = 0;
    uint8_t result_[U::kOutBytes] = {0};
};

// Results go to a private copy of stdout; fd 1 itself is pointed at stderr in main(), so $display and Verilator's
// own messages from the design cannot corrupt the binary result stream.
static int g_out_fd = 1;

inline void write_all(const uint8_t* p, size_t n) {
    while (n > 0) {
        ssize_t w = write(g_out_fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            std::exit(3);  // the reader went away (EPIPE): nothing useful left to do
        }
        p += w;
        n -= size_t(w);
    }
}

template <int OutBytes>
class Output {
public:
    void result(const uint8_t* r) {
        std::memcpy(buf_.data() + used_, r, OutBytes);
        used_ += OutBytes;
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
    std::vector<uint8_t> buf_ = std::vector<uint8_t>(size_t(OutBytes) * 8192);
    size_t used_ = 0;
};

template <typename U>
int stream(Bench<U>& bench, int latency) {
#ifdef F_SETPIPE_SZ
    // Bigger pipes (1 MiB) let the writer run further ahead, so the bench waits less often; best effort.
    fcntl(0, F_SETPIPE_SZ, 1 << 20);
    fcntl(g_out_fd, F_SETPIPE_SZ, 1 << 20);
#endif
    Output<U::kOutBytes> out;
    uint32_t hello[4] = {U::kMagic, 1, uint32_t(K), uint32_t(latency)};
    out.raw(hello, sizeof hello);
    std::vector<uint8_t> in(size_t(U::kInBytes) * (U::kInBytes > 256 ? 4096 : 16384));
    size_t have = 0;
    uint64_t results = 0;
    const uint64_t first_edge = bench.cycle();  // edge index of the first streamed vector
    if (bench.tracing())  // each clock is 10 time units, rising edge first: mxref verify locates the mismatch with this
        std::fprintf(stderr, "mxtb: first streamed vector sampled at VCD time %llu\n", (unsigned long long)(10 * first_edge));
    auto collect = [&]() {
        if (!bench.out_valid()) return;
        uint64_t due = first_edge + results + uint64_t(latency) - 1;  // the edge after which result #results is due
        if (bench.cycle() - 1 != due) {
            char msg[200];
            std::snprintf(msg, sizeof msg, "result %llu came %lld clocks off its latency of %d (out_valid not in_valid delayed by LATENCY)",
                          (unsigned long long)results, (long long)(bench.cycle() - 1) - (long long)due, latency);
            fail(msg);
        }
        out.result(bench.result());
        ++results;
    };
    for (;;) {
        out.flush();  // before a read that may block: results never wait in our buffer while we wait for input
        ssize_t n = read(0, in.data() + have, in.size() - have);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("reading standard input failed");
        }
        if (n == 0) break;
        have += size_t(n);
        size_t records = have / U::kInBytes;
        for (size_t i = 0; i < records; ++i) {
            bench.drive(in.data() + i * U::kInBytes);
            ++g_driven;  // before the edge: a crash inside it names this vector as the last one consumed
            bench.edge();
            collect();
        }
        size_t used = records * U::kInBytes;
        std::memmove(in.data(), in.data() + used, have - used);
        have -= used;
    }
    if (have != 0) fail("standard input ended inside a record (truncated stream)");
    bench.idle();
    for (int n = 0; results < g_driven && n <= latency; ++n) {
        bench.edge();
        collect();
    }
    if (results != g_driven) fail("the pipeline did not drain: fewer results than vectors");
    out.flush();
    std::fprintf(stderr, "mxtb: streamed %llu vectors, cpu %.3f s\n", (unsigned long long)results, cpu_seconds());
    return 0;
}

// Raw simulation rate: vectors from a fixed pseudo-random table, outputs only counted.
template <typename U>
int free_run(Bench<U>& bench, uint64_t count) {
    const int table = 4096;
    std::vector<uint8_t> recs(size_t(table) * U::kInBytes);
    uint64_t x = 0x9E3779B97F4A7C15ull;
    for (auto& byte : recs) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        byte = uint8_t(x >> 24);
    }
    for (int i = 0; i < table; ++i) U::sanitize(recs.data() + size_t(i) * U::kInBytes);
    uint64_t results = 0, sum = 0;
    auto t0 = std::chrono::steady_clock::now();
    double c0 = cpu_seconds();
    for (uint64_t i = 0; i < count; ++i) {
        bench.drive(recs.data() + size_t(i % table) * U::kInBytes);
        bench.edge();
        ++g_driven;
        if (bench.out_valid()) {
            ++results;
            for (int b = 0; b < U::kOutBytes; ++b) sum = sum * 31 + bench.result()[b];
        }
    }
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cpu = cpu_seconds() - c0;
    std::fprintf(stderr, "mxtb free-run: K=%d, %llu vectors in %.3f s = %.0f vectors/s wall; cpu %.3f s = %.0f vectors/cpu-s (%llu results, checksum %llx)\n", K,
                 (unsigned long long)count, s, double(count) / s, cpu, double(count) / cpu, (unsigned long long)results, (unsigned long long)sum);
    return 0;
}

template <typename U>
int run_main(int argc, char** argv) {
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
        Bench<U> bench(trace_file);
        bench.reset();
        int latency = bench.measure_latency();
        bench.reset();
        rc = free_count > 0 ? free_run(bench, free_count) : stream(bench, latency);
    }
#if VM_COVERAGE
    // Written after final(): the counts of every edge the design saw. Each process writes its own file because the
    // simulation processes of one run (and the shards of a job array) run side by side.
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

}  // namespace mxtb

#endif
