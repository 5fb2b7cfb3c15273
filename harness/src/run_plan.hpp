#pragma once
// Planning a run: from the selected cases to plain data saying which programs run, in which order,
// and which results are known without running anything. Planning does no I/O; the runner executes
// a plan (runner.hpp).
//
// A case x start method is a unit: the runs of its programs are compared, judged and reported
// together. Each unit runs every selected implementation `runs x repeat` times. The runs of one
// unit are adjacent and interleave python and cpp, so a unit finishes early and both
// implementations see the same machine load. Units of `exclusive` cases run after all others, one
// program at a time.

#include <cstddef>
#include <vector>

#include "case_loader.hpp"
#include "case_result.hpp"
#include "case_selection.hpp"

namespace parity {

struct PlannedUnit {
  const CaseSpec* spec = nullptr;
  StartMethod method = StartMethod::fork;
  std::vector<Impl> impls;  // python first
  int runs = 1;             // per implementation
  // The version axis (--python-versions): the python side also runs under this many more
  // interpreters, each `runs` times (python must be among impls).
  std::size_t versions = 0;
  bool other_build = false;  // --against-build: runs the other build's programs, never reported
};

// One program run: run number run_index (0-based) of implementation impl of units[unit]; for
// python, under interpreter `version`: 0 the reference interpreter, i > 0 the i-th of the axis.
struct PlannedRun {
  std::size_t unit = 0;
  Impl impl = Impl::python;
  int run_index = 0;
  std::size_t version = 0;
  friend bool operator==(const PlannedRun&, const PlannedRun&) = default;
};

// Results known without running anything: a case that could not be loaded (UNRESOLVED, per start
// method x implementation) or that does not run under the --start-method asked for (SKIP).
struct DecidedBatch {
  std::vector<CaseResult> results;
  const CaseSpec* spec = nullptr;  // null when the case could not be loaded
};

struct RunPlan {
  std::vector<PlannedUnit> units;
  std::vector<PlannedRun> shared;     // run by the -j workers, started in this order
  std::vector<PlannedRun> exclusive;  // then these, one at a time
  std::vector<DecidedBatch> decided;  // reported before anything runs
  // How many results the run reports: one per unit x implementation and per unit x axis
  // version (other builds' units excepted), plus the decided ones.
  int total_results() const;
};

// The plan for `cases` (as select_cases returns them) under the selection's start method and
// implementation, each case's runs multiplied by repeat. The plan points into `cases`, which
// must outlive it. versions: how many interpreters of the version axis besides the reference run
// each unit's python side (right after the reference's run of the same index).
RunPlan plan_run(const std::vector<LoadedCase>& cases, const CaseSelection& selection, int repeat,
                 std::size_t versions = 0);

// --against-build: gives every unit a twin that runs the other build's cpp program; each run of a
// unit and the same run of its twin start one right after the other, in turns: this build first
// for even runs, the other first for odd ones (A B B A A B ...), so both builds see the same
// machine load and neither always goes first. Call on a plan of cpp units only.
void interleave_other_build(RunPlan& plan);

}  // namespace parity
