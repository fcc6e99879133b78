# MxRef — see README.md. Every target works from a clean clone with only the .NET SDK installed;
# targets that need Verilator/Yosys/a C++ compiler install them (Debian packages) when missing.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= Release
OUT := out
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: all build test test-long bench clean help

all: build

help:
	@echo "make build      build everything; the CLI lands at $(OUT)/mxref"
	@echo "make test       run every test (xunit + FsCheck)"
	@echo "make test-long  exhaustive and soak tests (minutes to hours)"
	@echo "make bench      BenchmarkDotNet benchmarks (figures go to docs/PERFORMANCE.md by hand)"
	@echo "make cosim-lib  libmxref.so (NativeAOT C ABI / DPI-C), mxref.h, mxref_dpi.sv in $(OUT)/cosim (docs/cosim.md)"
	@echo "make cosim-scoreboard  Verilator bench: rtl/mx_dot checked live against the golden model via DPI-C"
	@echo "make bench-cosim  calls/s of the DPI-C dot product (docs/PERFORMANCE.md)"

build:
	$(DOTNET) build MxRef.sln -c $(CONFIG) --nologo -v quiet
	$(DOTNET) publish harness/MxRef.Harness.csproj -c $(CONFIG) --nologo -v quiet --no-build -o $(OUT)/cli
	@mkdir -p $(OUT)
	@printf '#!/bin/sh\nexec "$$(dirname "$$(readlink -f "$$0")")/cli/mxref" "$$@"\n' > $(OUT)/mxref.tmp && chmod +x $(OUT)/mxref.tmp && mv $(OUT)/mxref.tmp $(OUT)/mxref
	@echo "built $(OUT)/mxref"

# The co-simulation tests (tests/Cosim) use libmxref.so; building it here keeps the NativeAOT publish out of the test
# run. It is built after `build` (not as a parallel prerequisite) so that `make -j` never runs two dotnet builds of
# the same projects at once.
test: build
	@$(MAKE) --no-print-directory cosim-lib
	$(DOTNET) test tests/MxRef.Tests.csproj -c $(CONFIG) --no-build --nologo --filter "Category!=Long"

test-long: build
	MXREF_LONG=1 $(DOTNET) test tests/MxRef.Tests.csproj -c $(CONFIG) --no-build --nologo --filter "Category=Long"

bench:
	$(DOTNET) run -c Release --project bench/MxRef.Bench.csproj -- --filter '$(or $(BENCH),*)'

clean:
	rm -rf $(OUT) */bin */obj harness/cosim/bin harness/cosim/obj BenchmarkDotNet.Artifacts

include harness/cosim/cosim.mk
-include rtl/rtl.mk
