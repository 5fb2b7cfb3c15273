// Selection, planning and scheduling: which cases, the order programs start in, what is decided
// without running, and the scheduler's order and concurrency bounds.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include "case_selection.hpp"
#include "run_plan.hpp"
#include "scheduler.hpp"

namespace parity {
namespace {

LoadedCase loaded_case(const std::string& id, std::vector<StartMethod> methods, int runs = 1,
                       bool exclusive = false) {
  CaseSpec spec;
  spec.id = id;
  spec.start_methods = std::move(methods);
  spec.runs = runs;
  spec.exclusive = exclusive;
  return LoadedCase{id, "/cases/" + id + "/case.toml", spec, {}};
}

LoadedCase broken_case(const std::string& id) {
  return LoadedCase{id, "/cases/" + id + "/case.toml", std::nullopt, "case.toml:1:1: bad"};
}

TEST(CaseSelection, SubstringGlobAndExactFilters) {
  EXPECT_TRUE(matches_filters("queues/join_deadlock", {}, false));
  EXPECT_TRUE(matches_filters("queues/join_deadlock", {"join"}, false));
  EXPECT_FALSE(matches_filters("queues/join_deadlock", {"pool"}, false));
  EXPECT_TRUE(matches_filters("queues/join_deadlock", {"pool", "queues/"}, false));
  EXPECT_TRUE(matches_filters("queues/join_deadlock", {"queues/*_deadlock"}, false));
  EXPECT_FALSE(matches_filters("queues/join_deadlock", {"*/join"}, false));
  EXPECT_TRUE(matches_filters("queues/join", {"queues/join"}, true));
  EXPECT_FALSE(matches_filters("queues/join_deadlock", {"queues/join"}, true));
}

TEST(CaseSelection, ShardsPartitionTheSortedCases) {
  CaseSelection all;
  all.case_roots = {PARITY_FIXTURES_DIR};
  auto every = select_cases(all);
  ASSERT_GE(every.size(), 3u);
  std::set<std::string> seen;
  std::size_t total = 0;
  for (int shard = 1; shard <= 3; ++shard) {
    CaseSelection part = all;
    part.shard_index = shard;
    part.shard_count = 3;
    for (const auto& loaded : select_cases(part)) {
      seen.insert(loaded.id);
      ++total;
    }
  }
  EXPECT_EQ(total, every.size());
  EXPECT_EQ(seen.size(), every.size());
  EXPECT_TRUE(std::is_sorted(every.begin(), every.end(),
                             [](const LoadedCase& a, const LoadedCase& b) { return a.id < b.id; }));
}

TEST(RunPlan, RunsOfAUnitAreAdjacentAndInterleaveTheImplementations) {
  std::vector<LoadedCase> cases = {loaded_case("a/one", {StartMethod::fork, StartMethod::spawn}, 2),
                                   loaded_case("b/two", {StartMethod::fork})};
  RunPlan plan = plan_run(cases, CaseSelection{}, /*repeat=*/1);
  ASSERT_EQ(plan.units.size(), 3u);
  EXPECT_EQ(plan.units[0].spec, &*cases[0].spec);
  EXPECT_EQ(plan.units[0].method, StartMethod::fork);
  EXPECT_EQ(plan.units[1].method, StartMethod::spawn);
  EXPECT_EQ(plan.units[0].runs, 2);
  EXPECT_EQ(plan.units[2].spec, &*cases[1].spec);
  const std::vector<PlannedRun> expected = {
      {0, Impl::python, 0}, {0, Impl::cpp, 0}, {0, Impl::python, 1}, {0, Impl::cpp, 1},
      {1, Impl::python, 0}, {1, Impl::cpp, 0}, {1, Impl::python, 1}, {1, Impl::cpp, 1},
      {2, Impl::python, 0}, {2, Impl::cpp, 0}};
  EXPECT_EQ(plan.shared, expected);
  EXPECT_TRUE(plan.exclusive.empty());
  EXPECT_TRUE(plan.decided.empty());
  EXPECT_EQ(plan.total_results(), 6);
}

TEST(RunPlan, ExclusiveCasesRunAfterTheOthersAndRepeatMultipliesRuns) {
  std::vector<LoadedCase> cases = {loaded_case("a/timed", {StartMethod::fork}, 2, true),
                                   loaded_case("b/plain", {StartMethod::fork})};
  CaseSelection selection;
  selection.impl = Impl::cpp;
  RunPlan plan = plan_run(cases, selection, /*repeat=*/3);
  ASSERT_EQ(plan.units.size(), 2u);
  EXPECT_EQ(plan.units[0].runs, 6);
  EXPECT_EQ(plan.units[0].impls, std::vector<Impl>{Impl::cpp});
  EXPECT_EQ(plan.exclusive.size(), 6u);
  for (const PlannedRun& run : plan.exclusive) EXPECT_EQ(run.unit, 0u);
  EXPECT_EQ(plan.shared.size(), 3u);
  for (const PlannedRun& run : plan.shared) EXPECT_EQ(run.unit, 1u);
  EXPECT_EQ(plan.total_results(), 2);
}

TEST(RunPlan, AnotherBuildsRunsAlternateWithThisBuilds) {
  std::vector<LoadedCase> cases = {loaded_case("a/timed", {StartMethod::fork}, 2, true),
                                   loaded_case("b/plain", {StartMethod::fork, StartMethod::spawn})};
  CaseSelection selection;
  selection.impl = Impl::cpp;
  RunPlan plan = plan_run(cases, selection, /*repeat=*/1);
  interleave_other_build(plan);
  ASSERT_EQ(plan.units.size(), 6u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_FALSE(plan.units[i].other_build);
    EXPECT_TRUE(plan.units[i + 3].other_build);
    EXPECT_EQ(plan.units[i + 3].spec, plan.units[i].spec);
    EXPECT_EQ(plan.units[i + 3].method, plan.units[i].method);
    EXPECT_EQ(plan.units[i + 3].runs, plan.units[i].runs);
  }
  // A B, then B A, run by run, in the shared and the exclusive order alike.
  const std::vector<PlannedRun> exclusive = {
      {0, Impl::cpp, 0}, {3, Impl::cpp, 0}, {3, Impl::cpp, 1}, {0, Impl::cpp, 1}};
  EXPECT_EQ(plan.exclusive, exclusive);
  const std::vector<PlannedRun> shared = {
      {1, Impl::cpp, 0}, {4, Impl::cpp, 0}, {2, Impl::cpp, 0}, {5, Impl::cpp, 0}};
  EXPECT_EQ(plan.shared, shared);
  EXPECT_EQ(plan.total_results(), 3) << "the other build's results are not reported";
}

TEST(RunPlan, BrokenAndUnsupportedCasesAreDecidedWithoutRunning) {
  std::vector<LoadedCase> cases = {broken_case("a/broken"), loaded_case("b/forkonly", {StartMethod::fork})};
  CaseSelection selection;
  selection.start_method = StartMethod::spawn;
  RunPlan plan = plan_run(cases, selection, 1);
  EXPECT_TRUE(plan.units.empty());
  EXPECT_TRUE(plan.shared.empty());
  ASSERT_EQ(plan.decided.size(), 2u);
  EXPECT_EQ(plan.decided[0].spec, nullptr);
  ASSERT_EQ(plan.decided[0].results.size(), 2u);  // spawn x {python, cpp}
  EXPECT_EQ(plan.decided[0].results[0].code, ResultCode::unresolved);
  EXPECT_EQ(plan.decided[0].results[0].start_method, StartMethod::spawn);
  EXPECT_EQ(plan.decided[0].results[0].reasons, std::vector<std::string>{"case.toml:1:1: bad"});
  EXPECT_EQ(plan.decided[1].spec, &*cases[1].spec);
  ASSERT_EQ(plan.decided[1].results.size(), 2u);
  EXPECT_EQ(plan.decided[1].results[1].code, ResultCode::skip);
  EXPECT_EQ(plan.decided[1].results[1].impl, Impl::cpp);
  EXPECT_EQ(plan.total_results(), 4);

  // Without --start-method a broken case is UNRESOLVED under every start method.
  RunPlan every = plan_run(cases, CaseSelection{}, 1);
  ASSERT_EQ(every.decided.size(), 1u);
  EXPECT_EQ(every.decided[0].results.size(), 6u);
  EXPECT_EQ(every.units.size(), 1u);
}

TEST(Scheduler, StartsTasksInOrderWithAtMostWorkersAtOnce) {
  constexpr std::size_t count = 40;
  std::mutex mutex;
  std::vector<std::size_t> started;
  std::atomic<int> running{0}, most{0};
  double busy = run_in_order(count, 3, [&](std::size_t index) {
    int now = ++running;
    for (int seen = most.load(); now > seen && !most.compare_exchange_weak(seen, now);) {
    }
    {
      std::lock_guard lock(mutex);
      started.push_back(index);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    --running;
  });
  ASSERT_EQ(started.size(), count);
  // Every index runs exactly once; one worker runs them in order (below).
  std::vector<std::size_t> sorted = started;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 0; i < count; ++i) EXPECT_EQ(sorted[i], i);
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(busy, count * 0.002);

  int calls = 0;
  EXPECT_EQ(run_in_order(0, 4, [&](std::size_t) { ++calls; }), 0.0);
  run_in_order(5, 1, [&](std::size_t index) { EXPECT_EQ(index, static_cast<std::size_t>(calls++)); });
  EXPECT_EQ(calls, 5);
}

}  // namespace
}  // namespace parity
