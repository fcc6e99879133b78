// Verilator main for mx_dot_scoreboard.sv: toggles the clock until the bench calls $finish and turns its verdict
// (the `failed` port) into the exit status, so make and the tests see a failing scoreboard as a failing command.
#include <memory>

#include "Vscoreboard.h"
#include "verilated.h"

int main(int argc, char** argv) {
    auto context = std::make_unique<VerilatedContext>();
    context->commandArgs(argc, argv);
    auto bench = std::make_unique<Vscoreboard>(context.get());
    bench->clk = 0;
    while (!context->gotFinish()) {
        bench->clk = !bench->clk;
        bench->eval();
        context->timeInc(1);
    }
    bench->final();
    return bench->failed ? 1 : 0;
}
