# rtl/rtl.mk -- RTL targets of MxRef, included by the top-level Makefile (include rtl/rtl.mk).
#
#   make lint                  verilator --lint-only -Wall on mx_dot (K=32, then K=1,2,4,8,16,64)
#   make synth [RTL_K=32]      Yosys 0.23 generic synthesis of mx_dot; fails on latches; prints
#                              cell and register counts (log and stat in out/rtl/)
#   make rtl-tb [MXV=file]     build the portable bench under Verilator and run it on an .mxv file
#                              (K taken from the file header's "k", override with RTL_TB_K=...)
#
# Tools that are missing are installed as Debian packages (verilator, yosys).

RTL_DIR    ?= rtl
RTL_OUT    ?= out/rtl
RTL_K      ?= 32
RTL_JOBS   ?= 2
VERILATOR  ?= verilator
YOSYS      ?= yosys
MXV        ?= $(RTL_DIR)/tb/mx_dot_k32.mxv

# The sources of a unit, from its file list rtl/<unit>.f (package first, top last; // comments; `-f other.f`
# includes another list), which `mxref verify` reads too: one list per unit. rtl/filelist.awk expands the
# includes; a list that cannot be read or includes itself stops make with the awk's message.
rtl_filelist = $(call rtl_filelist_ok,$(1),$(shell awk -f $(RTL_DIR)/filelist.awk $(RTL_DIR)/$(1).f || echo rtl-filelist-error))
rtl_filelist_ok = $(if $(filter rtl-filelist-error,$(2)),$(error $(RTL_DIR)/$(1).f: the file list cannot be expanded (see above)),$(2))
RTL_SRCS := $(call rtl_filelist,mx_dot)
RTL_TB_SRC := $(RTL_DIR)/tb/mx_dot_tb.sv
# the functions every portable bench includes (header, unpacking, recipes, end-of-file checks)
RTL_TB_COMMON := $(RTL_DIR)/tb/mx_tb_common.svh $(RTL_DIR)/tb/mx_tb_block_check.svh $(RTL_DIR)/tb/mx_tb_dot_check.svh

# block size of the bench: the "k" of the vector file header, else 32
RTL_TB_K ?= $(or $(shell sed -n '1s/.*"\(block\|k\)" *: *\([0-9][0-9]*\).*/\2/p' '$(MXV)' 2>/dev/null),32)

rtl_need_verilator = command -v $(VERILATOR) >/dev/null || { echo "verilator not found: installing Debian package verilator"; apt-get update && apt-get install -y verilator; }
rtl_need_yosys     = command -v $(YOSYS) >/dev/null || { echo "yosys not found: installing Debian package yosys"; apt-get update && apt-get install -y yosys; }

.PHONY: lint synth rtl-tb

# generic synthesis; `check -assert` fails on loops/multiple drivers, `select -assert-none`
# fails on any latch cell; the stat is written next to the log
RTL_YOSYS_SCRIPT = read_verilog -sv $(RTL_SRCS); chparam -set K $(RTL_K) mx_dot; \
  synth -flatten -top mx_dot; check -assert; \
  select -assert-none t:$$_DLATCH* t:$$_SR_* t:$$dlatch* t:$$sr; \
  tee -q -o $(RTL_OUT)/synth_k$(RTL_K).stat stat

lint:
	@$(rtl_need_verilator)
	$(VERILATOR) --lint-only -Wall --top-module mx_dot $(RTL_SRCS)
	@for k in 1 2 4 8 16 64; do \
	  $(VERILATOR) --lint-only -Wall --top-module mx_dot -GK=$$k $(RTL_SRCS) || exit 1; \
	done
	@for sc in 1 2; do for en in 01 10 3F; do \
	  $(VERILATOR) --lint-only -Wall --top-module mx_dot -GK=16 -GSCALE_EN=2\'d$$sc -GFMT_EN=6\'h$$en $(RTL_SRCS) || exit 1; \
	done; done
	@echo "lint: mx_dot clean under verilator -Wall for K = 32, 1, 2, 4, 8, 16, 64 and SCALE_EN = E8M0, UE4M3 builds"

