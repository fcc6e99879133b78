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
	@echo "make test       run every test (xunit + FsCheck)"
	@echo "make test-long  exhaustive and soak tests (minutes to hours)"
	@echo "make bench      BenchmarkDotNet benchmarks (figures go to docs/PERFORMANCE.md by hand)"

build:
	$(DOTNET) build MxRef.sln -c $(CONFIG) --nologo -v quiet
	$(DOTNET) publish harness/MxRef.Harness.csproj -c $(CONFIG) --nologo -v quiet --no-build -o $(OUT)/cli
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

test: build tools
	$(DOTNET) test tests/MxRef.Tests.csproj -c $(CONFIG) --no-build --nologo --filter "Category!=Long"

test-long: build
	MXREF_LONG=1 $(DOTNET) test tests/MxRef.Tests.csproj -c $(CONFIG) --no-build --nologo --filter "Category=Long"

bench:
	$(DOTNET) run -c Release --project bench/MxRef.Bench.csproj -- --filter '$(or $(BENCH),*)'

clean:
	rm -rf $(OUT) */bin */obj BenchmarkDotNet.Artifacts

-include rtl/rtl.mk
