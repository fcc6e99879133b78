# MxRef — see README.md. Every target works from a clean clone with only the .NET SDK installed;
# targets that need Verilator/Yosys/a C++ compiler install them (Debian packages) when missing.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
OUT := out
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: all build test test-long bench clean help tools

all: build

help:
	@echo "make build      build everything; the CLI lands at $(OUT)/mxref"
	@echo "make test       run every test (xunit + FsCheck); TESTS=NAME only those whose name contains NAME"
	@echo "make test-long  exhaustive and soak tests (minutes to hours)"
	@echo "make vectors    default regression vector set into $(OUT)/vectors/ (docs/vectors.md)"
	@echo "make verify     build rtl/mx_dot with Verilator and compare corners + 1M random vectors with the model (docs/verify.md)"
	@echo "make mutants    grade the regression with MUTANTS=200 Yosys mutants of rtl/mx_dot (docs/verify.md)"
	@echo "make bench      BenchmarkDotNet benchmarks (figures go to docs/PERFORMANCE.md by hand)"
	@echo "make test-slurm mxref verify --slurm on a local one-node Slurm cluster (installs slurm-wlm and munge; ~2 min)"
	@echo "make cosim-lib  libmxref.so (NativeAOT C ABI / DPI-C), mxref.h, mxref_dpi.sv in $(OUT)/cosim (docs/cosim.md)"
	@echo "make cosim-scoreboard  Verilator bench: rtl/mx_dot checked live against the golden model via DPI-C"
	@echo "make bench-cosim  calls/s of the DPI-C dot product (docs/PERFORMANCE.md)"
	@echo "make conformance  one quantize .mxv per recipe + README table in $(OUT)/conformance (docs/quantization.md)"
	@echo "make bench-quantize-io  end-to-end mxref quantize on a 3.2 M-element .npy and its text (docs/PERFORMANCE.md)"
	@echo "make bench-speed  block dot CPU ns for all 36 format pairs (fused, fp32-sum) and vectors gen rate of 2M vectors (docs/PERFORMANCE.md)"
	@echo "make bench-verify mxref verify's CPU ns/vector (generated, .mxv) and end-to-end vs raw Verilated rate, mx_dot K=32 (docs/PERFORMANCE.md)"
	@echo "make bench-quantize-cpu quantization per format/recipe and the in-process data path, CPU ns per element (docs/PERFORMANCE.md)"
	@echo "make bench-peer MICROXCALING=DIR  quantization vs microxcaling's PyTorch CPU path side by side + bit comparison (installs python3-torch)"
	@echo "make verify-quant rtl/mx_quant vs the golden quantizer: corners + 1M random blocks over 8 policies (docs/RTL.md)"
	@echo "make verify-regen rtl/mx_regen vs the DropBack golden model: corners + 1M random blocks, recipes, Irwin-Hall (docs/RTL.md)"
	@echo "make verify-quant-unit, verify-regen-unit  the same two regressions through mxref verify --unit (docs/verify.md \"Units\")"
	@echo "make verify-decode-unit  rtl/mx_decode vs the golden decoder: corners + 1.28 M random elements (docs/verify.md \"Units\")"
	@echo "make verify-bdr-unit  the MX9/MX6/MX4 dot unit through mxref verify --unit dot-bdr: corners + 1M random per format (docs/verify.md)"
	@echo "make bench-verify-rates  raw (--free-run) and end-to-end mxref verify rates of every unit (docs/PERFORMANCE.md)"
	@echo "make synth      Yosys: mx_dot checks, then the area/depth table of mx_dot and mx_quant builds into docs/RTL.md"

# The CLI is published ahead of time (NativeAOT: a native executable that starts in ~0.04 s of CPU and needs no .NET
# runtime on a Slurm node); AOT=0 publishes the framework-dependent build instead (no C toolchain needed, slower start).
AOT ?= 1
build: $(if $(filter 1,$(AOT)),cosim-toolchain)
	$(DOTNET) build MxRef.sln -c $(CONFIG) --nologo -v quiet
ifeq ($(AOT),1)
	$(DOTNET) publish harness/MxRef.Harness.csproj -c $(CONFIG) --nologo -v quiet -p:PublishAot=true -o $(OUT)/cli
else
	$(DOTNET) publish harness/MxRef.Harness.csproj -c $(CONFIG) --nologo -v quiet --no-build -o $(OUT)/cli
