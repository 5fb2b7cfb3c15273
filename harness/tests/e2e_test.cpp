// End-to-end self-tests: the built `parity` (PARITY_EXE) on the fixture cases under
// harness/tests/fixtures, asserting the exact classification of each fixture from the JSON report,
// the exit status, and that no process of the run is left afterwards.
//
// Each invocation gets a unique PARITY_E2E_TOKEN in its environment; every process of its tree
// inherits it, so "nothing left" is checked by scanning /proc/*/environ for the token.

#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "parity_invocation.hpp"
#include "temp_dir.hpp"

namespace {

using namespace parity::test_support;
namespace fs = std::filesystem;
using nlohmann::json;

// The leftover check itself: a process carrying the token is found (so "nothing found" means
// something).
TEST(EndToEnd, LeftoverScanFindsAProcessCarryingTheToken) {
  std::string token = unique_token();
  std::string entry = "PARITY_E2E_TOKEN=" + token;
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::putenv(entry.data());
    ::execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::vector<int> found;
  for (int attempt = 0; attempt < 100 && found.empty(); ++attempt) {
    found = processes_with_token(token);
    if (found.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  EXPECT_EQ(found, std::vector<int>{pid});
  EXPECT_TRUE(processes_with_token(token).empty());
}

// Every SysV IPC object on the machine, one line each (/proc/sysvipc/{shm,sem,msg} minus headers).
std::vector<std::string> sysv_objects() {
  std::vector<std::string> objects;
  for (const char* kind : {"shm", "sem", "msg"}) {
    std::ifstream in(std::string("/proc/sysvipc/") + kind);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) objects.push_back(std::string(kind) + ": " + line);
  }
  return objects;
}

std::vector<std::string> entries_of(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

// No core file ("core", "core.<pid>": core_pattern "core" writes them into the crashing process's
// working directory, the case's) under the fixtures; any found is reported and removed.
void expect_no_core_files_under_fixtures() {
  std::vector<fs::path> cores;
  for (const auto& entry : fs::recursive_directory_iterator(fixtures)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && (name == "core" || name.rfind("core.", 0) == 0) &&
        entry.path().extension() != ".cpp" && entry.path().extension() != ".py")
      cores.push_back(entry.path());
  }
  for (const auto& core : cores) {
    ADD_FAILURE() << "core file left: " << core;
    fs::remove(core);
  }
}

// Lets the programs parity starts dump core as far as this process goes (soft RLIMIT_CORE up to
// the hard limit), so that "no core file" shows parity's own limit; restores the old limit.
class CoreDumpsAllowed {
 public:
  CoreDumpsAllowed() {
    ::getrlimit(RLIMIT_CORE, &saved_);
    rlimit raised = saved_;
    raised.rlim_cur = raised.rlim_max;
    ::setrlimit(RLIMIT_CORE, &raised);
  }
  ~CoreDumpsAllowed() { ::setrlimit(RLIMIT_CORE, &saved_); }
  bool allowed() const { return saved_.rlim_max != 0; }

 private:
  rlimit saved_{};
};

TEST(EndToEnd, RunClassifiesEveryFixtureExactly) {
  CoreDumpsAllowed cores;
  TempDir dir;
  // Issue 13: nothing of the run may be left anywhere. parity and its runs put their temporary
  // files under $TMPDIR: a directory of the test's, empty again afterwards.
  fs::path tmpdir = dir.path() / "tmp";
  fs::create_directory(tmpdir);
  const std::vector<std::string> sysv_before = sysv_objects();
  ::setenv("TMPDIR", tmpdir.c_str(), 1);
  Invocation run = run_parity(with_common({"run", "-j", "2", "--no-reference", "--json",
                                           (dir.path() / "report.json").string(), "--junit",
                                           (dir.path() / "junit.xml").string()}));
  ::unsetenv("TMPDIR");
  ASSERT_FALSE(run.deadline_hit) << run.output;
  EXPECT_EQ(run.exit_code, 1) << run.output;
  expect_no_process_left(run);
  EXPECT_EQ(entries_of(tmpdir), std::vector<std::string>{});
  EXPECT_EQ(sysv_objects(), sysv_before);
  expect_no_core_files_under_fixtures();
  for (const auto& name : entries_of("/dev/shm")) {
    EXPECT_NE(name, "parity_fixture_leftover");
    // A run's private /dev/shm is ".parity-<parity pid>_<n>": none may outlive its parity (other
    // parity processes on the machine may have theirs meanwhile).
    if (name.rfind(".parity-", 0) == 0) {
      const int owner = std::atoi(name.c_str() + 8);
      EXPECT_TRUE(owner > 0 && (::kill(owner, 0) == 0 || errno != ESRCH)) << name;
    }
  }

  json report = read_json(dir.path() / "report.json");
  EXPECT_EQ(report["schema"], "parity-report/1");
  EXPECT_EQ(report["success"], false);
  auto results = results_by_key(report);

  std::map<std::string, std::string> expected;
  for (const char* method : {"fork", "spawn", "forkserver"}) {
    for (const char* impl : {"python", "cpp"}) {
      expected[std::string("basic/passes [") + method + "] " + impl] = "PASS";
      expected[std::string("pids/positions [") + method + "] " + impl] = "PASS";
      expected[std::string("malformed/unknown_key [") + method + "] " + impl] = "UNRESOLVED";
      expected[std::string("malformed/wrong_type [") + method + "] " + impl] = "UNRESOLVED";
      for (const char* hostile : {"deep_key", "timeout_overflow", "toml_directory"})
        expected[std::string("hostile/") + hostile + " [" + method + "] " + impl] = "UNRESOLVED";
    }
  }
  expected["basic/differs [fork] python"] = "PASS";
  expected["basic/differs [fork] cpp"] = "FAIL";
  for (const char* impl : {"python", "cpp"}) {
    expected[std::string("hangs/unexpected [fork] ") + impl] = "TIMEOUT";
    expected[std::string("hangs/expected [fork] ") + impl] = "PASS";
    expected[std::string("hangs/expected [spawn] ") + impl] = "PASS";
    expected[std::string("crashes/segfault [fork] ") + impl] = "CRASH";
    expected[std::string("bench/spin [fork] ") + impl] = "PASS";
    expected[std::string("leaks/grandchild [fork] ") + impl] = "FAIL";
    expected[std::string("hostile/regex_rules [fork] ") + impl] = "PASS";
    expected[std::string("hostile/capture_limit [fork] ") + impl] = "FAIL";
    expected[std::string("hostile/leftovers [fork] ") + impl] = "FAIL";
    expected[std::string("hostile/signals_parent [fork] ") + impl] = "PASS";
  }

  std::map<std::string, std::string> actual;
  for (const auto& [key, result] : results) actual[key] = result["result"].get<std::string>();
  EXPECT_EQ(actual, expected) << run.output;

  if (results.count("basic/differs [fork] cpp")) {
    std::string diff = results["basic/differs [fork] cpp"]["diff"];
    EXPECT_NE(diff.find("-answer 42"), std::string::npos) << diff;
    EXPECT_NE(diff.find("+answer 43"), std::string::npos) << diff;
    EXPECT_NE(run.output.find("+answer 43"), std::string::npos) << "console shows the diff";
  }
  for (const char* impl : {"python", "cpp"}) {
    std::string key = std::string("leaks/grandchild [fork] ") + impl;
    if (!results.count(key)) continue;
    EXPECT_NE(joined_reasons(results[key]).find("leak"), std::string::npos)
        << joined_reasons(results[key]);
    EXPECT_FALSE(results[key]["runs"][0]["leaked_processes"].empty());
  }
  // Issue 13: the hostile fixtures' reasons, and a report that stays small although each capture
  // limit run printed 64 MiB.
  for (const char* impl : {"python", "cpp"}) {
    std::string key = std::string("hostile/capture_limit [fork] ") + impl;
    if (results.count(key)) {
      EXPECT_NE(joined_reasons(results[key]).find("output exceeds the capture limit"), std::string::npos)
          << joined_reasons(results[key]);
    }
    key = std::string("hostile/regex_rules [fork] ") + impl;
    if (results.count(key)) {
      EXPECT_EQ(results[key]["runs"][0]["lines"],
                json::parse(R"(["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "A", "XY"])"));
    }
    key = std::string("hostile/leftovers [fork] ") + impl;
    if (results.count(key)) {
      EXPECT_EQ(results[key]["runs"][0]["lines"], json::parse(R"(["sysv True", "posix True", "tmp True"])"));
      EXPECT_NE(joined_reasons(results[key]).find("leaked shared memory /dev/shm/parity_fixture_leftover\n"),
                std::string::npos);
    }
  }
  // Issue 16: an expected hang ends once its tree is quiet (hang_after_quiet_s = 0.2, timeout 5 s),
  // without stacks; an unexpected one waits its timeout and gets them.
  for (const char* impl : {"python", "cpp"}) {
    for (const char* method : {"fork", "spawn"}) {
      const json& run = results[std::string("hangs/expected [") + method + "] " + impl]["runs"][0];
      EXPECT_EQ(run["hung_quiet"], true) << run.dump();
      EXPECT_LT(run["wall_s"].get<double>(), 4.0) << run.dump();
      EXPECT_EQ(run["stacks"], "") << run.dump();
    }
    const json& unexpected = results[std::string("hangs/unexpected [fork] ") + impl]["runs"][0];
    EXPECT_EQ(unexpected["hung_quiet"], false);
    EXPECT_GE(unexpected["wall_s"].get<double>(), 1.0);
    EXPECT_NE(unexpected["stacks"].get<std::string>().find("== pid "), std::string::npos) << unexpected.dump();
  }
  EXPECT_NE(joined_reasons(results["hostile/deep_key [fork] cpp"]).find("deep_key/case.toml:5:"),
            std::string::npos);
  EXPECT_LT(fs::file_size(dir.path() / "report.json"), 4u << 20);
  for (const char* method : {"fork", "spawn", "forkserver"}) {
    std::string unknown = std::string("malformed/unknown_key [") + method + "] cpp";
    std::string wrong = std::string("malformed/wrong_type [") + method + "] python";
    if (results.count(unknown)) {
      EXPECT_NE(joined_reasons(results[unknown]).find("unknown_key/case.toml:5"), std::string::npos)
          << joined_reasons(results[unknown]);
    }
    if (results.count(wrong)) {
      EXPECT_NE(joined_reasons(results[wrong]).find("wrong_type/case.toml:4"), std::string::npos)
          << joined_reasons(results[wrong]);
    }
  }
  if (results.count("basic/passes [spawn] cpp")) {
    const json& passes = results["basic/passes [spawn] cpp"];
    EXPECT_TRUE(passes["ratio_to_python"].is_number());
    EXPECT_GT(passes["median_wall_s"].get<double>(), 0);
    EXPECT_EQ(passes["runs"][0]["metrics"]["items"], 4);
  }

  std::ifstream junit_file(dir.path() / "junit.xml");
  std::string junit((std::istreambuf_iterator<char>(junit_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(junit.find("<testsuites name=\"parity\" tests=\"64\" failures=\"11\" errors=\"30\""),
            std::string::npos)
      << junit.substr(0, 400);
  EXPECT_NE(junit.find("<testsuite name=\"hangs\""), std::string::npos);
  EXPECT_NE(junit.find("classname=\"basic.differs\" name=\"differs [fork] cpp\""), std::string::npos);
}

// Issue 13, without PID namespaces (PARITY_PID_NAMESPACE=0: the fallback of machines that cannot
// make them): an orphan that parity adopted (as subreaper) and that SIGTERMs its new parent must not
// end the run (it used to exit 143 without a report), and a crash leaves no core file although
// parity itself may dump core.
TEST(EndToEnd, WithoutPidNamespacesOrphansCannotStopParityAndCrashesLeaveNoCore) {
  CoreDumpsAllowed cores;
  if (!cores.allowed()) GTEST_SKIP() << "the hard RLIMIT_CORE is 0 here: no core file could be written";
  TempDir dir;
  ::setenv("PARITY_PID_NAMESPACE", "0", 1);
  Invocation run = run_parity(with_common({"run", "hostile/signals_parent", "crashes/", "--start-method",
                                           "fork", "--json", (dir.path() / "report.json").string()}));
  ::unsetenv("PARITY_PID_NAMESPACE");
  ASSERT_FALSE(run.deadline_hit) << run.output;
  EXPECT_EQ(run.exit_code, 1) << run.output;  // the CRASHes
  expect_no_process_left(run);
  auto results = results_by_key(read_json(dir.path() / "report.json"));
  for (const char* impl : {"python", "cpp"}) {
    EXPECT_EQ(results[std::string("hostile/signals_parent [fork] ") + impl]["result"], "PASS") << run.output;
    EXPECT_EQ(results[std::string("crashes/segfault [fork] ") + impl]["result"], "CRASH") << run.output;
  }
  expect_no_core_files_under_fixtures();
}

TEST(EndToEnd, SelectionOfPassingFixturesExitsZero) {
  TempDir dir;
  Invocation run = run_parity(with_common({"run", "basic/passes", "--start-method", "spawn",
                                           "--repeat", "3", "--json",
                                           (dir.path() / "report.json").string()}));
  ASSERT_FALSE(run.deadline_hit) << run.output;
  EXPECT_EQ(run.exit_code, 0) << run.output;
  expect_no_process_left(run);
  json report = read_json(dir.path() / "report.json");
  ASSERT_EQ(report["results"].size(), 2u) << run.output;
  for (const auto& result : report["results"]) {
    EXPECT_EQ(result["result"], "PASS");
    EXPECT_EQ(result["runs"].size(), 3u);
    EXPECT_EQ(result["outcome_histogram"]["exit:0"], 3);
    EXPECT_EQ(result["metric_histograms"]["items"]["4"], 3);
  }
  EXPECT_NE(run.output.find("Distributions"), std::string::npos) << run.output;
}

TEST(EndToEnd, ShardsPartitionTheCases) {
  std::vector<std::string> seen;
  for (const char* shard : {"1/2", "2/2"}) {
    TempDir dir;
    Invocation run = run_parity(with_common({"run", "*/p*", "--impl", "python", "--start-method",
                                             "fork", "--shard", shard, "--json",
                                             (dir.path() / "report.json").string()}));
    ASSERT_FALSE(run.deadline_hit) << run.output;
    EXPECT_EQ(run.exit_code, 0) << run.output;
    json report = read_json(dir.path() / "report.json");
    ASSERT_EQ(report["results"].size(), 1u) << run.output;
    EXPECT_EQ(report["results"][0]["impl"], "python");
    seen.push_back(report["results"][0]["case"]);
  }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<std::string>{"basic/passes", "pids/positions"}));
}

TEST(EndToEnd, UsageErrorsExitTwo) {
  EXPECT_EQ(run_parity({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(run_parity(with_common({"run", "--shard", "3/2"})).exit_code, 2);
  EXPECT_EQ(run_parity(with_common({"run", "--impl", "java"})).exit_code, 2);
  EXPECT_EQ(run_parity(with_common({"show", "no/such_case"})).exit_code, 2);
}

// Issue 13: a broken setup fails at once with one line, before any case runs.
TEST(EndToEnd, SetupMistakesFailBeforeAnyCaseRuns) {
  auto expect_setup_error = [](std::vector<std::string> args, const std::string& message) {
    args.insert(args.end(), {"--cases", fixtures.string()});
    Invocation run = run_parity(args);
    EXPECT_EQ(run.exit_code, 2) << run.output;
    EXPECT_NE(run.output.find(message), std::string::npos) << run.output;
    EXPECT_EQ(run.output.find("basic/passes"), std::string::npos) << "no case ran:\n" << run.output;
  };
  expect_setup_error({"run", "basic/", "--python", "/nonexistent/python3"},
                     "--python /nonexistent/python3: cannot start");
  expect_setup_error({"run", "basic/", "--python", "/bin/false"}, "--python /bin/false: not a usable Python 3");
  expect_setup_error({"run", "basic/", "--python", "/bin/true"}, "--python /bin/true: not Python");
  expect_setup_error({"record", "basic/", "--python", "/bin/false"}, "--python /bin/false:");
  TempDir dir;
  std::ofstream(dir.path() / "file") << "a file where a directory would go\n";
  const std::string under_file = (dir.path() / "file" / "r.json").string();
  expect_setup_error({"run", "basic/", "--python", PARITY_PYTHON, "--json", under_file},
                     "--json " + under_file + ": " + (dir.path() / "file").string() + " is not a directory");
  expect_setup_error({"run", "basic/", "--python", PARITY_PYTHON, "--junit", dir.path().string()},
                     "--junit " + dir.path().string() + ": is a directory");
}

TEST(EndToEnd, ListNamesCasesAndMalformedOnes) {
  Invocation list = run_parity({"list", "--cases", fixtures.string()});
  EXPECT_EQ(list.exit_code, 1) << list.output;  // malformed fixtures
  EXPECT_NE(list.output.find("basic/passes  [fork,spawn,forkserver]"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("malformed/wrong_type  UNRESOLVED"), std::string::npos) << list.output;
  EXPECT_NE(list.output.find("17 cases"), std::string::npos) << list.output;
  // A 60,000-deep dotted key used to crash the loader (exit 139); now one line names it.
  EXPECT_NE(list.output.find("hostile/deep_key  UNRESOLVED: " + (fixtures / "hostile/deep_key/case.toml:5:").string()),
            std::string::npos)
      << list.output;
}

TEST(EndToEnd, ShowOnAHangShowsStacksOfBothTrees) {
  Invocation show = run_parity(with_common({"show", "hangs/expected", "--start-method", "fork"}));
  ASSERT_FALSE(show.deadline_hit) << show.output;
  EXPECT_EQ(show.exit_code, 0) << show.output;
  expect_no_process_left(show);
  const std::string& out = show.output;
  auto python_stacks = out.find("stacks of the python process tree");
  auto cpp_stacks = out.find("stacks of the cpp process tree");
  ASSERT_NE(python_stacks, std::string::npos) << out;
  ASSERT_NE(cpp_stacks, std::string::npos) << out;
  std::string python_part = out.substr(python_stacks, cpp_stacks - python_stacks);
  std::string cpp_part = out.substr(cpp_stacks);
  // Both processes of each tree: the parent and its forked child.
  EXPECT_NE(python_part.find("in block_forever"), std::string::npos) << python_part;
  EXPECT_NE(python_part.find("(most recent call first)"), std::string::npos) << python_part;
  EXPECT_NE(cpp_part.find("block_forever"), std::string::npos) << cpp_part;
  EXPECT_NE(cpp_part.find("main ()"), std::string::npos) << cpp_part;
  // The rerun commands and the side-by-side outputs.
  EXPECT_NE(out.find("rerun by hand"), std::string::npos);
  EXPECT_NE(out.find("cd " + (fixtures / "hangs/expected").string() + " && "), std::string::npos) << out;
  EXPECT_NE(out.find("case.py --start-method fork"), std::string::npos) << out;
  EXPECT_NE(out.find("forked child_pid"), std::string::npos) << out;
}

TEST(EndToEnd, InterruptKillsEveryRunningProgram) {
  // The hangs would last 100 s each; SIGINT as soon as the Python one runs.
  Invocation run = run_parity(with_common({"run", "hangs/", "--timeout-multiplier", "100"}),
                              std::chrono::seconds(120), "hangs/");
  ASSERT_FALSE(run.deadline_hit) << run.output;
  EXPECT_EQ(run.exit_code, 128 + SIGINT) << run.output;
  EXPECT_NE(run.output.find("parity: interrupted by SIGINT"), std::string::npos) << run.output;
  EXPECT_EQ(run.output.find("results:"), std::string::npos) << "no summary of a cut-short run";
  expect_no_process_left(run);
}

TEST(EndToEnd, RecordedReferenceDetectsCPythonDrift) {
  TempDir dir;
  fs::path reference = dir.path() / "reference";
  Invocation record = run_parity(with_common({"record", "basic/passes", "--start-method", "fork",
                                              "--reference", reference.string()}));
  ASSERT_EQ(record.exit_code, 0) << record.output;
  fs::path recorded;
  for (const auto& entry : fs::recursive_directory_iterator(reference))
    if (entry.path().filename() == "fork.json") recorded = entry.path();
  ASSERT_FALSE(recorded.empty()) << record.output;
  EXPECT_NE(recorded.string().find("basic/passes/fork.json"), std::string::npos);

  auto run_against_reference = [&] {
    return run_parity(with_common({"run", "basic/passes", "--start-method", "fork", "--reference",
                                   reference.string(), "--json",
                                   (dir.path() / "report.json").string()}));
  };
  Invocation same = run_against_reference();
  EXPECT_EQ(same.exit_code, 0) << same.output;

  // Pretend an older CPython printed something else.
  json document = read_json(recorded);
  document["outputs"][0][1] = "result [0, 1, 4, 9, 16]";
  std::ofstream(recorded) << document.dump(2);
  Invocation drift = run_against_reference();
  EXPECT_EQ(drift.exit_code, 1) << drift.output;
  auto results = results_by_key(read_json(dir.path() / "report.json"));
  EXPECT_EQ(results["basic/passes [fork] python"]["result"], "REFERENCE-CHANGED") << drift.output;
  EXPECT_EQ(results["basic/passes [fork] cpp"]["result"], "PASS") << drift.output;
}

// What `parity record` cannot record is reported beside the results and never changes them: a
// PASS whose reference cannot be written stays PASS (it used to become UNRESOLVED).
TEST(EndToEnd, RecordingFailuresLeaveResultsAsTheVerdictDecided) {
  TempDir dir;
  std::ofstream(dir.path() / "blocker") << "a file where the reference directory would go\n";
  fs::path reference = dir.path() / "blocker" / "reference";
  Invocation record = run_parity(with_common({"record", "basic/passes", "crashes/", "--start-method",
                                              "fork", "--reference", reference.string()}));
  EXPECT_EQ(record.exit_code, 1) << record.output;
  EXPECT_NE(record.output.find("basic/passes [fork] python PASS"), std::string::npos) << record.output;
  EXPECT_NE(record.output.find("crashes/segfault [fork] python CRASH"), std::string::npos)
      << record.output;
  EXPECT_EQ(record.output.find("UNRESOLVED"), std::string::npos) << record.output;
  // Listed after the summary, in completion order.
  const std::size_t listed = record.output.find("\nNot recorded\n");
  ASSERT_NE(listed, std::string::npos) << record.output;
  EXPECT_NE(record.output.find("\n  crashes/segfault [fork]: not recorded: CPython does not meet "
                               "the case's expectations (CRASH)\n",
                               listed),
            std::string::npos)
      << record.output;
  EXPECT_NE(record.output.find("\n  basic/passes [fork]: cannot write the reference:", listed),
            std::string::npos)
      << record.output;
  EXPECT_NE(record.output.find("0 references written under"), std::string::npos) << record.output;
  expect_no_process_left(record);
}

}  // namespace
