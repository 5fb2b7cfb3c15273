// plan_run: cases x start methods x implementations x runs, in the order they should start.

#include "run_plan.hpp"

#include <algorithm>
#include <iterator>

#include "case_evaluator.hpp"
#include "verdict.hpp"

namespace parity {
namespace {

// The start methods a case is planned under: its own, or only the one asked for, and of those only
// the ones --last-failed names. A case that could not be loaded has no list of its own, so it is
// UNRESOLVED under each method asked for.
std::vector<StartMethod> methods_of(const LoadedCase& loaded, const CaseSelection& selection) {
  std::vector<StartMethod> methods;
  if (loaded.spec) {
    methods = loaded.spec->start_methods;
  } else {
    methods.assign(std::begin(all_start_methods), std::end(all_start_methods));
  }
  if (selection.start_method) {
    bool supported = std::find(methods.begin(), methods.end(), *selection.start_method) !=
                     methods.end();
    methods.clear();
    if (supported || !loaded.spec) methods.push_back(*selection.start_method);
  }
  if (auto only = selection.units.find(loaded.id); only != selection.units.end())
    std::erase_if(methods, [&](StartMethod method) { return !only->second.count(method); });
  return methods;
}

std::vector<Impl> impls_of(const CaseSelection& selection) {
  if (selection.impl) return {*selection.impl};
  return {Impl::python, Impl::cpp};
}

}  // namespace

int RunPlan::total_results() const {
  int total = 0;
  for (const PlannedUnit& unit : units)
    if (!unit.other_build) total += static_cast<int>(unit.impls.size() + unit.versions);
  for (const DecidedBatch& batch : decided) total += static_cast<int>(batch.results.size());
  return total;
}

RunPlan plan_run(const std::vector<LoadedCase>& cases, const CaseSelection& selection, int repeat,
                 std::size_t versions) {
  RunPlan plan;
  const std::vector<Impl> impls = impls_of(selection);
  for (const LoadedCase& loaded : cases) {
    const std::vector<StartMethod> methods = methods_of(loaded, selection);
    if (!loaded.spec) {
      plan.decided.push_back({unresolved_results(loaded.id, methods, impls, loaded.error), nullptr});
      continue;
    }
    const CaseSpec& spec = *loaded.spec;
    if (methods.empty() && selection.start_method) {
      DecidedBatch skipped{{}, &spec};
      for (Impl impl : impls)
        skipped.results.push_back(skipped_result(
            spec.id, *selection.start_method, impl,
            "the case does not run under " + to_string(*selection.start_method)));
      plan.decided.push_back(std::move(skipped));
      continue;
    }
    for (StartMethod method : methods) {
      PlannedUnit unit{&spec, method, impls, std::max(1, spec.runs) * std::max(1, repeat)};
      if (std::find(impls.begin(), impls.end(), Impl::python) != impls.end()) unit.versions = versions;
      auto& order = spec.exclusive ? plan.exclusive : plan.shared;
      for (int run = 0; run < unit.runs; ++run) {
        for (Impl impl : impls) order.push_back(PlannedRun{plan.units.size(), impl, run});
        for (std::size_t version = 1; version <= unit.versions; ++version)
          order.push_back(PlannedRun{plan.units.size(), Impl::python, run, version});
      }
      plan.units.push_back(std::move(unit));
    }
  }
  return plan;
}

void interleave_other_build(RunPlan& plan) {
  const std::size_t own = plan.units.size();
  for (std::size_t index = 0; index < own; ++index) {
    PlannedUnit twin = plan.units[index];
    twin.other_build = true;
    plan.units.push_back(std::move(twin));
  }
  for (std::vector<PlannedRun>* order : {&plan.shared, &plan.exclusive}) {
    std::vector<PlannedRun> interleaved;
    interleaved.reserve(order->size() * 2);
    for (const PlannedRun& run : *order) {
      // A B, then B A: neither build always goes first, so what the first of a pair leaves
      // behind (warm caches, freed memory, a clock ramp) does not favour one build.
      PlannedRun twin{run.unit + own, run.impl, run.run_index};
      bool twin_first = run.run_index % 2 == 1;
      interleaved.push_back(twin_first ? twin : run);
      interleaved.push_back(twin_first ? run : twin);
    }
    *order = std::move(interleaved);
  }
}

}  // namespace parity
