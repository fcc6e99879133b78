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

# package first, top last
RTL_SRCS := $(addprefix $(RTL_DIR)/,mx_pkg.sv mx_lzc.sv mx_mul.sv mx_adder_tree.sv \
                                   mx_fuse.sv mx_norm.sv mx_round.sv mx_dot.sv)
RTL_TB_SRC := $(RTL_DIR)/tb/mx_dot_tb.sv

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
	@echo "lint: mx_dot clean under verilator -Wall for K = 32, 1, 2, 4, 8, 16, 64"

synth:
	@$(rtl_need_yosys)
	@mkdir -p $(RTL_OUT)
	$(YOSYS) -q -l $(RTL_OUT)/synth_k$(RTL_K).log -p '$(RTL_YOSYS_SCRIPT)'
	@cells=$$(awk '/Number of cells:/ {print $$4}' $(RTL_OUT)/synth_k$(RTL_K).stat | tail -1); \
	 regs=$$(awk '$$1 ~ /^\$$_(S)?DFF/ {n += $$2} END {print n+0}' $(RTL_OUT)/synth_k$(RTL_K).stat); \
	 lat=$$(sed -n 's/.*localparam int unsigned LATENCY *= *\([0-9][0-9]*\).*/\1/p' $(RTL_DIR)/mx_dot.sv); \
	 echo "synth: mx_dot K=$(RTL_K): $$cells cells, $$regs flip-flops, no latches, $$lat pipeline stages (LATENCY $$lat)"; \
	 echo "synth: cell breakdown in $(RTL_OUT)/synth_k$(RTL_K).stat, full log in $(RTL_OUT)/synth_k$(RTL_K).log"

$(RTL_OUT)/tb_k%/Vmx_dot_tb: $(RTL_SRCS) $(RTL_TB_SRC)
	@$(rtl_need_verilator)
	@mkdir -p $(RTL_OUT)
	$(VERILATOR) --binary -j $(RTL_JOBS) --top-module mx_dot_tb -GK=$* \
	  -Mdir $(RTL_OUT)/tb_k$* -o Vmx_dot_tb $(RTL_SRCS) $(RTL_TB_SRC) > $(RTL_OUT)/tb_k$*.build.log 2>&1 \
	  || { tail -40 $(RTL_OUT)/tb_k$*.build.log; exit 1; }

rtl-tb: $(RTL_OUT)/tb_k$(RTL_TB_K)/Vmx_dot_tb
	$(RTL_OUT)/tb_k$(RTL_TB_K)/Vmx_dot_tb +mxv=$(MXV)