endif
	@mkdir -p $(OUT)
	@printf '#!/bin/sh\nexec "$$(dirname "$$(readlink -f "$$0")")/cli/mxref" "$$@"\n' > $(OUT)/mxref.tmp && chmod +x $(OUT)/mxref.tmp && mv $(OUT)/mxref.tmp $(OUT)/mxref
	@echo "built $(OUT)/mxref"

# Verilator, Yosys and a C++ compiler, from Debian's packages, when missing (the tests build and run the RTL).
apt_install = command -v $(1) >/dev/null || { echo "$(1) not found: installing the Debian package $(2) (apt-get install -y $(2))"; \
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null || { echo "could not install $(2): install it and rerun"; exit 2; }; }

tools:
	@$(call apt_install,verilator,verilator)
	@$(call apt_install,yosys,yosys)
	@$(call apt_install,g++,g++)

# The co-simulation tests (tests/Cosim) use libmxref.so; building it here keeps the NativeAOT publish out of the test
# run. It is built after `build` (not as a parallel prerequisite) so that `make -j` never runs two dotnet builds of
# the same projects at once.
# TESTS=NAME runs only the tests whose full name contains NAME (`make test TESTS=Verify`), still without the Long ones:
# those include the Slurm tests, which fail without slurm-wlm (`make test-slurm` installs it).
test: build tools
	@$(MAKE) --no-print-directory cosim-lib
	$(DOTNET) test tests/MxRef.Tests.csproj -c $(CONFIG) --no-build --nologo --filter "$(if $(TESTS),FullyQualifiedName~$(TESTS)&)Category!=Long"

test-long: build
	@$(MAKE) --no-print-directory tools slurm-tools
	MXREF_LONG=1 $(DOTNET) test tests/MxRef.Tests.csproj -c $(CONFIG) --no-build --nologo --filter "Category=Long"

bench:
	$(DOTNET) run -c Release --project bench/MxRef.Bench.csproj -- --filter '$(or $(BENCH),*)'

