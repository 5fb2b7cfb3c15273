#pragma once
// The pieces of the console's end-of-run text (ConsoleReporter::finalize), each rendered into a
// string so tests can read it: the summary table and the failure blocks.

#include <cstddef>
#include <string>

#include "reporter.hpp"
#include "version_matrix.hpp"

namespace parity {

struct ConsoleStyle {
  bool color = false;        // ANSI colours
  int width = 120;           // columns to fit in
  bool full_stacks = false;  // failure blocks: stacks whole instead of one line per process
};

// text in the colour of code (unchanged without colour).
std::string paint(ResultCode code, const std::string& text, bool color);

// Columns a UTF-8 text without colour codes takes (each code point one column: the version marks
// and the ASCII around them).
std::size_t display_width(const std::string& text);

// One row per case x start method: both results and median wall times, and cpp/python, under a
// two-line header naming the column groups. Fits width: a long case id is cut in the middle
// ("queues/joi~deadlock"); below about 60 columns the wall times are left out. With a version
// axis (versions not empty) a last column names the CPython versions whose python result differs
// from the reference interpreter's (differing_marks: "3.12 ✗  3.13 ✗", or "all ✓").
std::string summary_table(const RunSummary& summary, const ConsoleStyle& style,
                          const VersionMatrix& versions = {});

// "Failures" and a block per failing result (and per XFAIL with an override reason): code, case,
// start methods, implementation; its reasons, override reason and diff; the last lines of stderr
// of this side and of the other implementation; for a hang one line per process of the tree
// (stack_folding.hpp) or, with full_stacks, the folded stacks; the rerun command of each side.
// Results of one case under several start methods (or both implementations) whose code, reasons,
// diff and override reason are the same once the start method and implementation names (and, in
// the reasons, numbers such as pids) are taken out are one block naming those methods and
// implementations, "(alike; shown: [fork] cpp)". With a version axis, failing results of the other
// CPythons get blocks too (named "python 3.12.1", alike ones of several versions in one block),
// and each block says how the python side fares under each version, for the start methods it
// names ("python versions [fork]: 3.8 ✓  3.9 ✓  3.11 ✓  3.12 ✗"). Empty when nothing failed.
std::string failure_blocks(const RunSummary& summary, const ConsoleStyle& style,
                           const VersionMatrix& versions = {});

}  // namespace parity