synth:
	@$(rtl_need_yosys)
	@mkdir -p $(RTL_OUT)
	$(YOSYS) -q -l $(RTL_OUT)/synth_k$(RTL_K).log -p '$(RTL_YOSYS_SCRIPT)'
	@cells=$$(awk '/Number of cells:/ {print $$4}' $(RTL_OUT)/synth_k$(RTL_K).stat | tail -1); \
	 regs=$$(awk '$$1 ~ /^\$$_(S)?DFF/ {n += $$2} END {print n+0}' $(RTL_OUT)/synth_k$(RTL_K).stat); \
	 lat=$$(sed -n 's/.*localparam int unsigned DOT_LATENCY *= *\([0-9][0-9]*\).*/\1/p' $(RTL_DIR)/mx_pkg.sv); \
	 echo "synth: mx_dot K=$(RTL_K): $$cells cells, $$regs flip-flops, no latches, $$lat pipeline stages (LATENCY $$lat)"; \
	 echo "synth: cell breakdown in $(RTL_OUT)/synth_k$(RTL_K).stat, full log in $(RTL_OUT)/synth_k$(RTL_K).log"

$(RTL_OUT)/tb_k%/Vmx_dot_tb: $(RTL_SRCS) $(RTL_TB_SRC) $(RTL_TB_COMMON)
	@$(rtl_need_verilator)
	@mkdir -p $(RTL_OUT)
	$(VERILATOR) --binary -j $(RTL_JOBS) -I$(RTL_DIR)/tb --top-module mx_dot_tb -GK=$* \
	  -Mdir $(RTL_OUT)/tb_k$* -o Vmx_dot_tb $(RTL_SRCS) $(RTL_TB_SRC) > $(RTL_OUT)/tb_k$*.build.log 2>&1 \
	  || { tail -40 $(RTL_OUT)/tb_k$*.build.log; exit 1; }

rtl-tb: $(RTL_OUT)/tb_k$(RTL_TB_K)/Vmx_dot_tb
	$(RTL_OUT)/tb_k$(RTL_TB_K)/Vmx_dot_tb +mxv=$(MXV)

# ------------------------------------------------------------------------------------------------
# mx_quant (FP32 block -> MX block), docs/RTL.md:
#
#   make lint-quant              verilator --lint-only -Wall on mx_quant (K = 32, 1, 2, 4, 8, 16, 64
#                                and the single-format builds); also run by `make lint`
#   make quant-tb [QMXV=file]    build the portable bench rtl/tb/mx_quant_tb.sv under Verilator and run
#                                it on an op=quantize .mxv (default: a corner set made by out/mxref);
#                                K from the header's "block" (override with RTL_QTB_K=...)
#   make verify-quant            corners + VERIFY_QUANT_COUNT random blocks for each policy in
#                                VERIFY_QUANT_POLICIES (default 8 x 125000 = 1M), generated by
#                                `mxref vectors gen --op quantize` and run through the bench; then for
#                                each recipe in VERIFY_QUANT_RECIPES (te torchao-rceil torchao-even) its
#                                conformance corners + VERIFY_QUANT_RECIPE_COUNT random blocks
#                                (`vectors gen --op quantize --recipe R --random`); 0 mismatches
#   make synth-table             Yosys generic + synth_xilinx figures of mx_dot and mx_quant builds into
#                                docs/RTL.md (also run by `make synth` unless RTL_K is given)

RTLQ_SRCS := $(call rtl_filelist,mx_quant)
RTLQ_TB_SRC := $(RTL_DIR)/tb/mx_quant_tb.sv
QMXV ?= $(RTL_OUT)/quant_corners.mxv
RTL_QTB_K ?= $(or $(shell sed -n '1s/.*"block" *: *\([0-9][0-9]*\).*/\1/p' '$(QMXV)' 2>/dev/null),32)

.PHONY: lint-quant quant-tb verify-quant verify-quant-run synth-table

lint: lint-quant

lint-quant:
	@$(rtl_need_verilator)
	@for k in 32 1 2 4 8 16 64; do \
	  $(VERILATOR) --lint-only -Wall --top-module mx_quant -GK=$$k $(RTLQ_SRCS) || exit 1; \
	done
	@for en in 01 02 04 08 10 20 03; do \
	  $(VERILATOR) --lint-only -Wall --top-module mx_quant -GFMT_EN=6\'h$$en $(RTLQ_SRCS) || exit 1; \
	  $(VERILATOR) --lint-only -Wall --top-module mx_dot -GFMT_EN=6\'h$$en $(RTL_SRCS) || exit 1; \
	done
	@for in in 1 2; do \
	  $(VERILATOR) --lint-only -Wall --top-module mx_quant -GIN_FMT_EN=2\'d$$in $(RTLQ_SRCS) || exit 1; \
	done
	@echo "lint: mx_quant clean under verilator -Wall for K = 32, 1, 2, 4, 8, 16, 64, FMT_EN subsets (mx_dot too) and the FP32-only, BF16-only builds"