# The default regression set (docs/vectors.md): corners + weighted random over every format pair and mode for each
# output format, a chunked-accumulation set, exhaustive k = 1 sets of the small formats and of e4m3, and a quantize set.
.PHONY: vectors
VECTORS_SEED ?= 1
VECTORS_GEN = $(OUT)/mxref vectors gen --seed $(VECTORS_SEED)
vectors: build
	@mkdir -p $(OUT)/vectors
	$(VECTORS_GEN) --corners --random --count 1000000 -o $(OUT)/vectors/dot-fp32.mxv > $(OUT)/vectors/dot-fp32.coverage.txt
	$(VECTORS_GEN) --corners --random --count 200000 --out bf16 -o $(OUT)/vectors/dot-bf16.mxv > $(OUT)/vectors/dot-bf16.coverage.txt
	$(VECTORS_GEN) --corners --random --count 200000 --out fp16 -o $(OUT)/vectors/dot-fp16.mxv > $(OUT)/vectors/dot-fp16.coverage.txt
	$(VECTORS_GEN) --corners --random --count 200000 --acc chunked:8 -o $(OUT)/vectors/dot-chunked8.mxv > $(OUT)/vectors/dot-chunked8.coverage.txt
	$(VECTORS_GEN) --exhaustive -k 1 --a e3m2,e2m3,e2m1 --b e3m2,e2m3,e2m1 -o $(OUT)/vectors/dot-k1-fp6fp4-exhaustive.mxv > /dev/null
	$(VECTORS_GEN) --exhaustive -k 1 --a e4m3 --b e4m3 -o $(OUT)/vectors/dot-k1-e4m3-exhaustive.mxv > /dev/null
	$(VECTORS_GEN) --op quantize --corners --random --count 200000 -o $(OUT)/vectors/quantize.mxv > /dev/null
	$(OUT)/mxref vectors check $(OUT)/vectors/*.mxv
	@grep -H 'never hit' $(OUT)/vectors/*.coverage.txt

# The main regression (docs/verify.md): rtl/mx_dot under Verilator against the golden model, on the generator's
# corner-case set plus VERIFY_COUNT random vectors over every format pair and rounding mode, generated on the fly.
# Reports: $(OUT)/verify/report.json and junit.xml. Exit status 1 on a mismatch, 2 on a build or input error.
# Then the same unit built with K = 16 on NVFP4 blocks (UE4M3 scales on its scale_fmt port, e2m1 elements): corners
# + VERIFY_NVFP4_COUNT random vectors (reports report-nvfp4.json, junit-nvfp4.xml).
.PHONY: verify
VERIFY_COUNT ?= 1000000
VERIFY_NVFP4_COUNT ?= 1000000
VERIFY_SEED ?= 1
VERIFY_K ?= 32
VERIFY_JOBS ?= 1
VERIFY_ARGS ?=
verify: build
	@$(call apt_install,verilator,verilator)
	@$(call apt_install,g++,g++)
	@$(call apt_install,make,make)
	$(OUT)/mxref verify --top mx_dot --param K=$(VERIFY_K) --corners --random --count $(VERIFY_COUNT) --seed $(VERIFY_SEED) \
	  --jobs $(VERIFY_JOBS) --report $(OUT)/verify/report.json --junit $(OUT)/verify/junit.xml $(VERIFY_ARGS)
	$(OUT)/mxref verify --top mx_dot --param K=16 --block-format nvfp4 --corners --random --count $(VERIFY_NVFP4_COUNT) \
	  --seed $(VERIFY_SEED) --jobs $(VERIFY_JOBS) --report $(OUT)/verify/report-nvfp4.json --junit $(OUT)/verify/junit-nvfp4.xml $(VERIFY_ARGS)
	@# the quantize unit (rtl/mx_quant) through mxref verify: corners + 1 M random blocks over the policies
	@$(MAKE) --no-print-directory verify-quant-unit
	@# its te / torchao-rceil / torchao-even recipe sets still go through the portable bench (rtl/rtl.mk verify-quant-run
	@# with no policies): mxref verify's quantize unit takes policies, not recipe conformance sets
	@$(MAKE) --no-print-directory verify-quant-run VERIFY_QUANT_POLICIES=
	@# the regen unit (rtl/mx_regen, DropBack regenerated blocks) through mxref verify
	@$(MAKE) --no-print-directory verify-regen-unit
	@# the decode unit (rtl/mx_decode: MX block -> FP32/BF16/FP16) through mxref verify
	@$(MAKE) --no-print-directory verify-decode-unit
	@# the MX9/MX6/MX4 dot unit mx_dot_bdr through mxref verify --unit dot-bdr (corners + 1 M random vectors per format)
	@$(MAKE) --no-print-directory verify-bdr-unit

# The quantize and regen units through mxref verify (docs/verify.md "Units"), the same regressions as rtl/rtl.mk's
# verify-quant and verify-regen (which drive the portable SystemVerilog benches from .mxv files): one run per policy
# word of VERIFY_QUANT_POLICIES (corners + VERIFY_QUANT_COUNT random blocks each, K = VERIFY_QUANT_K); mx_regen at
# K = 32 (ocp, every format: corners + VERIFY_REGEN_COUNT; each recipe:formats of VERIFY_REGEN_RECIPES: corners +
# VERIFY_REGEN_RECIPE_COUNT) and Irwin-Hall at K = 8, NT = 16 (corners + VERIFY_REGEN_IH_COUNT). Reports in
# $(OUT)/verify/report-quant-*.json and report-regen-*.json (with JUnit beside them); exit status 1 on a mismatch.
.PHONY: verify-quant-unit verify-regen-unit
verify-quant-unit: build
	@mkdir -p $(OUT)/verify
	@seed=$(VERIFY_QUANT_SEED); for pol in $(VERIFY_QUANT_POLICIES); do \
	  opts=$$(echo "$$pol" | sed -e 's/^ocp$$//' -e 's/^/--/' -e 's/+/ --/g' -e 's/=/ /g' -e 's/^--$$//'); \
	  $(OUT)/mxref verify --unit quantize --param K=$(VERIFY_QUANT_K) --corners --random --count $(VERIFY_QUANT_COUNT) \
	    --seed $$seed $$opts --jobs $(VERIFY_JOBS) --report $(OUT)/verify/report-quant-$$pol.json \
	    --junit $(OUT)/verify/junit-quant-$$pol.xml $(VERIFY_ARGS) || exit $$?; \
	  seed=$$((seed + 1)); \
	done
verify-regen-unit: build
	@mkdir -p $(OUT)/verify
	$(OUT)/mxref verify --unit regen --param K=32 --corners --random --count $(VERIFY_REGEN_COUNT) --seed $(VERIFY_REGEN_SEED) \
	  --jobs $(VERIFY_JOBS) --report $(OUT)/verify/report-regen-ocp.json --junit $(OUT)/verify/junit-regen-ocp.xml $(VERIFY_ARGS)
	@seed=$$(($(VERIFY_REGEN_SEED) + 1)); for rf in $(VERIFY_REGEN_RECIPES); do \
	  rec=$${rf%%:*}; fm=$${rf#*:}; \
	  $(OUT)/mxref verify --unit regen --param K=32 --recipe $$rec --a $$fm --corners --random --count $(VERIFY_REGEN_RECIPE_COUNT) \
	    --seed $$seed --jobs $(VERIFY_JOBS) --report $(OUT)/verify/report-regen-$$rec.json \
	    --junit $(OUT)/verify/junit-regen-$$rec.xml $(VERIFY_ARGS) || exit $$?; \
	  seed=$$((seed + 1)); \
	done
	$(OUT)/mxref verify --unit regen --param K=8 --param NT=16 --max-terms 16 --corners --random --count $(VERIFY_REGEN_IH_COUNT) \
	  --seed $(VERIFY_REGEN_SEED) --jobs $(VERIFY_JOBS) --report $(OUT)/verify/report-regen-irwin-hall.json \
	  --junit $(OUT)/verify/junit-regen-irwin-hall.xml $(VERIFY_ARGS)

# The decode unit (rtl/mx_decode, docs/verify.md "Units") through mxref verify: K = 32, every element format, rounding
# mode and output format (fp32, bf16, fp16 block by block on out_fmt): the decode corner set (every code under the
# scales at both ends of each output's range, the unit scale and the NaN scale) + VERIFY_DECODE_COUNT random blocks
# (40,000 x 32 = 1.28 M random elements). Reports $(OUT)/verify/report-decode.json, junit-decode.xml; exit 1 on a mismatch.
VERIFY_DECODE_COUNT ?= 40000
VERIFY_DECODE_SEED ?= 1
.PHONY: verify-decode-unit
verify-decode-unit: build
	@mkdir -p $(OUT)/verify
	$(OUT)/mxref verify --unit decode --param K=32 --corners --random --count $(VERIFY_DECODE_COUNT) --seed $(VERIFY_DECODE_SEED) \
	  --jobs $(VERIFY_JOBS) --report $(OUT)/verify/report-decode.json --junit $(OUT)/verify/junit-decode.xml $(VERIFY_ARGS)
# The MX9/MX6/MX4 dot unit (rtl/mx_dot_bdr, in its byte-lane wrapper mx_dot_bdr_lanes) through mxref verify --unit
# dot-bdr (docs/verify.md "Units"): for each format, corners + VERIFY_BDR_COUNT random vectors at K = 16 with the
# format's M (7, 4, 2). Reports in $(OUT)/verify/report-bdr-<format>.json (JUnit beside them); exit status 1 on a
# mismatch. rtl/rtl.mk's verify-bdr-run runs the same vectors through the portable bench (rtl/tb/mx_dot_bdr_tb.sv).
.PHONY: verify-bdr-unit
VERIFY_BDR_FORMATS ?= mx9:7 mx6:4 mx4:2
verify-bdr-unit: build
	@mkdir -p $(OUT)/verify
	@for fm in $(VERIFY_BDR_FORMATS); do f=$${fm%%:*}; m=$${fm#*:}; \
	  echo "$(OUT)/mxref verify --unit dot-bdr --block-format $$f --param K=16 --param M=$$m --corners --random --count $(VERIFY_BDR_COUNT) --seed $(VERIFY_SEED) ..."; \
	  $(OUT)/mxref verify --unit dot-bdr --block-format $$f --param K=16 --param M=$$m --corners --random --count $(VERIFY_BDR_COUNT) \
	    --seed $(VERIFY_SEED) --jobs $(VERIFY_JOBS) --report $(OUT)/verify/report-bdr-$$f.json --junit $(OUT)/verify/junit-bdr-$$f.xml \
	    $(VERIFY_ARGS) || exit $$?; \
	done

# Raw and end-to-end rates of every unit's verify bench (docs/PERFORMANCE.md): per unit, the Verilated bench alone
# (`mxref verify --free-run RATE_COUNT`: records from the bench's internal table, no I/O, no comparison), then the
# same design end to end (the corners + RATE_COUNT random vectors: generation, golden model, coverage, stream, compare),
# each after the load average. The builds are the ones make verify uses (cached in out/verilator).
.PHONY: bench-verify-rates
RATE_COUNT ?= 1000000
RATE_UNITS ?= dot:--param_K=32 nvfp4:--param_K=16_--block-format_nvfp4 quantize:--unit_quantize_--param_K=32 \
  regen:--unit_regen_--param_K=32 mx9:--unit_dot-bdr_--block-format_mx9_--param_K=16_--param_M=7 \
  mx6:--unit_dot-bdr_--block-format_mx6_--param_K=16_--param_M=4 mx4:--unit_dot-bdr_--block-format_mx4_--param_K=16_--param_M=2
bench-verify-rates: build
	@set -o pipefail; for u in $(RATE_UNITS); do name=$${u%%:*}; opts=$$(echo "$${u#*:}" | tr _ ' '); \
	  echo "== $$name raw: load $$(cut -d' ' -f1-3 /proc/loadavg): $(OUT)/mxref verify $$opts --free-run $(RATE_COUNT)"; \
	  bench/sim-raw.sh free-run $(OUT)/mxref $(RATE_COUNT) $$opts || exit 1; \
	  echo "== $$name end to end: load $$(cut -d' ' -f1-3 /proc/loadavg): $(OUT)/mxref verify $$opts --corners --random --count $(RATE_COUNT) --seed 1"; \
	  $(OUT)/mxref verify $$opts --corners --random --count $(RATE_COUNT) --seed 1 2>&1 | grep -E '^  (vectors|mismatches|rate|cpu) |^(PASS|FAIL)|mxref:' || exit 1; \
	done

# Mutation grading of the regression (docs/verify.md, "Mutation coverage with Yosys"): MUTANTS Yosys mutants of
# rtl/mx_dot in ONE netlist (each selected at run time, so one Verilator build serves all), each run on the corner set
# + MUTANT_COUNT random vectors to its first mismatch, one after the other with MUTANT_JOBS simulation processes each.
# MUTANT_COUNT=1000000 grades the K = 32 regression of make verify itself. Report in $(OUT)/mutants/report.json.
# Exit status 2 when Yosys's unmutated netlist already fails the regression.
.PHONY: mutants
MUTANTS ?= 200
MUTANT_SEED ?= 1
MUTANT_K ?= $(VERIFY_K)
MUTANT_COUNT ?= 20000
MUTANT_JOBS ?= $(VERIFY_JOBS)
MUTANT_ARGS ?=
mutants: build tools
	@$(call apt_install,make,make)
	@mkdir -p $(OUT)/mutants
	$(OUT)/mxref verify --top mx_dot --param K=$(MUTANT_K) --corners --random --count $(MUTANT_COUNT) --seed $(VERIFY_SEED) \
	  --mutants $(MUTANTS) --mutant-seed $(MUTANT_SEED) --jobs $(MUTANT_JOBS) --mutant-report $(OUT)/mutants/report.json $(MUTANT_ARGS)

clean:
	rm -rf $(OUT) */bin */obj harness/cosim/bin harness/cosim/obj BenchmarkDotNet.Artifacts

