// End-to-end tests of benchmark results and of comparing runs: the built `parity` on the fixture
// benchmark bench/spin, whose `--param slowdown=F` makes its operation F times the work. Every
// comparison asserted here is of a threefold effect, far beyond any machine noise, so the tests do
// not flake; none asserts a time.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "parity_invocation.hpp"
#include "temp_dir.hpp"

namespace {

using namespace parity::test_support;
namespace fs = std::filesystem;
using nlohmann::json;

// `parity run bench/spin` with extra arguments, its JSON report written to `report`.
Invocation run_spin(const fs::path& report, std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"run", "bench/spin", "--no-reference", "--json", report.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  Invocation run = run_parity(with_common(args));
  expect_no_process_left(run);
  return run;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// One base run and one threefold slower run, shared by the tests of this file.
class SlowdownRuns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir("parity-perf-e2e");
    base_run_ = new Invocation(run_spin(base()));
    slow_run_ = new Invocation(run_spin(slow(), {"--param", "slowdown=3", "--junit",
                                                  (dir_->path() / "slow.xml").string()}));
  }
  static void TearDownTestSuite() {
    delete slow_run_;
    delete base_run_;
    delete dir_;
  }
  static fs::path base() { return dir_->path() / "base.json"; }
  static fs::path slow() { return dir_->path() / "slow.json"; }
  static const fs::path& dir() { return dir_->path(); }
  static TempDir* dir_;
  static Invocation* base_run_;
  static Invocation* slow_run_;
};
TempDir* SlowdownRuns::dir_ = nullptr;
Invocation* SlowdownRuns::base_run_ = nullptr;
Invocation* SlowdownRuns::slow_run_ = nullptr;

TEST_F(SlowdownRuns, ReportsCarrySamplesSummariesRatiosAndMetadata) {
  ASSERT_EQ(base_run_->exit_code, 0) << base_run_->output;
  json report = read_json(base());
  auto results = results_by_key(report);
  const json& cpp = results["bench/spin [fork] cpp"];
  const json& python = results["bench/spin [fork] python"];
  ASSERT_EQ(cpp["runs"].size(), 3u);
  EXPECT_EQ(cpp["runs"][0]["samples"]["spin"].size(), 20u);
  EXPECT_EQ(cpp["runs"][0]["sample_units"]["floor.spin"], "us");
  EXPECT_TRUE(cpp["runs"][0]["lines"] == json::array({"spun"})) << cpp["runs"][0]["lines"];

  const json& spin = cpp["sample_summaries"]["spin"];
  EXPECT_EQ(spin["n"], 60);
  EXPECT_EQ(spin["unit"], "us");
  EXPECT_LE(spin["median_ci"][0].get<double>(), spin["median"].get<double>());
  EXPECT_GE(spin["median_ci"][1].get<double>(), spin["median"].get<double>());
  EXPECT_GE(spin["median_ci_coverage"].get<double>(), 0.95);
  EXPECT_GE(spin["iqr"].get<double>(), 0);
  EXPECT_EQ(python["sample_summaries"]["spin"]["n"], 60);
  EXPECT_TRUE(python["operation_ratios"].empty());
  // The floor is the same loop at slowdown 1: mp/floor is about 1 (the CI is wide open on a busy
  // machine, so only its order is asserted).
  const json& to_floor = cpp["operation_ratios"]["spin"]["to_floor"];
  ASSERT_TRUE(to_floor.is_object()) << cpp["operation_ratios"];
  EXPECT_LE(to_floor["low"].get<double>(), to_floor["ratio"].get<double>());
  EXPECT_GE(to_floor["high"].get<double>(), to_floor["ratio"].get<double>());
  EXPECT_TRUE(cpp["operation_ratios"]["spin"]["to_python"].is_object());

  const json& metadata = report["metadata"];
  EXPECT_EQ(metadata["parity_version"].get<std::string>().empty(), false);
  EXPECT_FALSE(metadata["compiler"].get<std::string>().empty());
  EXPECT_GT(metadata["cores"].get<int>(), 0);
  EXPECT_EQ(metadata["load_at_start"].size(), 3u);
  EXPECT_EQ(metadata["load_at_end"].size(), 3u);
  EXPECT_TRUE(report["startup_floor"].empty()) << "one case x start method: not measured";
  EXPECT_NE(base_run_->output.find("Performance"), std::string::npos) << base_run_->output;
  EXPECT_NE(base_run_->output.find("bench/spin spin  fork"), std::string::npos) << base_run_->output;
}