$(RTL_OUT)/qtb_k%/Vmx_quant_tb: $(RTLQ_SRCS) $(RTLQ_TB_SRC) $(RTL_TB_COMMON)
	@$(rtl_need_verilator)
	@mkdir -p $(RTL_OUT)
	$(VERILATOR) --binary -j $(RTL_JOBS) -I$(RTL_DIR)/tb --top-module mx_quant_tb -GK=$* \
	  -Mdir $(RTL_OUT)/qtb_k$* -o Vmx_quant_tb $(RTLQ_SRCS) $(RTLQ_TB_SRC) > $(RTL_OUT)/qtb_k$*.build.log 2>&1 \
	  || { tail -40 $(RTL_OUT)/qtb_k$*.build.log; exit 1; }

$(RTL_OUT)/quant_corners.mxv:
	@test -x $(OUT)/mxref || $(MAKE) --no-print-directory build
	@mkdir -p $(RTL_OUT)
	$(OUT)/mxref vectors gen --op quantize --corners --random --count 2000 -o $@ > /dev/null

quant-tb: $(QMXV) $(RTL_OUT)/qtb_k$(RTL_QTB_K)/Vmx_quant_tb
	$(RTL_OUT)/qtb_k$(RTL_QTB_K)/Vmx_quant_tb +mxv=$(QMXV)

# BF16 input lanes (in_fmt = 1): the FP32 corners + QBF16_COUNT random blocks of `vectors gen --op quantize`
# with every lane cut to its top 16 bits (a BF16 value, exact in FP32), their expected scale and codes
# recomputed by the golden model (`vectors make --op quantize`), driven as BF16 lanes (bench +bf16: the
# top half in the lane's low 16 bits, junk above). 0 mismatches or the bench fails.
QBF16_COUNT ?= 2000
.PHONY: quant-bf16-tb
quant-bf16-tb: $(RTL_OUT)/qtb_k32/Vmx_quant_tb
	@test -x $(OUT)/mxref || $(MAKE) --no-print-directory build
	@mkdir -p $(RTL_OUT)
	$(OUT)/mxref vectors gen --op quantize --corners --random --count $(QBF16_COUNT) -o $(RTL_OUT)/quant_fp32.mxv > /dev/null
	grep -v '^//' $(RTL_OUT)/quant_fp32.mxv \
	  | awk '{ o = ""; for (i = 1; i <= length($$3); i += 8) o = o substr($$3, i, 4) "0000"; print $$1, $$2, o }' \
	  | $(OUT)/mxref vectors make --op quantize -k 32 -o $(RTL_OUT)/quant_bf16.mxv > /dev/null
	$(RTL_OUT)/qtb_k32/Vmx_quant_tb +mxv=$(RTL_OUT)/quant_bf16.mxv +bf16

# Each policy word: "ocp" (the defaults) or items joined by "+", an item being a `vectors gen`
# option without its dashes and with "=" for its value.
VERIFY_QUANT_COUNT ?= 125000
VERIFY_QUANT_SEED ?= 1
VERIFY_QUANT_K ?= 32
VERIFY_QUANT_POLICIES ?= ocp scale-rule=ceil specials=preserve specials=saturate int8=full \
  flush-subnormal-inputs scale-rule=ceil+specials=saturate+int8=full+flush-subnormal-inputs \
  scale-rule=ceil+specials=preserve
# The recipes whose rules only the golden model's recipes define (docs/RTL.md, "Recipes"); block 32.
VERIFY_QUANT_RECIPES ?= te torchao-rceil torchao-even
VERIFY_QUANT_RECIPE_COUNT ?= 200000
# verify-quant-run: the same without `make build` first (make verify has just built the CLI)
verify-quant: build
	@$(MAKE) --no-print-directory verify-quant-run
