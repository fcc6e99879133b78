// mxref_dpi — DPI-C declarations of libmxref, the MxRef golden model (harness/cosim/include/mxref.h has the full
// contract). Compile this package with the bench and give the simulator libmxref.so (docs/cosim.md):
//   for Verilator -LDFLAGS "-L<dir> -lmxref -Wl,-rpath,<dir>"; for Xcelium, Questa, VCS -sv_lib <dir>/libmxref
//
// Every function returns MXREF_OK (0) or a negative MXREF_E_* code (mxref_error_string gives its text); the outputs
// are written only on MXREF_OK. Codes are rtl/mx_dot's port codes: fmt 0 e4m3, 1 e5m2, 2 e3m2, 3 e2m3, 4 e2m1,
// 5 int8 (6 e8m0 for encode/decode); rm 0 rne, 1 rtz, 2 rdn, 3 rup, 4 rna, 5 rto; flags bit 0 NX, 1 UF, 2 OF, 4 NV.
// Element lanes are packed bit vectors, element i in bits [8*i +: 8] with the code in the low bits — the layout of
// rtl/mx_dot's a and b ports, so a scoreboard passes the port values unchanged.
package mxref_dpi;

  // A bench uses a few of these constants; the rest are there for the next one.
  /* verilator lint_off UNUSEDPARAM */
  localparam int MXREF_VERSION = 10400;  // MAJOR*10000 + MINOR*100 + PATCH of the mxref.h this package matches

  localparam int MXREF_OK              = 0;
  localparam int MXREF_E_NULL          = -1;
  localparam int MXREF_E_FORMAT        = -2;
  localparam int MXREF_E_ROUNDING      = -3;
  localparam int MXREF_E_BLOCK_SIZE    = -4;
  localparam int MXREF_E_OUTPUT_FORMAT = -5;
  localparam int MXREF_E_ACCUMULATION  = -6;
  localparam int MXREF_E_CODE          = -7;
  localparam int MXREF_E_ARGUMENT      = -8;
  localparam int MXREF_E_NAME          = -9;
  localparam int MXREF_E_LENGTH        = -10;
  localparam int MXREF_E_PROFILE       = -11;
  localparam int MXREF_E_INTERNAL      = -100;

  localparam int MXREF_OUT_FP32 = 0, MXREF_OUT_BF16 = 1, MXREF_OUT_FP16 = 2;
  localparam int MXREF_ACC_FUSED = 0, MXREF_ACC_CHUNKED = 1, MXREF_ACC_FP32_SUM = 2;
  localparam int MXREF_DPI_MAX_K = 256;  // lanes of mxref_dpi_dot's vectors
  /* verilator lint_on UNUSEDPARAM */

  // ---- Version and error text
  import "DPI-C" pure function int mxref_version();
  import "DPI-C" function string mxref_version_string();
  import "DPI-C" function string mxref_error_string(input int status);

  // ---- Block dot product
  // The rtl/mx_dot transaction: K = 32, fused (exact sum, one rounding), FP32 result d and flags.
  import "DPI-C" function int mxref_dpi_dot32(
    input  int              fmt_a,
    input  int              fmt_b,
    input  int              rm,
    input  byte unsigned    scale_a,
    input  bit [8*32-1:0]   a,
    input  byte unsigned    scale_b,
    input  bit [8*32-1:0]   b,
    input  int unsigned     c,
    output int unsigned     d,
    output byte unsigned    flags);

  // Any block size k (1..256; lanes k.. ignored), output format (MXREF_OUT_*) and accumulation model (MXREF_ACC_*,
  // chunk = elements per chunk for MXREF_ACC_CHUNKED). bf16/fp16 results are in d[15:0]. The plain and the profiled
  // function take the same operands (this macro, undefined after them); the profiled one adds the profile.
  `define MXREF_DPI_DOT_OPERANDS \
    input  int              fmt_a, \
    input  int              fmt_b, \
    input  int              rm, \
    input  int              k, \
    input  byte unsigned    scale_a, \
    input  bit [8*256-1:0]  a, \
    input  byte unsigned    scale_b, \
    input  bit [8*256-1:0]  b, \
    input  int unsigned     c, \
    input  int              out_fmt, \
    input  int              acc_model, \
    input  int              chunk,
  import "DPI-C" function int mxref_dpi_dot(
    `MXREF_DPI_DOT_OPERANDS
    output int unsigned     d,
    output byte unsigned    flags);

  // mxref_dpi_dot under an implementation profile: "name=value,..." as `mxref dot --profile` takes it, e.g.
  // "tininess=on-result,zero-sign=positive" ("" is the reference). A bad profile is MXREF_E_PROFILE; check it once at
  // start-up with mxref_profile_check and print mxref_profile_message, which names the bad knob and the valid ones.
  import "DPI-C" function int mxref_dpi_dot_profiled(
    `MXREF_DPI_DOT_OPERANDS
    input  string           profile,
    output int unsigned     d,
    output byte unsigned    flags);
  `undef MXREF_DPI_DOT_OPERANDS

  // MXREF_OK or MXREF_E_PROFILE; the message is the profile's canonical text, or what is wrong with it.
  import "DPI-C" function int mxref_profile_check(input string profile);
  import "DPI-C" function string mxref_profile_message(input string profile);

  // ---- Elements
  // FP32 bits -> element code, rounded once; saturate 1 clamps overflow to +-max finite, 0 follows IEEE overflow.
  import "DPI-C" function int mxref_encode(
    input  int              fmt,
    input  int unsigned     fp32,
    input  int              rm,
    input  int              saturate,
    output int unsigned     code,
    output byte unsigned    flags);

  // Stochastic rounding with explicit random bits (width 1..31, random < 2^width).
  import "DPI-C" function int mxref_encode_sr(
    input  int              fmt,
    input  int unsigned     fp32,
    input  int unsigned     random,
    input  int              width,
    input  int              saturate,
    output int unsigned     code,
    output byte unsigned    flags);

  // Element code -> FP32 bits (exact; NaN codes give 32'h7fc00000).
  import "DPI-C" function int mxref_decode(
    input  int              fmt,
    input  int unsigned     code,
    output int unsigned     fp32);

  // ---- Block quantization
  // 32 FP32 values (value i in fp32[32*i +: 32]) -> E8M0 scale and 32 element codes in byte lanes (elements[8*i +: 8],
  // ready for rtl/mx_dot's a or b port), OCP default policy (floor rule, NaN scale for specials) with rounding rm.
  import "DPI-C" function int mxref_dpi_quantize32(
    input  int              fmt,
    input  int              rm,
    input  bit [32*32-1:0]  fp32,
    output byte unsigned    scale,
    output bit [8*32-1:0]   elements);

endpackage