TEST_F(SlowdownRuns, JunitCarriesTheSummariesAsProperties) {
  ASSERT_EQ(slow_run_->exit_code, 0) << slow_run_->output;
  std::string junit = read_text(dir() / "slow.xml");
  EXPECT_NE(junit.find("<property name=\"sample.spin.n\" value=\"60\"/>"), std::string::npos) << junit;
  EXPECT_NE(junit.find("<property name=\"ratio.spin.to_floor\""), std::string::npos) << junit;
}

TEST_F(SlowdownRuns, CompareFlagsTheSlowdownAndExitsOne) {
  Invocation compare = run_parity({"compare", base().string(), slow().string()});
  EXPECT_EQ(compare.exit_code, 1) << compare.output;
  EXPECT_NE(compare.output.find("REGRESSED: 0 conformance regressions, 1 significant slowdown of mp"),
            std::string::npos)
      << compare.output;
  // CPython got slower too, but only mp's own operations fail the gate.
  EXPECT_NE(compare.output.find("slower (CPython)"), std::string::npos) << compare.output;

  Invocation markdown = run_parity({"compare", base().string(), slow().string(), "--markdown"});
  EXPECT_EQ(markdown.exit_code, 1);
  EXPECT_NE(markdown.output.find("### parity: regressed"), std::string::npos) << markdown.output;
  EXPECT_NE(markdown.output.find("| bench/spin [fork] cpp | spin |"), std::string::npos) << markdown.output;

  // The other way round it is a speed-up: clean.
  Invocation reverse = run_parity({"compare", slow().string(), base().string()});
  EXPECT_EQ(reverse.exit_code, 0) << reverse.output;
  EXPECT_NE(reverse.output.find("faster"), std::string::npos) << reverse.output;
  // A threefold slowdown is not beyond a 250% minimum effect.
  Invocation lenient = run_parity({"compare", base().string(), slow().string(), "--min-effect", "2.5"});
  EXPECT_EQ(lenient.exit_code, 0) << lenient.output;
}

TEST_F(SlowdownRuns, RunAgainstABaselineJudgesAtTheEnd) {
  Invocation slower = run_spin(dir() / "again.json",
                               {"--param", "slowdown=3", "--baseline", base().string(), "--markdown",
                                (dir() / "comparison.md").string()});
  EXPECT_EQ(slower.exit_code, 1) << slower.output;
  EXPECT_NE(slower.output.find("1 significant slowdown of mp"), std::string::npos) << slower.output;
  EXPECT_NE(read_text(dir() / "comparison.md").find("**slower**"), std::string::npos);

  Invocation faster = run_spin(dir() / "again.json", {"--baseline", slow().string()});
  EXPECT_EQ(faster.exit_code, 0) << faster.output;
  EXPECT_NE(faster.output.find("CLEAN"), std::string::npos) << faster.output;
}

// A build tree like this one whose compiles of the fixture define PARITY_FIXTURE_SLOWDOWN: its
// configuration with one definition added (the same compiler, flags and libraries).
fs::path build_with_slowdown(const fs::path& dir, const std::string& slowdown) {
  json config = read_json(fs::path(PARITY_BUILD_DIR) / "parity_build_config.json");
  config["definitions"].push_back("PARITY_FIXTURE_SLOWDOWN=" + slowdown);
  fs::create_directories(dir);
  std::ofstream(dir / "parity_build_config.json") << config.dump();
  return dir;
}