include harness/cosim/cosim.mk
-include rtl/rtl.mk

# The real-scheduler test of `mxref verify --slurm` (docs/verify.md, "Running on Slurm"). tests/Slurm/RealSlurmTests
# (Category Slurm, also Long, so `make test-long` runs it too) starts munged, slurmctld and slurmd on 127.0.0.1 with a
# generated slurm.conf under out/slurm-test/cluster (scripts/slurm-local.sh), runs 8-shard regressions through them,
# compares the merged reports with single-process runs, and stops the daemons. About 2 minutes on the 2-core machine.
.PHONY: test-slurm slurm-tools
slurm-tools:
	@scripts/slurm-local.sh install
test-slurm: build tools slurm-tools
	$(DOTNET) test tests/MxRef.Tests.csproj -c $(CONFIG) --no-build --nologo --filter "Category=Slurm"

# The recipe conformance set (docs/quantization.md, "Conformance vectors"): one quantize .mxv per named recipe with the
# corner classes of vectors/Generation/Quantize/RecipeCorners.cs, a README table, and each file re-checked.
.PHONY: conformance
CONFORMANCE_SEED ?= 1
conformance: build
	$(OUT)/mxref recipes conformance --seed $(CONFORMANCE_SEED) -o $(OUT)/conformance
	$(OUT)/mxref vectors check $(OUT)/conformance/*.mxv

# mxref quantize end to end (process start, read, quantize, write) on a 3.2 M-element FP32 tensor, as .npy and as
# text (docs/PERFORMANCE.md): the inputs are written by `mxref recipes sample-tensor`, then each run is timed (wall =
# the end-to-end rate, and CPU). BENCH_IO_LARGE=32000000 adds the .npy quantize of a tensor that size. It times the
# executable itself, not the out/mxref wrapper script, whose shell and two subshells cost more CPU than mxref starts in.
.PHONY: bench-quantize-io
BENCH_IO_DIR := $(OUT)/bench-quantize-io
BENCH_IO_RUNS ?= 5
BENCH_IO_COUNT ?= 3200000
BENCH_IO_LARGE ?=
bench-quantize-io: build
	@scripts/bench-quantize-io.sh $(OUT)/cli/mxref $(BENCH_IO_DIR) $(BENCH_IO_RUNS) $(BENCH_IO_COUNT) $(BENCH_IO_LARGE)

# Golden-model block dot for every format pair (fused, fp32-sum; CPU ns per block) and `mxref vectors gen` of 2 M random
# vectors (wall, CPU, vectors/s), with the load average: docs/PERFORMANCE.md, "Golden-model dot and generation speed".
.PHONY: bench-speed
bench-speed: build
	scripts/bench-speed.sh $(BENCH_SPEED_COUNT)

# Quantization per format and recipe, and the quantize data path in-process, in CPU time per element (bench/CpuTimeBench.cs;
# for a shared machine, where BenchmarkDotNet's wall-clock figures follow the load). BENCH_FILTER selects cases by name.
.PHONY: bench-quantize-cpu
BENCH_FILTER ?=
bench-quantize-cpu:
	$(DOTNET) build bench/MxRef.Bench.csproj -c Release --nologo -v quiet
	cat /proc/loadavg
	bench/bin/Release/net10.0/MxRef.Bench --cpu-cases '$(BENCH_FILTER)' 7

# MxRef's in-process quantization against microxcaling's PyTorch CPU path (quantize_mx_op) on the same seeded tensors,
# formats and thread counts, and the bit comparison of the microxcaling recipe with its output (docs/PERFORMANCE.md,
# docs/quantization.md). MICROXCALING: a checkout of github.com/microsoft/microxcaling (not used by build or tests);
# python3-torch is installed from Debian when missing. PEER_SIZES: tensor element counts; PEER_ROUNDS rounds per cell,
# each PEER_CALLS peer calls then PEER_CALLS MxRef calls; the table gives the median of the rounds' ratios.
.PHONY: bench-peer
MICROXCALING ?=
PEER_ROUNDS ?= 5
PEER_CALLS ?= 5
PEER_SIZES ?= 3200000
bench-peer:
	DOTNET=$(DOTNET) scripts/bench-peer.sh '$(MICROXCALING)' $(OUT)/bench-peer $(PEER_ROUNDS) '$(PEER_SIZES)' $(PEER_CALLS)

# mxref verify's own CPU per vector (generated and .mxv input) and the end-to-end rate as a share of the raw Verilated
# rate, mx_dot K = 32 (docs/PERFORMANCE.md, "Verification harness: per-vector path"). BENCH_VERIFY_COUNT vectors per
# run; MXREF=path compares another build in the same window; stage table: MXREF_VERIFY_PROFILE=1 make bench-verify.
.PHONY: bench-verify
BENCH_VERIFY_COUNT ?= 1000000
bench-verify: build
	@$(call apt_install,verilator,verilator)
	@$(call apt_install,g++,g++)
	COUNT=$(BENCH_VERIFY_COUNT) bench/verify-cpu.sh

# The default regression with Verilator line + toggle coverage of rtl/ (docs/verify.md, "RTL code coverage"); lcov
# provides genhtml for the HTML report.
.PHONY: verify-coverage
verify-coverage: build
	@$(call apt_install,verilator,verilator)
	@$(call apt_install,g++,g++)
	@$(call apt_install,make,make)
	@$(call apt_install,genhtml,lcov)
	$(OUT)/mxref verify --top mx_dot --param K=$(VERIFY_K) --corners --random --count $(VERIFY_COUNT) --seed $(VERIFY_SEED) \
	  --jobs $(VERIFY_JOBS) --code-coverage --code-coverage-dir $(OUT)/coverage --report $(OUT)/coverage/report.json $(VERIFY_ARGS)