verify-quant-run: $(RTL_OUT)/qtb_k$(VERIFY_QUANT_K)/Vmx_quant_tb $(RTL_OUT)/qtb_k32/Vmx_quant_tb
	@mkdir -p $(RTL_OUT)/verify-quant
	@seed=$(VERIFY_QUANT_SEED); total=0; \
	for pol in $(VERIFY_QUANT_POLICIES); do \
	  opts=$$(echo "$$pol" | sed -e 's/^ocp$$//' -e 's/^/--/' -e 's/+/ --/g' -e 's/=/ /g' -e 's/^--$$//'); \
	  f=$(RTL_OUT)/verify-quant/$$pol.mxv; \
	  $(OUT)/mxref vectors gen --op quantize -k $(VERIFY_QUANT_K) --corners --random --count $(VERIFY_QUANT_COUNT) \
	    --seed $$seed $$opts -o $$f > $(RTL_OUT)/verify-quant/$$pol.coverage.txt || exit 2; \
	  grep -q 'never hit: none' $(RTL_OUT)/verify-quant/$$pol.coverage.txt || \
	    { echo "verify-quant: $$pol: coverage classes never hit:"; grep 'never hit' $(RTL_OUT)/verify-quant/$$pol.coverage.txt; }; \
	  $(RTL_OUT)/qtb_k$(VERIFY_QUANT_K)/Vmx_quant_tb +mxv=$$f > $(RTL_OUT)/verify-quant/$$pol.log 2>&1 \
	    || { tail -30 $(RTL_OUT)/verify-quant/$$pol.log; echo "verify-quant: FAILED on policy $$pol ($$f kept)"; exit 1; }; \
	  grep 'mx_quant tb:' $(RTL_OUT)/verify-quant/$$pol.log; \
	  n=$$(sed -n 's/^mx_quant tb: \([0-9]*\) vectors.*/\1/p' $(RTL_OUT)/verify-quant/$$pol.log); total=$$((total + n)); \
	  rm -f $$f; seed=$$((seed + 1)); \
	done; \
	for rec in $(VERIFY_QUANT_RECIPES); do \
	  f=$(RTL_OUT)/verify-quant/recipe-$$rec.mxv; \
	  $(OUT)/mxref vectors gen --op quantize --recipe $$rec --random --count $(VERIFY_QUANT_RECIPE_COUNT) --seed $$seed \
	    -o $$f > $(RTL_OUT)/verify-quant/recipe-$$rec.classes.txt || exit 2; \
	  $(RTL_OUT)/qtb_k32/Vmx_quant_tb +mxv=$$f > $(RTL_OUT)/verify-quant/recipe-$$rec.log 2>&1 \
	    || { tail -30 $(RTL_OUT)/verify-quant/recipe-$$rec.log; echo "verify-quant: FAILED on recipe $$rec ($$f kept)"; exit 1; }; \
	  grep 'mx_quant tb:' $(RTL_OUT)/verify-quant/recipe-$$rec.log; \
	  n=$$(sed -n 's/^mx_quant tb: \([0-9]*\) vectors.*/\1/p' $(RTL_OUT)/verify-quant/recipe-$$rec.log); total=$$((total + n)); \
	  rm -f $$f; seed=$$((seed + 1)); \
	done; \
	echo "verify-quant: mx_quant PASSED: $$total blocks ($(words $(VERIFY_QUANT_POLICIES)) policies, $(words $(VERIFY_QUANT_RECIPES)) recipes), 0 mismatches"

# synthesis figures (docs/RTL.md, between the synth-table markers); normalised to the first build.
# Each build is [?]TOP:LABEL:PARAMS (rtl/synth/synth_table.sh): FMT_EN bit f = element format code f,
# SCALE_EN bit 0 = E8M0, bit 1 = UE4M3; mx_dot_bdr: M = magnitude bits (7 MX9, 4 MX6, 2 MX4). A "?" row
# is a unit that may not exist yet (a placeholder row until its module is there).
SYNTH_TABLE_BUILDS ?= mx_dot:e4m3:K=32,FMT_EN=1,SCALE_EN=1 mx_dot:e2m1:K=32,FMT_EN=16,SCALE_EN=1 \
  mx_dot:int8:K=32,FMT_EN=32,SCALE_EN=1 mx_dot:all-ocp:K=32,FMT_EN=63,SCALE_EN=1 \
  mx_dot:all+nvfp4:K=32,FMT_EN=63,SCALE_EN=3 \
  mx_dot:e4m3:K=16,FMT_EN=1,SCALE_EN=1 mx_dot:e2m1:K=16,FMT_EN=16,SCALE_EN=1 \
  mx_dot:nvfp4:K=16,FMT_EN=16,SCALE_EN=2 mx_dot:e2m1+nvfp4:K=16,FMT_EN=16,SCALE_EN=3 \
  mx_dot_bdr:mx9:K=16,M=7 mx_dot_bdr:mx6:K=16,M=4 mx_dot_bdr:mx4:K=16,M=2 \
  mx_quant:e4m3:K=32,FMT_EN=1 mx_quant:e2m1:K=32,FMT_EN=16 mx_quant:int8:K=32,FMT_EN=32 \
  mx_quant:e4m3+e5m2:K=32,FMT_EN=3 mx_quant:all:K=32,FMT_EN=63 \
  mx_decode:all:K=32,FMT_EN=63
