// The command line of list, run and show end to end: the built `parity` on the fixture cases of
// harness/tests/console_fixtures (and fixtures/ where a hang or a crash is needed), asserting
// what a user sees on the console, the exit status, the JSON and JUnit reports, and that nothing
// is left running.

#include <stdlib.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_options.hpp"
#include "parity_invocation.hpp"
#include "temp_dir.hpp"

namespace {

using namespace parity::test_support;
namespace fs = std::filesystem;
using nlohmann::json;

const fs::path console_fixtures = fs::path(PARITY_FIXTURES_DIR).parent_path() / "console_fixtures";

// args with --cases console_fixtures (and --python, but for list which runs nothing).
std::vector<std::string> on_console_fixtures(std::vector<std::string> args) {
  bool runs = args.front() != "list";
  args.push_back("--cases");
  args.push_back(console_fixtures.string());
  if (runs) {
    args.push_back("--python");
    args.push_back(PARITY_PYTHON);
  }
  return args;
}

int count_of(const std::string& text, const std::string& part) {
  int count = 0;
  for (std::size_t at = 0; (at = text.find(part, at)) != std::string::npos; at += part.size()) ++count;
  return count;
}

TEST(CommandLine, ListOfNothingIsAUsageErrorAsRunIs) {
  for (const char* command : {"list", "run"}) {
    Invocation nothing = run_parity(on_console_fixtures({command, "nosuch"}));
    EXPECT_EQ(nothing.exit_code, 2) << command << "\n" << nothing.output;
    EXPECT_NE(nothing.output.find("no case matches nosuch"), std::string::npos) << nothing.output;
  }
  Invocation bad_regex = run_parity(on_console_fixtures({"list", "re:("}));
  EXPECT_EQ(bad_regex.exit_code, 2) << bad_regex.output;
  EXPECT_NE(bad_regex.output.find("not a regular expression"), std::string::npos) << bad_regex.output;
  Invocation no_tag = run_parity(on_console_fixtures({"list", "--tag", "nosuch"}));
  EXPECT_EQ(no_tag.exit_code, 2) << no_tag.output;
}

// `--cases DIR FILTER`: one root per --cases, the filter stays a filter (it used to be taken for a
// second root, "Directory does not exist").
TEST(CommandLine, CasesTakesOneDirectory) {
  Invocation listed = run_parity({"list", "--cases", console_fixtures.string(), "stderr/"});
  EXPECT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("2 cases"), std::string::npos) << listed.output;
}

TEST(CommandLine, ListJsonTagExcludeAndRegexFilters) {
  Invocation listed = run_parity(on_console_fixtures({"list", "--json"}));
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  json cases = json::parse(listed.output);
  ASSERT_EQ(cases.size(), 3u) << listed.output;
  EXPECT_EQ(cases[0]["id"], "racy/sometimes");
  EXPECT_EQ(cases[1]["tags"], json::array({"fixture", "clean"}));
  EXPECT_EQ(cases[2]["start_methods"], json::array({"fork", "spawn", "forkserver"}));

  auto ids = [](const std::vector<std::string>& args) {
    Invocation run = run_parity(on_console_fixtures(args));
    std::vector<std::string> found;
    if (run.exit_code != 0) return std::vector<std::string>{"exit " + std::to_string(run.exit_code) + ": " + run.output};
    for (const auto& entry : json::parse(run.output)) found.push_back(entry["id"]);
    return found;
  };
  using Ids = std::vector<std::string>;
  EXPECT_EQ(ids({"list", "--json", "--tag", "racy", "--tag", "clean"}), (Ids{"racy/sometimes", "stderr/clean"}));
  EXPECT_EQ(ids({"list", "--json", "--exclude", "stderr/"}), (Ids{"racy/sometimes"}));
  EXPECT_EQ(ids({"list", "--json", "--exclude", "*/clean", "stderr"}), (Ids{"stderr/traceback"}));
  EXPECT_EQ(ids({"list", "--json", "re:^stderr/(c|t)"}), (Ids{"stderr/clean", "stderr/traceback"}));
  EXPECT_EQ(ids({"list", "--json", "re:n$"}), (Ids{"stderr/clean"}));
}

