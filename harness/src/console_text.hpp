#pragma once
// The pieces of the console's end-of-run text (ConsoleReporter::finalize), each rendered into a
// string so tests can read it: the summary table and the failure blocks.

#include <string>

#include "reporter.hpp"

namespace parity {

struct ConsoleStyle {
  bool color = false;        // ANSI colours
  int width = 120;           // columns to fit in
  bool full_stacks = false;  // failure blocks: stacks whole instead of one line per process
};

// text in the colour of code (unchanged without colour).
std::string paint(ResultCode code, const std::string& text, bool color);

// One row per case x start method: both results and median wall times, and cpp/python, under a
// two-line header naming the column groups. Fits width: a long case id is cut in the middle
// ("queues/joi~deadlock"); below about 60 columns the wall times are left out.
std::string summary_table(const RunSummary& summary, const ConsoleStyle& style);

// "Failures" and a block per failing result (and per XFAIL with an override reason): code, case,
// start methods, implementation; its reasons, override reason and diff; the last lines of stderr
// of this side and of the other implementation; for a hang one line per process of the tree
// (stack_folding.hpp) or, with full_stacks, the folded stacks; the rerun command of each side.
// Results of one case under several start methods (or both implementations) whose code, reasons,
// diff and override reason are the same once the start method and implementation names (and, in
// the reasons, numbers such as pids) are taken out are one block naming those methods and
// implementations, "(alike; shown: [fork] cpp)". Empty when nothing failed.
std::string failure_blocks(const RunSummary& summary, const ConsoleStyle& style);

}  // namespace parity