synth-table:
	@$(rtl_need_yosys)
	@mkdir -p $(RTL_OUT)/synth
	YOSYS=$(YOSYS) RTL_DIR=$(RTL_DIR) nice -n 15 $(RTL_DIR)/synth/synth_table.sh $(RTL_OUT)/synth \
	  $(SYNTH_TABLE_BUILDS) > $(RTL_OUT)/synth/table.md
	@cat $(RTL_OUT)/synth/table.md
	@awk -v tf=$(RTL_OUT)/synth/table.md ' \
	  /<!-- synth-table:begin -->/ { print; while ((getline l < tf) > 0) print l; skip = 1; next } \
	  /<!-- synth-table:end -->/ { skip = 0 } !skip' docs/RTL.md > docs/RTL.md.tmp && mv docs/RTL.md.tmp docs/RTL.md
	@echo "synth-table: written into docs/RTL.md"

ifneq ($(origin RTL_K),command line)
synth: synth-table
endif

# ------------------------------------------------------------------------------------------------
# mx_regen (DropBack weight regeneration: Philox4x32-10, initializer, tracked merge, mx_quant),
# docs/RTL.md and docs/dropback.md:
#
#   make lint-regen              verilator --lint-only -Wall on mx_regen (K = 32, 4, 8, 64; NT = 1, 4, 16);
#                                also run by `make lint`
#   make regen-tb [RMXV=file]    build rtl/tb/mx_regen_tb.sv under Verilator (K from the header's "block",
#                                REGEN_TB_NT draws built in, default 1) and run it on an op=regen .mxv
#                                (default: corners + 2,000 random blocks made by out/mxref)
#   make verify-regen            ocp, every format: corners + VERIFY_REGEN_COUNT (1 M) random blocks; the
#                                recipes of VERIFY_REGEN_RECIPES: corners + VERIFY_REGEN_RECIPE_COUNT each;
#                                Irwin-Hall (NT = 16, K = 8): corners + VERIFY_REGEN_IH_COUNT; 0 mismatches

RTLR_SRCS := $(call rtl_filelist,mx_regen)
RTLR_TB_SRC := $(RTL_DIR)/tb/mx_regen_tb.sv
RMXV ?= $(RTL_OUT)/regen_corners.mxv
REGEN_TB_NT ?= 1
RTL_RTB_K ?= $(or $(shell sed -n '1s/.*"block" *: *\([0-9][0-9]*\).*/\1/p' '$(RMXV)' 2>/dev/null),32)

.PHONY: lint-regen regen-tb verify-regen verify-regen-run

lint: lint-regen

lint-regen:
	@$(rtl_need_verilator)
	@for k in 32 4 8 64; do for nt in 1 4 16; do \
	  $(VERILATOR) --lint-only -Wall --top-module mx_regen -GK=$$k -GNT=$$nt $(RTLR_SRCS) || exit 1; \
	done; done
	@echo "lint: mx_regen clean under verilator -Wall for K = 32, 4, 8, 64 and NT = 1, 4, 16"

# stem K_nNT, e.g. out/rtl/rtb_k32_n1/Vmx_regen_tb
$(RTL_OUT)/rtb_k%/Vmx_regen_tb: $(RTLR_SRCS) $(RTLR_TB_SRC) $(RTL_TB_COMMON)
	@$(rtl_need_verilator)
	@mkdir -p $(RTL_OUT)
	$(VERILATOR) --binary -j $(RTL_JOBS) -I$(RTL_DIR)/tb --top-module mx_regen_tb -GK=$(word 1,$(subst _n, ,$*)) \
	  -GNT=$(word 2,$(subst _n, ,$*)) -Mdir $(RTL_OUT)/rtb_k$* -o Vmx_regen_tb $(RTLR_SRCS) $(RTLR_TB_SRC) \
	  > $(RTL_OUT)/rtb_k$*.build.log 2>&1 || { tail -40 $(RTL_OUT)/rtb_k$*.build.log; exit 1; }