// A CI log: failures in full as they come, compact progress, then one folded block per alike
// failure with both sides' stderr tails and rerun commands; -q leaves out the table, -v adds
// every result.
TEST(CommandLine, RunConsoleForLogs) {
  Invocation run = run_parity(on_console_fixtures({"run", "stderr/", "-j", "2", "--no-reference"}));
  ASSERT_FALSE(run.deadline_hit) << run.output;
  EXPECT_EQ(run.exit_code, 1) << run.output;
  expect_no_process_left(run);
  const std::string& text = run.output;
  EXPECT_EQ(text.find("\033["), std::string::npos) << "no colour off a TTY";
  EXPECT_EQ(count_of(text, "stderr/traceback ["), 6 + 1) << "6 failure lines, 1 block\n" << text;
  EXPECT_EQ(text.find("stderr/clean [fork] python PASS"), std::string::npos) << text;
  EXPECT_NE(text.find("[8/8] "), std::string::npos) << text;
  EXPECT_NE(text.find("FAIL stderr/traceback [fork, spawn, forkserver] python, cpp  (alike; shown: [fork] python)\n"
                      "  outcome exit:1, expected exit:0\n"
                      "  stderr of python (last 20 of 30 lines):\n"
                      "    | stderr line 11\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("    | stderr line 30\n  stderr of cpp (last 20 of 30 lines):\n    | stderr line 11\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("  rerun python: cd " + (console_fixtures / "stderr/traceback").string()), std::string::npos)
      << text;
  EXPECT_NE(text.find("  rerun cpp: cd "), std::string::npos) << text;
  EXPECT_NE(text.find("median wall time"), std::string::npos) << text;

  Invocation quiet = run_parity(on_console_fixtures({"run", "stderr/", "-q", "--no-reference"}));
  EXPECT_EQ(quiet.exit_code, 1) << quiet.output;
  EXPECT_EQ(quiet.output.find("median wall time"), std::string::npos) << quiet.output;
  EXPECT_EQ(quiet.output.find("[1/8]"), std::string::npos) << quiet.output;
  EXPECT_NE(quiet.output.find("FAIL stderr/traceback [fork, spawn, forkserver]"), std::string::npos);
  EXPECT_NE(quiet.output.find("8 results: 6 FAIL, 2 PASS."), std::string::npos) << quiet.output;

  Invocation verbose = run_parity(on_console_fixtures({"run", "stderr/clean", "-v", "--no-reference"}));
  EXPECT_EQ(verbose.exit_code, 0) << verbose.output;
  EXPECT_NE(verbose.output.find("stderr/clean [fork] python PASS ("), std::string::npos) << verbose.output;
  EXPECT_NE(verbose.output.find("stderr/clean [fork] cpp PASS ("), std::string::npos) << verbose.output;
  EXPECT_EQ(run_parity(on_console_fixtures({"run", "-q", "-v", "stderr/clean"})).exit_code, 2);
}

TEST(CommandLine, ColourAlwaysNeverAndNoColor) {
  Invocation always = run_parity(on_console_fixtures({"run", "stderr/clean", "--color", "always", "--no-reference"}));
  EXPECT_NE(always.output.find("\033[32mOK\033[0m"), std::string::npos) << always.output;
  Invocation never = run_parity(on_console_fixtures({"run", "stderr/clean", "--color", "never", "--no-reference"}));
  EXPECT_EQ(never.output.find("\033["), std::string::npos) << never.output;
  EXPECT_EQ(run_parity(on_console_fixtures({"run", "stderr/clean", "--color", "sometimes"})).exit_code, 2);

  // auto: colour on a TTY unless NO_COLOR is set and not empty; the flag wins over NO_COLOR.
  parity::CommandLine line;
  ::unsetenv("NO_COLOR");
  EXPECT_TRUE(line.color_enabled(true));
  EXPECT_FALSE(line.color_enabled(false));
  ::setenv("NO_COLOR", "", 1);
  EXPECT_TRUE(line.color_enabled(true));
  ::setenv("NO_COLOR", "1", 1);
  EXPECT_FALSE(line.color_enabled(true));
  line.color = "always";
  EXPECT_TRUE(line.color_enabled(false));
  ::unsetenv("NO_COLOR");
  line.color = "never";
  EXPECT_FALSE(line.color_enabled(true));
}

// -x: after the first failing result no new program starts; the summary says what did not run.
TEST(CommandLine, MaxFailuresStopsEarly) {
  TempDir dir;
  fs::path report = dir.path() / "results.json";
  Invocation run = run_parity(on_console_fixtures(
      {"run", "-x", "-j", "1", "--no-reference", "stderr/", "--json", report.string()}));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  expect_no_process_left(run);
  json results = read_json(report);
  // Sorted planning puts stderr/clean [fork] first (passes), then stderr/traceback [fork] (fails).
  EXPECT_EQ(results["results"].size(), 4u) << run.output;
  EXPECT_NE(run.output.find("Stopped early (--max-failures): 4 results not run.\n"), std::string::npos)
      << run.output;
  Invocation two = run_parity(on_console_fixtures({"run", "--max-failures", "3", "-j", "1", "--no-reference", "stderr/"}));
  EXPECT_NE(two.output.find("Stopped early (--max-failures): 2 results not run.\n"), std::string::npos)
      << two.output;
}

// --last-failed reruns exactly the case x start methods that failed in the previous report.
TEST(CommandLine, LastFailedRerunsWhatFailed) {
  TempDir dir;
  fs::path report = dir.path() / "results.json";
  Invocation first = run_parity(on_console_fixtures(
      {"run", "stderr/clean", "stderr/traceback", "--start-method", "spawn", "--no-reference", "--json", report.string()}));
  ASSERT_EQ(first.exit_code, 1) << first.output;
  // stderr/clean does not run under spawn (SKIP); stderr/traceback [spawn] failed.
  Invocation again = run_parity(on_console_fixtures({"run", "--last-failed", "--no-reference", "--json", report.string()}));
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("parity run --last-failed: 1 case x start method failed in " + report.string()),
            std::string::npos)
      << again.output;
  auto results = results_by_key(read_json(report));
  std::vector<std::string> keys;
  for (const auto& [key, result] : results) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"stderr/traceback [spawn] cpp", "stderr/traceback [spawn] python"}));

  // Nothing failed: nothing to run.
  Invocation clean = run_parity(on_console_fixtures({"run", "stderr/clean", "--no-reference", "--json", report.string()}));
  ASSERT_EQ(clean.exit_code, 0) << clean.output;
  Invocation none = run_parity(on_console_fixtures({"run", "--last-failed", "--json", report.string()}));
  EXPECT_EQ(none.exit_code, 0) << none.output;
  EXPECT_NE(none.output.find("0 case x start methods failed"), std::string::npos) << none.output;

  std::ofstream(dir.path() / "bad.json") << "{}";
  Invocation bad = run_parity(on_console_fixtures({"run", "--last-failed", "--json", (dir.path() / "bad.json").string()}));
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("not a parity results.json"), std::string::npos) << bad.output;
}