TEST(PerfEndToEnd, AgainstBuildComparesTheTwoBuildsInterleaved) {
  TempDir dir;
  // The other build's loop does a third of the work: this build is three times slower.
  fs::path fast = build_with_slowdown(dir.path() / "fast", "(1.0/3)");
  Invocation slower = run_spin(dir.path() / "slower.json",
                               {"--against-build", fast.string(), "--markdown", (dir.path() / "c.md").string()});
  EXPECT_EQ(slower.exit_code, 1) << slower.output;
  EXPECT_NE(slower.output.find("base build " + fast.string()), std::string::npos) << slower.output;
  EXPECT_NE(slower.output.find("1 significant slowdown of mp"), std::string::npos) << slower.output;
  EXPECT_NE(read_text(dir.path() / "c.md").find("**slower**"), std::string::npos);
  // Only the cpp side ran, and only this build's results are reported.
  auto results = results_by_key(read_json(dir.path() / "slower.json"));
  ASSERT_EQ(results.size(), 1u) << slower.output;
  EXPECT_EQ(results.begin()->first, "bench/spin [fork] cpp");
  EXPECT_EQ(results.begin()->second["result"], "PASS");
  EXPECT_EQ(results.begin()->second["runs"].size(), 3u);

  // The other build three times slower: this one is faster, clean.
  fs::path slow = build_with_slowdown(dir.path() / "slow", "3");
  Invocation faster = run_spin(dir.path() / "faster.json", {"--against-build", slow.string()});
  EXPECT_EQ(faster.exit_code, 0) << faster.output;
  EXPECT_NE(faster.output.find("faster"), std::string::npos) << faster.output;

  EXPECT_EQ(run_parity(with_common({"run", "bench/spin", "--against-build", dir.path().string()})).exit_code, 2)
      << "not a build tree";
  EXPECT_EQ(run_parity(with_common({"run", "bench/spin", "--against-build", fast.string(), "--impl", "python"}))
                .exit_code,
            2);
}

TEST(PerfEndToEnd, CompareFindsConformanceRegressions) {
  TempDir dir;
  auto write = [&](const char* name, const char* result) {
    json report = {{"schema", "parity-report/1"},
                   {"results",
                    {{{"case", "basic/passes"}, {"start_method", "fork"}, {"impl", "cpp"}, {"result", result}}}}};
    std::ofstream(dir.path() / name) << report.dump();
    return (dir.path() / name).string();
  };
  std::string passed = write("passed.json", "PASS");
  std::string failed = write("failed.json", "FAIL");
  Invocation regression = run_parity({"compare", passed, failed});
  EXPECT_EQ(regression.exit_code, 1) << regression.output;
  EXPECT_NE(regression.output.find("regression  basic/passes [fork] cpp  PASS -> FAIL"), std::string::npos)
      << regression.output;
  Invocation fix = run_parity({"compare", failed, passed});
  EXPECT_EQ(fix.exit_code, 0) << fix.output;
  EXPECT_NE(fix.output.find("fix"), std::string::npos) << fix.output;
}

TEST(PerfEndToEnd, UsageErrorsExitTwo) {
  TempDir dir;
  std::ofstream(dir.path() / "not.json") << "{ nope";
  EXPECT_EQ(run_parity({"compare", (dir.path() / "missing.json").string(), (dir.path() / "not.json").string()})
                .exit_code,
            2);
  EXPECT_EQ(run_parity({"compare", (dir.path() / "not.json").string(), (dir.path() / "not.json").string()})
                .exit_code,
            2);
  EXPECT_EQ(run_parity(with_common({"run", "bench/spin", "--baseline", (dir.path() / "missing.json").string()}))
                .exit_code,
            2);
  EXPECT_EQ(run_parity(with_common({"run", "bench/spin", "--param", "noequals"})).exit_code, 2);
  EXPECT_EQ(run_parity({"compare", "a.json", "b.json", "--max-p", "0"}).exit_code, 2);
  Invocation version = run_parity({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("parity ", 0), 0u) << version.output;
}

}  // namespace