$(RTL_OUT)/regen_corners.mxv:
	@test -x $(OUT)/mxref || $(MAKE) --no-print-directory build
	@mkdir -p $(RTL_OUT)
	$(OUT)/mxref vectors gen --op regen --corners --random --count 2000 -o $@ > /dev/null

regen-tb: $(RMXV) $(RTL_OUT)/rtb_k$(RTL_RTB_K)_n$(REGEN_TB_NT)/Vmx_regen_tb
	$(RTL_OUT)/rtb_k$(RTL_RTB_K)_n$(REGEN_TB_NT)/Vmx_regen_tb +mxv=$(RMXV)

VERIFY_REGEN_COUNT ?= 1000000
VERIFY_REGEN_SEED ?= 1
# recipe:formats (the recipes whose rule differs from ocp's; te and torchao take the formats they define)
VERIFY_REGEN_RECIPES ?= gfloat:all microxcaling:all torchao-even:e4m3,e5m2,e3m2,e2m3,e2m1 te:e4m3,e5m2
VERIFY_REGEN_RECIPE_COUNT ?= 20000
VERIFY_REGEN_IH_COUNT ?= 50000
verify-regen: build
	@$(MAKE) --no-print-directory verify-regen-run
verify-regen-run: $(RTL_OUT)/rtb_k32_n1/Vmx_regen_tb $(RTL_OUT)/rtb_k8_n16/Vmx_regen_tb
	@mkdir -p $(RTL_OUT)/verify-regen
	@d=$(RTL_OUT)/verify-regen; seed=$(VERIFY_REGEN_SEED); total=0; \
	run() { name=$$1; tb=$$2; shift 2; \
	  $(OUT)/mxref vectors gen --op regen --corners --random --seed $$seed "$$@" -o $$d/$$name.mxv > $$d/$$name.coverage.txt || exit 2; \
	  grep -q 'never hit: none' $$d/$$name.coverage.txt || \
	    { echo "verify-regen: $$name: coverage classes never hit:"; grep 'never hit' $$d/$$name.coverage.txt; }; \
	  $$tb +mxv=$$d/$$name.mxv > $$d/$$name.log 2>&1 \
	    || { tail -30 $$d/$$name.log; echo "verify-regen: FAILED on $$name ($$d/$$name.mxv kept)"; exit 1; }; \
	  grep 'mx_regen tb:' $$d/$$name.log; \
	  n=$$(sed -n 's/^mx_regen tb: \([0-9]*\) vectors.*/\1/p' $$d/$$name.log); total=$$((total + n)); \
	  rm -f $$d/$$name.mxv; seed=$$((seed + 1)); }; \
	run ocp $(RTL_OUT)/rtb_k32_n1/Vmx_regen_tb --count $(VERIFY_REGEN_COUNT) || exit $$?; \
	for rf in $(VERIFY_REGEN_RECIPES); do \
	  rec=$${rf%%:*}; fm=$${rf#*:}; \
	  run $$rec $(RTL_OUT)/rtb_k32_n1/Vmx_regen_tb --recipe $$rec --a $$fm --count $(VERIFY_REGEN_RECIPE_COUNT) || exit $$?; \
	done; \
	run irwin-hall $(RTL_OUT)/rtb_k8_n16/Vmx_regen_tb -k 8 --max-terms 16 --count $(VERIFY_REGEN_IH_COUNT) || exit $$?; \
	echo "verify-regen: mx_regen PASSED: $$total blocks (ocp, $(words $(VERIFY_REGEN_RECIPES)) recipes, Irwin-Hall n <= 16), 0 mismatches"

# Yosys generic synthesis of mx_regen, hierarchical (each Philox round, initializer lane and
# mx_quant is synthesised once and counted per instance by `stat -top`): a flat run of the
# 80 round instances (K = 32) would take far longer for the same count. Fails on latches or a
# `check` problem; the stat and the per-module ltp depths are written to out/rtl/synth-regen/.
REGEN_SYNTH_K ?= 32
REGEN_SYNTH_NT ?= 1
.PHONY: synth-regen
REGEN_SYNTH_BASE = $(RTL_OUT)/synth-regen/mx_regen_k$(REGEN_SYNTH_K)_n$(REGEN_SYNTH_NT)
REGEN_YOSYS_SCRIPT = read_verilog -sv $(RTLR_SRCS); \
  chparam -set K $(REGEN_SYNTH_K) -set NT $(REGEN_SYNTH_NT) mx_regen; synth -top mx_regen; check -assert; \
  select -assert-none t:$$_DLATCH* t:$$_SR_* t:$$dlatch* t:$$sr; \
  tee -q -o $(REGEN_SYNTH_BASE).stat stat -top mx_regen; tee -q -o $(REGEN_SYNTH_BASE).ltp ltp -noff
synth-regen:
	@$(rtl_need_yosys)
	@mkdir -p $(RTL_OUT)/synth-regen
	$(YOSYS) -q -l $(REGEN_SYNTH_BASE).log -p '$(REGEN_YOSYS_SCRIPT)'
	@f=$(REGEN_SYNTH_BASE); \
	 cells=$$(awk '/design hierarchy/ {h = 1} h && /Number of cells:/ {n = $$4} END {print n}' $$f.stat); \
	 regs=$$(awk '/design hierarchy/ {h = 1} h && $$1 ~ /^\$$_(S)?DFF/ {n += $$2} END {print n+0}' $$f.stat); \
	 depth=$$(sed -n 's/^Longest topological path in \(.*\) (length=\([0-9]*\)).*/\2 \1/p' $$f.ltp | sort -n | tail -1); \
	 echo "synth-regen: mx_regen K=$(REGEN_SYNTH_K) NT=$(REGEN_SYNTH_NT): $$cells cells, $$regs flip-flops, no latches; deepest module: $$depth"
# mx_dot_bdr (MX9/MX6/MX4 shared-microexponent blocks, K = 16, one microexponent bit per pair),
# docs/RTL.md "mx_dot_bdr":
#
#   make lint-bdr                verilator --lint-only -Wall on mx_dot_bdr for M = 7, 4, 2 (K = 16)
#                                and K = 2, 32
#   make synth-bdr               Yosys generic synthesis of mx_dot_bdr for M = 7, 4, 2 (K = 16): cells,
#                                flip-flops, no latches (stat files in out/rtl/)
#   make bdr-tb [BDR_FMT=mx9]    generate corners + BDR_COUNT random vectors of BDR_FMT with out/mxref,
#                                build the portable bench rtl/tb/mx_dot_bdr_tb.sv under Verilator and
#                                run it on them (BDR_MXV=file to use another file)

BDR_FMT   ?= mx9
BDR_COUNT ?= 100000
BDR_MXV   ?= $(RTL_OUT)/bdr_$(BDR_FMT).mxv
bdr_m      = $(if $(filter mx9,$(1)),7,$(if $(filter mx6,$(1)),4,2))
RTL_BDR_SRCS := $(call rtl_filelist,mx_dot_bdr)

.PHONY: lint-bdr synth-bdr bdr-tb

lint-bdr:
	@$(rtl_need_verilator)
	@for p in "-GM=7" "-GM=4" "-GM=2" "-GM=2 -GK=2" "-GM=7 -GK=32"; do \
	  $(VERILATOR) --lint-only -Wall --top-module mx_dot_bdr $$p $(RTL_BDR_SRCS) || exit 1; \
	done
	@echo "lint: mx_dot_bdr clean under verilator -Wall for M = 7, 4, 2 (K = 16) and K = 2, 32"

synth-bdr:
	@$(rtl_need_yosys)
	@mkdir -p $(RTL_OUT)
	@for m in 7 4 2; do \
	  $(YOSYS) -q -l $(RTL_OUT)/synth_bdr_m$$m.log -p "read_verilog -sv $(RTL_BDR_SRCS); chparam -set M $$m mx_dot_bdr; \
	    synth -flatten -top mx_dot_bdr; check -assert; select -assert-none t:\$$_DLATCH* t:\$$_SR_* t:\$$dlatch* t:\$$sr; \
	    tee -q -o $(RTL_OUT)/synth_bdr_m$$m.stat stat" || exit 1; \
	  cells=$$(awk '/Number of cells:/ {print $$4}' $(RTL_OUT)/synth_bdr_m$$m.stat | tail -1); \
	  regs=$$(awk '$$1 ~ /^\$$_(S)?DFF/ {n += $$2} END {print n+0}' $(RTL_OUT)/synth_bdr_m$$m.stat); \
	  echo "synth: mx_dot_bdr K=16 M=$$m: $$cells cells, $$regs flip-flops, no latches"; \
	done

$(RTL_OUT)/bdr_%.mxv: out/mxref
	@mkdir -p $(RTL_OUT)
	out/mxref vectors gen --block-format $* --count $(BDR_COUNT) --seed 1 -o $@ > /dev/null

$(RTL_OUT)/tb_bdr_m%/Vmx_dot_bdr_tb: $(RTL_BDR_SRCS) $(RTL_DIR)/tb/mx_dot_bdr_tb.sv $(RTL_TB_COMMON)
	@$(rtl_need_verilator)
	@mkdir -p $(RTL_OUT)
	$(VERILATOR) --binary -j $(RTL_JOBS) -I$(RTL_DIR)/tb --top-module mx_dot_bdr_tb -GK=16 -GM=$* \
	  -Mdir $(RTL_OUT)/tb_bdr_m$* -o Vmx_dot_bdr_tb $(RTL_BDR_SRCS) $(RTL_DIR)/tb/mx_dot_bdr_tb.sv \
	  > $(RTL_OUT)/tb_bdr_m$*.build.log 2>&1 || { tail -40 $(RTL_OUT)/tb_bdr_m$*.build.log; exit 1; }

bdr-tb: $(BDR_MXV) $(RTL_OUT)/tb_bdr_m$(call bdr_m,$(BDR_FMT))/Vmx_dot_bdr_tb
	$(RTL_OUT)/tb_bdr_m$(call bdr_m,$(BDR_FMT))/Vmx_dot_bdr_tb +mxv=$(BDR_MXV)

# The MX9/MX6/MX4 part of `make verify`: for each format, corners + VERIFY_BDR_COUNT random vectors from out/mxref
# through the portable bench of mx_dot_bdr (K = 16); the bench exits non-zero on a mismatch.
VERIFY_BDR_COUNT ?= 1000000
.PHONY: verify-bdr-run
verify-bdr-run: $(RTL_OUT)/tb_bdr_m7/Vmx_dot_bdr_tb $(RTL_OUT)/tb_bdr_m4/Vmx_dot_bdr_tb $(RTL_OUT)/tb_bdr_m2/Vmx_dot_bdr_tb
	@mkdir -p $(RTL_OUT)/verify-bdr
	@set -o pipefail; for f in mx9 mx6 mx4; do \
	  m=$$(case $$f in mx9) echo 7;; mx6) echo 4;; *) echo 2;; esac); \
	  $(OUT)/mxref vectors gen --block-format $$f --corners --random --count $(VERIFY_BDR_COUNT) --seed $(or $(VERIFY_SEED),1) \
	    -o $(RTL_OUT)/verify-bdr/$$f.mxv > $(RTL_OUT)/verify-bdr/$$f.coverage.txt || exit 2; \
	  echo "verify-bdr: $$f: $$(sed -n 2p $(RTL_OUT)/verify-bdr/$$f.coverage.txt)"; \
	  $(RTL_OUT)/tb_bdr_m$$m/Vmx_dot_bdr_tb +mxv=$(RTL_OUT)/verify-bdr/$$f.mxv | grep -v 'Verilog \$$finish' || exit 1; \
	done

# ------------------------------------------------------------------------------------------------
# mx_decode (MX block -> FP32/BF16/FP16 values), docs/RTL.md "mx_decode": verified through
# `mxref verify --unit decode` (make verify-decode-unit in the top-level Makefile).
#   make lint-decode             verilator --lint-only -Wall on mx_decode (K = 32, 1, 2, 4, 16, 64 and
#                                single-format FMT_EN builds)
RTLD_SRCS := $(call rtl_filelist,mx_decode)
.PHONY: lint-decode
lint: lint-decode
lint-decode:
	@$(rtl_need_verilator)
	@for k in 32 1 2 4 16 64; do \
	  $(VERILATOR) --lint-only -Wall --top-module mx_decode -GK=$$k $(RTLD_SRCS) || exit 1; \
	done
	@for en in 01 02 04 08 10 20; do \
	  $(VERILATOR) --lint-only -Wall --top-module mx_decode -GFMT_EN=6\'h$$en $(RTLD_SRCS) || exit 1; \
	done
	@echo "lint: mx_decode clean under verilator -Wall for K = 32, 1, 2, 4, 16, 64 and each single-format FMT_EN"