// The JUnit file of a real run with a failure, a crash and a hang passes the schema check, and
// carries stderr, the rerun command and the stacks.
TEST(CommandLine, JunitOfARealRunPassesTheSchemaCheck) {
  TempDir dir;
  fs::path junit = dir.path() / "junit.xml";
  Invocation run = run_parity({"run", "basic/differs", "crashes/", "hangs/unexpected", "--no-reference",
                               "--cases", fixtures.string(), "--cases", console_fixtures.string(),
                               "--python", PARITY_PYTHON, "stderr/traceback", "--start-method", "fork",
                               "--junit", junit.string()});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  expect_no_process_left(run);
  // The one-line stack summary of the hang is on the console.
  EXPECT_NE(run.output.find("where each cpp process waited at the timeout"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("<- main (case.cpp:"), std::string::npos) << run.output;

  std::string command = (fs::path(PARITY_FIXTURES_DIR).parent_path() / "junit_check.py").string() + " " +
                        junit.string() + " 8 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  std::string output;
  char buffer[4096];
  while (std::size_t got = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, got);
  EXPECT_EQ(::pclose(pipe), 0) << output;
  std::ifstream in(junit);
  std::string xml((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(xml.find("<system-err>== python stderr (last 20 lines of 30)\nstderr line 11\n"), std::string::npos);
  EXPECT_NE(xml.find("stacks at the timeout:\n== pid "), std::string::npos);
  EXPECT_NE(xml.find("hostname=\""), std::string::npos);
}

}  // namespace

namespace {

TEST(Show, DidYouMeanForAMisspeltCase) {
  Invocation show = run_parity(on_console_fixtures({"show", "stderr/tracebak"}));
  EXPECT_EQ(show.exit_code, 2) << show.output;
  EXPECT_NE(show.output.find("no case matches stderr/tracebak; did you mean\n  stderr/traceback"),
            std::string::npos)
      << show.output;
  Invocation name_only = run_parity(on_console_fixtures({"show", "sometmes"}));
  EXPECT_NE(name_only.output.find("did you mean\n  racy/sometimes"), std::string::npos) << name_only.output;
}

// racy/sometimes fails on about one run in three on each side (its pid decides).
TEST(Show, RepeatShowsTheDistributionAndUntilFailStopsAtAFailure) {
  Invocation repeated = run_parity(on_console_fixtures({"show", "racy/sometimes", "--repeat", "30"}));
  EXPECT_EQ(repeated.exit_code, 1) << repeated.output;
  expect_no_process_left(repeated);
  EXPECT_NE(repeated.output.find("---- 30 runs a side"), std::string::npos) << repeated.output;
  EXPECT_NE(repeated.output.find("python: exit:0 x"), std::string::npos) << repeated.output;
  EXPECT_NE(repeated.output.find("exit:1 x"), std::string::npos) << repeated.output;
  EXPECT_NE(repeated.output.find("is the first that failed or differed; shown below"), std::string::npos)
      << repeated.output;

  Invocation until = run_parity(on_console_fixtures({"show", "racy/sometimes", "--until-fail"}));
  EXPECT_EQ(until.exit_code, 1) << until.output;
  EXPECT_NE(until.output.find(" of at most 100 failed\n"), std::string::npos) << until.output;
  EXPECT_NE(until.output.find("== racy/sometimes [fork]"), std::string::npos) << until.output;
  EXPECT_NE(until.output.find("draw bad"), std::string::npos) << until.output;

  Invocation clean = run_parity(on_console_fixtures({"show", "stderr/clean", "--until-fail", "--repeat", "3"}));
  EXPECT_EQ(clean.exit_code, 0) << clean.output;
  EXPECT_NE(clean.output.find("all 3 attempts passed"), std::string::npos) << clean.output;
}

}  // namespace
