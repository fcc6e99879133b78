# Co-simulation targets (docs/cosim.md), included by the top-level Makefile.
#   make cosim-lib          libmxref.so (NativeAOT) + mxref.h + mxref_dpi.sv in out/cosim/
#   make cosim-examples     the C examples, linked against libmxref, in out/cosim/bin/
#   make cosim-scoreboard   Verilator: rtl/mx_dot checked live against the golden model through DPI-C
#   make bench-cosim        calls per second of the DPI-C dot product (docs/PERFORMANCE.md, "Co-simulation")

COSIM_DIR := harness/cosim
COSIM_OUT := $(OUT)/cosim
COSIM_LIB := $(COSIM_OUT)/libmxref.so
COSIM_BIN := $(COSIM_OUT)/bin
# Everything the NativeAOT publish reads: when none of it changed, the (heavy) publish is skipped.
COSIM_LIB_INPUTS := $(shell find refmodel $(COSIM_DIR) -name '*.cs' -not -path '*/obj/*' -not -path '*/bin/*') \
	refmodel/MxRef.RefModel.csproj $(COSIM_DIR)/MxRef.Cosim.csproj Directory.Build.props Directory.Packages.props
COSIM_CFLAGS := -O2 -std=c11 -Wall -Wextra -Werror -I$(COSIM_OUT)/include
COSIM_LDFLAGS := -L$(abspath $(COSIM_OUT)) -lmxref -Wl,-rpath,$(abspath $(COSIM_OUT))

# Scoreboard bench: K = 32, a few thousand random transactions by default.
COSIM_N ?= 3000
COSIM_SEED ?= 1
COSIM_SB_OUT := $(COSIM_OUT)/scoreboard
# The RTL under test: rtl/rtl.mk's own list (RTL_SRCS, included after this file, hence the deferred `=`), else every
# *.sv of COSIM_RTL_DIR with the packages first. COSIM_RTL_DIR points the bench at another copy of the RTL.
COSIM_RTL_DIR ?= rtl
COSIM_RTL_PKGS = $(sort $(wildcard $(COSIM_RTL_DIR)/*_pkg.sv))
COSIM_RTL_SOURCES = $(or $(if $(filter rtl,$(COSIM_RTL_DIR)),$(RTL_SRCS)),$(COSIM_RTL_PKGS) $(filter-out $(COSIM_RTL_PKGS),$(sort $(wildcard $(COSIM_RTL_DIR)/*.sv))))
COSIM_SB_SOURCES := $(COSIM_DIR)/sv/mxref_dpi.sv $(COSIM_DIR)/sv/mx_dot_report.sv $(COSIM_DIR)/sv/mx_dot_scoreboard.sv
COSIM_SB_MAIN := $(abspath $(COSIM_DIR)/sv/scoreboard_main.cpp)

.PHONY: cosim-lib cosim-examples cosim-scoreboard bench-cosim cosim-toolchain cosim-verilator

cosim-lib: $(COSIM_LIB) $(COSIM_OUT)/include/mxref.h $(COSIM_OUT)/sv/mxref_dpi.sv

# NativeAOT links with the system C toolchain (clang, else gcc) and needs zlib's development files.
cosim-toolchain:
	@command -v clang >/dev/null || command -v gcc >/dev/null || { echo "NativeAOT needs clang or gcc as its linker: installing the Debian package clang"; apt-get update && apt-get install -y clang; }
	@test -e /usr/include/zlib.h || { echo "NativeAOT needs zlib's development files: installing the Debian package zlib1g-dev"; apt-get update && apt-get install -y zlib1g-dev; }

# flock: the tests may ask for the library while another make is building it; never run two publishes at once.
$(COSIM_LIB): $(COSIM_LIB_INPUTS) | cosim-toolchain
	@mkdir -p $(COSIM_OUT)
	flock $(COSIM_OUT)/.publish.lock $(DOTNET) publish $(COSIM_DIR)/MxRef.Cosim.csproj -c $(CONFIG) --nologo -v quiet -o $(COSIM_OUT)/publish
	cp $(COSIM_OUT)/publish/libmxref.so $@.tmp && mv $@.tmp $@
	@echo "built $@"

$(COSIM_OUT)/include/mxref.h: $(COSIM_DIR)/include/mxref.h
	@mkdir -p $(dir $@)
	cp $< $@

$(COSIM_OUT)/sv/mxref_dpi.sv: $(COSIM_DIR)/sv/mxref_dpi.sv
	@mkdir -p $(dir $@)
	cp $< $@

cosim-examples: $(COSIM_BIN)/dot_stream $(COSIM_BIN)/abi_checks $(COSIM_BIN)/bench_dot

$(COSIM_BIN)/%: $(COSIM_DIR)/examples/c/%.c $(COSIM_LIB) $(COSIM_OUT)/include/mxref.h
	@mkdir -p $(COSIM_BIN)
	gcc $(COSIM_CFLAGS) -o $@ $< $(COSIM_LDFLAGS)

bench-cosim: $(COSIM_BIN)/bench_dot
	$(COSIM_BIN)/bench_dot $(or $(SECONDS),3)

cosim-verilator:
	@command -v verilator >/dev/null || { echo "verilator not found: installing the Debian package"; apt-get update && apt-get install -y verilator; }

# The bench is built only when the RTL exists; without it the target says so and succeeds (the tests skip).
cosim-scoreboard: cosim-lib | cosim-verilator
ifeq ($(wildcard $(COSIM_RTL_DIR)/mx_dot.sv),)
	@echo "cosim-scoreboard: SKIPPED: $(COSIM_RTL_DIR)/mx_dot.sv does not exist yet (the bench is ready: $(COSIM_SB_SOURCES))"
else
	@mkdir -p $(COSIM_SB_OUT)
	flock $(COSIM_OUT)/.verilator.lock verilator --cc --exe --build -O1 -j 2 -Wno-fatal --top-module mx_dot_scoreboard --prefix Vscoreboard \
		-Mdir $(COSIM_SB_OUT) -o Vscoreboard -I$(COSIM_RTL_DIR) $(COSIM_RTL_SOURCES) $(COSIM_SB_SOURCES) $(COSIM_SB_MAIN) \
		-LDFLAGS "$(COSIM_LDFLAGS)" >$(COSIM_SB_OUT)/build.log 2>&1 || { cat $(COSIM_SB_OUT)/build.log; exit 1; }
	$(COSIM_SB_OUT)/Vscoreboard +n=$(COSIM_N) +seed=$(COSIM_SEED) $(if $(COSIM_DUMP),+dump=$(COSIM_DUMP))
endif
