// Verdicts: every ResultCode reachable, override remapping, and runs > 1 invariants.

#include <gtest/gtest.h>

#include <set>

#include "normalizer.hpp"
#include "verdict.hpp"

using namespace parity;

namespace {

CaseSpec make_spec() {
  CaseSpec spec;
  spec.id = "area/case";
  return spec;
}

NormalizedRun exited(int code, std::map<std::string, double> metrics = {}, double wall_s = 0.1) {
  NormalizedRun run;
  run.record.status = ExitStatus::exited(code);
  run.record.wall_s = wall_s;
  run.metrics = std::move(metrics);
  run.outcome = observed_outcome(run.record);
  return run;
}

NormalizedRun killed(int signal) {
  NormalizedRun run;
  run.record.status = ExitStatus::killed(signal);
  run.outcome = observed_outcome(run.record);
  return run;
}

NormalizedRun hung() {
  NormalizedRun run;
  run.record.status = ExitStatus::killed(9);
  run.record.timed_out = true;
  run.outcome = observed_outcome(run.record);
  return run;
}

OutputComparison differs(OutputComparison::Against against = OutputComparison::Against::other_impl) {
  return {Comparison{false, "--- python [fork]\n+++ cpp [fork]\n@@ -1 +1 @@\n-a\n+b\n"}, against};
}

Override make_override(std::optional<StartMethod> method, std::optional<Impl> impl) {
  Override result;
  result.start_method = method;
  result.impl = impl;
  result.reason = "documented divergence";
  return result;
}

CaseResult judge(const CaseSpec& spec, std::vector<NormalizedRun> runs,
                 std::optional<OutputComparison> comparison = std::nullopt,
                 StartMethod method = StartMethod::fork, Impl impl = Impl::cpp) {
  return decide_verdict(spec, method, impl, std::move(runs), comparison);
}

bool mentions(const CaseResult& result, const std::string& text) {
  for (const std::string& reason : result.reasons)
    if (reason.find(text) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(Verdict, PassWhenEverythingMatches) {
  CaseResult result = judge(make_spec(), {exited(0)}, OutputComparison{});
  EXPECT_EQ(result.code, ResultCode::pass);
  EXPECT_TRUE(result.reasons.empty());
  EXPECT_EQ(result.case_id, "area/case");
  EXPECT_EQ(result.start_method, StartMethod::fork);
  EXPECT_EQ(result.impl, Impl::cpp);
  EXPECT_EQ(result.expected_outcome, "exit:0");
  EXPECT_EQ(result.diff, "");
  EXPECT_EQ(result.runs.size(), 1u);
}

TEST(Verdict, FailOnAnUnexpectedExitCode) {
  CaseResult result = judge(make_spec(), {exited(1)});
  EXPECT_EQ(result.code, ResultCode::fail);
  EXPECT_EQ(result.reasons, std::vector<std::string>{"outcome exit:1, expected exit:0"});
}

TEST(Verdict, FailOnOutputDifferenceWithTheDiff) {
  CaseResult result = judge(make_spec(), {exited(0)}, differs());
  EXPECT_EQ(result.code, ResultCode::fail);
  EXPECT_TRUE(mentions(result, "output differs from python"));
  EXPECT_EQ(result.diff, differs().comparison.diff);
}

TEST(Verdict, CrashOnAnUnexpectedSignal) {
  CaseResult result = judge(make_spec(), {killed(11)});
  EXPECT_EQ(result.code, ResultCode::crash);
  EXPECT_TRUE(mentions(result, "outcome signal:SIGSEGV, expected exit:0"));
  CaseSpec segv = make_spec();
  segv.expected_outcomes = {*Outcome::parse("signal:SIGSEGV")};
  EXPECT_EQ(judge(segv, {killed(6)}).code, ResultCode::crash);
  EXPECT_EQ(judge(segv, {killed(11)}).code, ResultCode::pass);
}

TEST(Verdict, ExpectedCrashAcceptsAnySignal) {
  CaseSpec spec = make_spec();
  spec.expected_outcomes = {*Outcome::parse("crash")};
  EXPECT_EQ(judge(spec, {killed(11)}).code, ResultCode::pass);
  EXPECT_EQ(judge(spec, {killed(6)}).code, ResultCode::pass);
  EXPECT_EQ(judge(spec, {exited(0)}).code, ResultCode::fail);
  EXPECT_EQ(judge(spec, {hung()}).code, ResultCode::timeout);
}

TEST(Verdict, TimeoutOnAnUnexpectedHang) {
  CaseResult result = judge(make_spec(), {hung()});
  EXPECT_EQ(result.code, ResultCode::timeout);
  EXPECT_TRUE(mentions(result, "hung"));
}

TEST(Verdict, ExpectedHangPassesAndAnExitThenFails) {
  CaseSpec spec = make_spec();
  spec.expected_outcomes = {*Outcome::parse("hang")};
  EXPECT_EQ(judge(spec, {hung()}).code, ResultCode::pass);
  CaseResult exited_instead = judge(spec, {exited(0)});
  EXPECT_EQ(exited_instead.code, ResultCode::fail);
  EXPECT_TRUE(mentions(exited_instead, "outcome exit:0, expected hang"));
}

TEST(Verdict, ReferenceChangedWhenOnlyTheReferenceDiffers) {
  CaseResult result = judge(make_spec(), {exited(0)}, differs(OutputComparison::Against::reference),
                            StartMethod::fork, Impl::python);
  EXPECT_EQ(result.code, ResultCode::reference_changed);
  EXPECT_FALSE(result.diff.empty());
  // A real failure outranks it.
  EXPECT_EQ(judge(make_spec(), {exited(2)}, differs(OutputComparison::Against::reference)).code,
            ResultCode::fail);
}

TEST(Verdict, UnresolvedForBrokenRuns) {
  NormalizedRun never;
  never.record.launch_error = "exec: No such file or directory";
  CaseResult result = judge(make_spec(), {never});
  EXPECT_EQ(result.code, ResultCode::unresolved);
  EXPECT_TRUE(mentions(result, "could not start: exec: No such file or directory"));

  EXPECT_EQ(judge(make_spec(), {}).code, ResultCode::unresolved);

  NormalizedRun malformed = exited(0);
  malformed.malformed_metrics = {"@metric x"};
  EXPECT_EQ(judge(make_spec(), {malformed}).code, ResultCode::unresolved);
  NormalizedRun malformed_sample = exited(0);
  malformed_sample.malformed_samples = {"@sample x 1"};
  CaseResult broken_sample = judge(make_spec(), {malformed_sample});
  EXPECT_EQ(broken_sample.code, ResultCode::unresolved);
  EXPECT_TRUE(mentions(broken_sample, "malformed @sample line"));

  CaseResult bad_case = unresolved_result("a/b", StartMethod::spawn, Impl::python, "a/case.toml:3:1: bad");
  EXPECT_EQ(bad_case.code, ResultCode::unresolved);
  EXPECT_EQ(bad_case.reasons, std::vector<std::string>{"a/case.toml:3:1: bad"});
  EXPECT_EQ(bad_case.start_method, StartMethod::spawn);
}

TEST(Verdict, Skip) {
  CaseResult result = skipped_result("a/b", StartMethod::forkserver, Impl::cpp, "not listed");
  EXPECT_EQ(result.code, ResultCode::skip);
  EXPECT_EQ(result.impl, Impl::cpp);
}

TEST(Verdict, CrashOutranksTimeoutOutranksFail) {
  CaseSpec spec = make_spec();
  spec.runs = 3;
  EXPECT_EQ(judge(spec, {exited(1), hung(), killed(11)}).code, ResultCode::crash);
  EXPECT_EQ(judge(spec, {exited(1), hung(), exited(0)}).code, ResultCode::timeout);
  CaseResult all = judge(spec, {exited(1), hung(), killed(11)});
  EXPECT_EQ(all.reasons.size(), 3u);
}

TEST(Verdict, OverrideOutcomeAppliesOnlyWhereItSays) {
  CaseSpec spec = make_spec();
  Override fork_hangs = make_override(StartMethod::fork, std::nullopt);
  fork_hangs.outcomes = {*Outcome::parse("hang")};
  spec.overrides = {fork_hangs};
  CaseResult fork = judge(spec, {hung()}, std::nullopt, StartMethod::fork, Impl::python);
  EXPECT_EQ(fork.code, ResultCode::pass);
  EXPECT_EQ(fork.expected_outcome, "hang");
  EXPECT_EQ(fork.override_reason, "documented divergence");
  CaseResult spawn = judge(spec, {hung()}, std::nullopt, StartMethod::spawn, Impl::python);
  EXPECT_EQ(spawn.code, ResultCode::timeout);
  EXPECT_EQ(spawn.override_reason, "");
}

TEST(Verdict, XfailRemapsFailuresAndPasses) {
  CaseSpec spec = make_spec();
  Override known = make_override(std::nullopt, Impl::cpp);
  known.xfail = true;
  spec.overrides = {known};
  EXPECT_EQ(judge(spec, {exited(1)}).code, ResultCode::xfail);
  EXPECT_EQ(judge(spec, {hung()}).code, ResultCode::xfail);
  EXPECT_EQ(judge(spec, {killed(11)}).code, ResultCode::xfail);
  EXPECT_EQ(judge(spec, {exited(0)}, differs()).code, ResultCode::xfail);
  CaseResult xpass = judge(spec, {exited(0)});
  EXPECT_EQ(xpass.code, ResultCode::xpass);
  EXPECT_TRUE(mentions(xpass, "expected to fail (documented divergence), but passed"));
  // Not remapped: a broken case, and the other implementation.
  EXPECT_EQ(judge(spec, {}).code, ResultCode::unresolved);
  EXPECT_EQ(judge(spec, {exited(1)}, std::nullopt, StartMethod::fork, Impl::python).code, ResultCode::fail);
}

TEST(Verdict, CompareFalseOverrideIgnoresTheDiff) {
  CaseSpec spec = make_spec();
  Override no_compare = make_override(StartMethod::spawn, Impl::cpp);
  no_compare.compare = false;
  spec.overrides = {no_compare};
  EXPECT_EQ(judge(spec, {exited(0)}, differs(), StartMethod::spawn).code, ResultCode::pass);
  EXPECT_EQ(judge(spec, {exited(0)}, differs(), StartMethod::fork).code, ResultCode::fail);
}

TEST(Verdict, MetricBoundsHoldOnEveryRun) {
  CaseSpec spec = make_spec();
  spec.runs = 4;
  spec.metric_bounds["empties"] = MetricBound{4, 4};
  spec.metric_bounds["items"] = MetricBound{std::nullopt, 10};
  std::vector<NormalizedRun> good{exited(0, {{"empties", 4}, {"items", 10}}),
                                  exited(0, {{"empties", 4}, {"items", 3}})};
  EXPECT_EQ(judge(spec, good).code, ResultCode::pass);

  CaseResult result = judge(spec, {exited(0, {{"empties", 4}, {"items", 10}}),
                                   exited(0, {{"empties", 4}, {"items", 3}}),
                                   exited(0, {{"empties", 3}, {"items", 11}}),
                                   exited(0, {{"items", 1}})});
  EXPECT_EQ(result.code, ResultCode::fail);
  EXPECT_EQ(result.reasons, (std::vector<std::string>{
                                "run 3: metric empties = 3, outside [4, 4]",
                                "run 3: metric items = 11, outside [-inf, 10]",
                                "run 4: metric empties missing, expected in [4, 4]",
                            }));
}

TEST(Verdict, SampleBoundsHoldOnEachRunsMedian) {
  CaseSpec spec = make_spec();
  spec.runs = 3;
  spec.sample_bounds["put"] = MetricBound{std::nullopt, 10};
  auto with_samples = [](std::vector<double> values) {
    NormalizedRun run = exited(0);
    if (!values.empty()) run.samples["put"] = std::move(values);
    return run;
  };
  // One slow outlier does not move a median.
  EXPECT_EQ(judge(spec, {with_samples({1, 2, 500}), with_samples({9, 10, 11})}).code, ResultCode::pass);
  CaseResult result = judge(spec, {with_samples({1, 2, 3}), with_samples({11, 12, 1}), with_samples({})});
  EXPECT_EQ(result.code, ResultCode::fail);
  EXPECT_EQ(result.reasons, (std::vector<std::string>{
                                "run 2: median of samples put = 11, outside [-inf, 10]",
                                "run 3: median of samples put missing, expected in [-inf, 10]",
                            }));
}

TEST(Verdict, AnOverridesBoundsHoldOnlyWhereItApplies) {
  CaseSpec spec = make_spec();
  Override gil = make_override(std::nullopt, Impl::python);
  gil.metric_bounds["parallelism"] = MetricBound{std::nullopt, 1.5};
  gil.sample_bounds["put"] = MetricBound{std::nullopt, 10};
  spec.overrides = {gil};
  auto run = [](double parallelism, double put) {
    NormalizedRun result = exited(0, {{"parallelism", parallelism}});
    result.samples["put"] = {put};
    return result;
  };
  EXPECT_EQ(judge(spec, {run(1.9, 50)}, std::nullopt, StartMethod::fork, Impl::cpp).code, ResultCode::pass);
  EXPECT_EQ(judge(spec, {run(1.0, 5)}, std::nullopt, StartMethod::fork, Impl::python).code, ResultCode::pass);
  CaseResult result = judge(spec, {run(1.9, 50)}, std::nullopt, StartMethod::fork, Impl::python);
  EXPECT_EQ(result.code, ResultCode::fail);
  EXPECT_EQ(result.reasons, (std::vector<std::string>{
                                "metric parallelism = 1.9, outside [-inf, 1.5]",
                                "median of samples put = 50, outside [-inf, 10]",
                            }));
}

TEST(Verdict, MissingMetricsOfAHungRunAreNotCountedTwice) {
  CaseSpec spec = make_spec();
  spec.metric_bounds["n"] = MetricBound{1, std::nullopt};
  spec.expected_outcomes = {*Outcome::parse("hang")};
  EXPECT_EQ(judge(spec, {hung()}).code, ResultCode::pass);
  spec.expected_outcomes = {Outcome{}};
  CaseResult crashed = judge(spec, {killed(11)});
  EXPECT_EQ(crashed.code, ResultCode::crash);
  EXPECT_EQ(crashed.reasons.size(), 1u);
}

TEST(Verdict, LeaksFail) {
  NormalizedRun leaky = exited(0);
  leaky.record.leaked_processes = {ProcessInfo{4321, 1, "python3 case.py"}};
  leaky.record.leaked_shm = {"psm_abc"};
  CaseResult result = judge(make_spec(), {leaky});
  EXPECT_EQ(result.code, ResultCode::fail);
  EXPECT_EQ(result.reasons, (std::vector<std::string>{"leaked process 4321: python3 case.py",
                                                      "leaked shared memory /dev/shm/psm_abc"}));
  // A tree the harness killed at the timeout did not leak.
  CaseSpec hangs = make_spec();
  hangs.expected_outcomes = {*Outcome::parse("hang")};
  NormalizedRun killed_tree = hung();
  killed_tree.record.leaked_processes = {ProcessInfo{4322, 4321, "python3 case.py"}};
  EXPECT_EQ(judge(hangs, {killed_tree}).code, ResultCode::pass);
  // Nor did a program killed by a signal as expected: it could not clean up.
  CaseSpec crashes = make_spec();
  crashes.expected_outcomes = {*Outcome::parse("crash")};
  NormalizedRun crashed = killed(11);
  crashed.record.leaked_shm = {"sem.mp-1"};
  EXPECT_EQ(judge(crashes, {crashed}).code, ResultCode::pass);
}

TEST(Verdict, RunsOverOneMustAllSatisfyTheOutcomeSet) {
  CaseSpec spec = make_spec();
  spec.runs = 5;
  spec.expected_outcomes = {*Outcome::parse("exit:0"), *Outcome::parse("exit:1")};
  std::vector<NormalizedRun> mixed{exited(0), exited(1), exited(0), exited(1), exited(0)};
  CaseResult pass = judge(spec, mixed);
  EXPECT_EQ(pass.code, ResultCode::pass);
  EXPECT_EQ(pass.expected_outcome, "exit:0 | exit:1");
  EXPECT_EQ(pass.outcome_histogram, (Histogram{{"exit:0", 3}, {"exit:1", 2}}));

  mixed[2] = exited(2);
  CaseResult fail = judge(spec, mixed);
  EXPECT_EQ(fail.code, ResultCode::fail);
  EXPECT_EQ(fail.reasons, std::vector<std::string>{"run 3: outcome exit:2, expected exit:0 | exit:1"});
}

TEST(Verdict, CarriesHistogramsAndTheMedianWallTime) {
  CaseSpec spec = make_spec();
  spec.runs = 4;
  CaseResult result = judge(spec, {exited(0, {{"seen", 3}}, 0.4), exited(0, {{"seen", 10}}, 0.1),
                                   exited(0, {{"seen", 3}, {"rate", 0.5}}, 0.2), exited(0, {}, 0.3)});
  EXPECT_EQ(result.code, ResultCode::pass);
  EXPECT_EQ(result.outcome_histogram, (Histogram{{"exit:0", 4}}));
  EXPECT_EQ(result.metric_histograms,
            (std::map<std::string, Histogram>{{"seen", {{"3", 2}, {"10", 1}}}, {"rate", {{"0.5", 1}}}}));
  EXPECT_DOUBLE_EQ(result.median_wall_s, 0.25);
  EXPECT_FALSE(result.ratio_to_python);
}

TEST(ResultCodes, OnlyPassXfailAndSkipAreSuccess) {
  for (ResultCode code : {ResultCode::pass, ResultCode::xfail, ResultCode::skip})
    EXPECT_FALSE(is_failure(code)) << to_string(code);
  for (ResultCode code : {ResultCode::fail, ResultCode::xpass, ResultCode::timeout, ResultCode::crash,
                          ResultCode::unresolved, ResultCode::reference_changed})
    EXPECT_TRUE(is_failure(code)) << to_string(code);
  EXPECT_EQ(to_string(ResultCode::reference_changed), "REFERENCE-CHANGED");
}

TEST(ResultCodes, TheTableDescribesEveryCodeOnce) {
  std::set<std::string_view> names;
  for (const ResultCodeInfo& entry : all_result_codes()) {
    EXPECT_EQ(&info(entry.code), &entry);
    EXPECT_TRUE(names.insert(entry.name).second) << entry.name;
    // A success is never reported as a JUnit failure or error, and a failure always is one.
    bool junit_failure = entry.junit == JunitElement::failure || entry.junit == JunitElement::error;
    EXPECT_EQ(entry.is_failure, junit_failure) << entry.name;
    // Remapping is idempotent: an expected failure is not remapped twice.
    EXPECT_EQ(info(entry.under_xfail).under_xfail, entry.under_xfail) << entry.name;
  }
  EXPECT_EQ(names.size(), 9u);
  EXPECT_EQ(info(ResultCode::pass).under_xfail, ResultCode::xpass);
  for (ResultCode code : {ResultCode::fail, ResultCode::timeout, ResultCode::crash})
    EXPECT_EQ(info(code).under_xfail, ResultCode::xfail) << to_string(code);
  for (ResultCode code : {ResultCode::unresolved, ResultCode::skip, ResultCode::reference_changed})
    EXPECT_EQ(info(code).under_xfail, code) << to_string(code);
  EXPECT_EQ(info(ResultCode::unresolved).junit, JunitElement::error);
  EXPECT_EQ(info(ResultCode::skip).junit, JunitElement::skipped);
  // The verdict's order of precedence.
  const ResultCode ranked[] = {ResultCode::pass, ResultCode::reference_changed, ResultCode::fail,
                               ResultCode::timeout, ResultCode::crash, ResultCode::unresolved};
  for (std::size_t i = 1; i < std::size(ranked); ++i)
    EXPECT_LT(info(ranked[i - 1]).severity, info(ranked[i]).severity) << to_string(ranked[i]);
}

// Issue 13: two outputs cut at the capture limit compare equal; the run itself must fail.
TEST(Verdict, OutputPastTheCaptureLimitFails) {
  NormalizedRun run = exited(0);
  run.record.stdout_bytes = capture_limit_bytes + 1;
  CaseResult result = judge(make_spec(), {run}, OutputComparison{Comparison{true, ""},
                                                                 OutputComparison::Against::other_impl});
  EXPECT_EQ(result.code, ResultCode::fail);
  ASSERT_EQ(result.reasons.size(), 1u);
  EXPECT_NE(result.reasons[0].find("output exceeds the capture limit"), std::string::npos);
  NormalizedRun at_limit = exited(0);
  at_limit.record.stdout_bytes = capture_limit_bytes;
  EXPECT_EQ(judge(make_spec(), {at_limit}).code, ResultCode::pass);
}

namespace {

MetricBound some_run(std::optional<double> min, std::optional<double> max) {
  MetricBound bound;
  bound.some_run_min = min;
  bound.some_run_max = max;
  return bound;
}

OutputComparison same_output_with(std::vector<VariableComparison> distributions) {
  OutputComparison comparison{Comparison{true, ""}, OutputComparison::Against::other_impl};
  comparison.distributions = std::move(distributions);
  return comparison;
}

std::vector<VariableComparison> always_zero_against_always_ten() {
  return compare_distributions(Histogram{{"exit:0", 10}}, Histogram{{"exit:0", 10}},
                               {{"visible", Histogram{{"0", 10}}}}, {{"visible", Histogram{{"10", 10}}}});
}

}  // namespace

TEST(Verdict, SomeRunMustReachTheRaceItClaims) {
  CaseSpec spec = make_spec();
  spec.runs = 3;
  spec.metric_bounds["lost_updates"] = some_run(1, std::nullopt);
  EXPECT_EQ(judge(spec, {exited(0, {{"lost_updates", 0}}), exited(0, {{"lost_updates", 7}})}).code,
            ResultCode::pass);
  CaseResult never = judge(spec, {exited(0, {{"lost_updates", 0}}), exited(0, {{"lost_updates", 0}})});
  EXPECT_EQ(never.code, ResultCode::fail);
  EXPECT_EQ(never.reasons, (std::vector<std::string>{
                               "metric lost_updates never reached 1 in 2 runs (highest 0): the race was "
                               "not observed"}));
  spec.metric_bounds["lost_updates"] = some_run(std::nullopt, 0);
  EXPECT_EQ(judge(spec, {exited(0, {{"lost_updates", 3}}), exited(0, {{"lost_updates", 0}})}).code,
            ResultCode::pass);
  EXPECT_EQ(judge(spec, {exited(0, {{"lost_updates", 3}})}).code, ResultCode::fail);
}

TEST(Verdict, DistributionFailsOnlyWhereTheCaseAsksForIt) {
  CaseSpec spec = make_spec();
  spec.runs = 10;
  std::vector<NormalizedRun> runs(10, exited(0, {{"visible", 10}}));
  const auto distributions = always_zero_against_always_ten();

  CaseResult reported = judge(spec, runs, same_output_with(distributions));
  EXPECT_EQ(reported.code, ResultCode::pass);  // compare = "none": reported, never a failure
  EXPECT_EQ(reported.distributions.size(), 2u);

  spec.distribution.compare = DistributionCompare::support;
  CaseResult support = judge(spec, runs, same_output_with(distributions));
  EXPECT_EQ(support.code, ResultCode::fail);
  ASSERT_EQ(support.reasons.size(), 1u);
  EXPECT_NE(support.reasons[0].find("distribution differs from python's: visible: "), std::string::npos);
  EXPECT_NE(support.reasons[0].find("python {0: 10} / cpp {10: 10}"), std::string::npos) << support.reasons[0];

  spec.distribution.compare = DistributionCompare::test;
  EXPECT_EQ(judge(spec, runs, same_output_with(distributions)).code, ResultCode::fail);

  Override off = make_override(std::nullopt, Impl::cpp);
  off.compare = false;
  spec.overrides.push_back(off);
  EXPECT_EQ(judge(spec, runs, same_output_with(distributions)).code, ResultCode::pass);
}

// An override's distribution_exempt lets one variable diverge there (its reason shown), not others.
TEST(Verdict, DistributionExemptVariablesDoNotFailWhereTheOverrideApplies) {
  CaseSpec spec = make_spec();
  spec.runs = 10;
  spec.distribution.compare = DistributionCompare::support;
  std::vector<NormalizedRun> runs(10, exited(0, {{"visible", 10}}));
  const auto distributions = always_zero_against_always_ten();

  Override exempt = make_override(StartMethod::fork, Impl::cpp);
  exempt.distribution_exempt = {"visible"};
  exempt.reason = "mp flushes before get_nowait";
  spec.overrides.push_back(exempt);
  CaseResult exempted = judge(spec, runs, same_output_with(distributions));
  EXPECT_EQ(exempted.code, ResultCode::pass) << (exempted.reasons.empty() ? "" : exempted.reasons[0]);
  EXPECT_EQ(exempted.override_reason, "mp flushes before get_nowait");
  EXPECT_EQ(exempted.distributions.size(), 2u) << "still reported";

  spec.overrides[0].distribution_exempt = {"outcome"};
  EXPECT_EQ(judge(spec, runs, same_output_with(distributions)).code, ResultCode::fail);
  spec.overrides[0].distribution_exempt = {"visible"};
  spec.overrides[0].start_method = StartMethod::spawn;
  EXPECT_EQ(judge(spec, runs, same_output_with(distributions)).code, ResultCode::fail) << "fork is not exempt";
}

TEST(Verdict, DistributionTestFailsBelowAlphaOnly) {
  CaseSpec spec = make_spec();
  spec.distribution.compare = DistributionCompare::test;
  // Same support, shifted shares: 8 of 10 against 2 of 10 (p about 0.02 by the exact test).
  auto shifted = compare_distributions(Histogram{{"exit:0", 10}}, Histogram{{"exit:0", 10}},
                                       {{"v", Histogram{{"0", 8}, {"1", 2}}}},
                                       {{"v", Histogram{{"0", 2}, {"1", 8}}}});
  std::vector<NormalizedRun> runs(10, exited(0, {{"v", 1}}));
  spec.distribution.alpha = 0.01;
  EXPECT_EQ(judge(spec, runs, same_output_with(shifted)).code, ResultCode::pass);
  spec.distribution.alpha = 0.05;
  EXPECT_EQ(judge(spec, runs, same_output_with(shifted)).code, ResultCode::fail);
}
