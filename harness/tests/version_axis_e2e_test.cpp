// The version axis end to end: the built `parity` runs the fixture cases of
// harness/tests/version_fixtures (python side only) under the reference interpreter and two more
// CPythons found under pyenv's root, one on each side of 3.12; asserts the console's "holds on"
// lines, results.json's matrix, the exit status, and the reference store per version (record, then
// REFERENCE-CHANGED for the one version whose recording is altered), and the project's own store:
// a catalog case holds against each version's committed recording, and only the altered one reads
// REFERENCE-CHANGED.
//
// A machine without two such interpreters skips these tests with the reason (CTest: skipped);
// the usage errors are checked everywhere.

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "launcher.hpp"
#include "parity_invocation.hpp"
#include "python_probe.hpp"
#include "python_versions.hpp"
#include "temp_dir.hpp"

namespace {

using namespace parity;
using namespace parity::test_support;
namespace fs = std::filesystem;
using nlohmann::json;

const fs::path version_fixtures = fs::path(PARITY_FIXTURES_DIR).parent_path() / "version_fixtures";

// args with the fixtures' root, the reference interpreter and (run) the python side only; record
// runs only that side anyway.
std::vector<std::string> on_version_fixtures(std::vector<std::string> args) {
  for (const char* arg : {"--cases", version_fixtures.c_str(), "--python", PARITY_PYTHON}) args.push_back(arg);
  if (args.front() == "run") args.insert(args.end(), {"--impl", "python"});
  return args;
}

// The reference interpreter's version, and the newest CPython >= 3.8 under pyenv's root on each
// side of 3.12 other than the reference's minor (empty where there is none).
struct Axis {
  std::string reference;
  std::string before_312;
  std::string since_312;
};

Axis find_axis() {
  Axis axis;
  Launcher launcher;
  axis.reference = identify_python(launcher, PARITY_PYTHON).version;
  for (const InstalledPython& python : installed_pythons(default_pyenv_root())) {
    if (!version_at_least(python.version, 3, 8) || minor_version(python.version) == minor_version(axis.reference))
      continue;
    (version_at_least(python.version, 3, 12) ? axis.since_312 : axis.before_312) = python.version;
  }
  return axis;
}

#define SKIP_WITHOUT_AXIS(axis)                                                                  \
  if ((axis).before_312.empty() || (axis).since_312.empty())                                     \
  GTEST_SKIP() << "needs a CPython >= 3.8 before 3.12 and one since 3.12 besides " << (axis).reference \
               << " under pyenv's root (" << describe_installed(default_pyenv_root()) << ")"

TEST(VersionAxis, AMissingInterpreterIsAUsageErrorNamingWhatWasFound) {
  Invocation missing = run_parity(on_version_fixtures({"run", "--python-versions", "3.99"}));
  EXPECT_EQ(missing.exit_code, 2) << missing.output;
  EXPECT_NE(missing.output.find("parity: --python-versions 3.99: no CPython 3.99 found ("), std::string::npos)
      << missing.output;
  Invocation not_python = run_parity(on_version_fixtures({"run", "--python-versions", "/bin/echo"}));
  EXPECT_EQ(not_python.exit_code, 2) << not_python.output;
  EXPECT_NE(not_python.output.find("did not answer as a Python interpreter"), std::string::npos)
      << not_python.output;
  Invocation cpp_only = run_parity({"run", "--cases", version_fixtures.string(), "--impl", "cpp",
                                    "--python-versions", PARITY_PYTHON});
  EXPECT_EQ(cpp_only.exit_code, 2) << cpp_only.output;
  EXPECT_NE(cpp_only.output.find("--impl cpp"), std::string::npos) << cpp_only.output;
}

TEST(VersionAxis, EachCaseHoldsOrSaysWhereAVersionDiffers) {
  const Axis axis = find_axis();
  SKIP_WITHOUT_AXIS(axis);
  TempDir dir;
  const fs::path report = dir.path() / "results.json";
  Invocation run = run_parity(on_version_fixtures(
      {"run", "--python-versions", minor_version(axis.before_312) + "," + minor_version(axis.since_312),
       "--json", report.string(), "--no-reference", "-j", "2"}));
  expect_no_process_left(run);
  // differs has no override: the version across 3.12 from the reference fails the run.
  EXPECT_EQ(run.exit_code, 1) << run.output;
  const bool reference_new = version_at_least(axis.reference, 3, 12);
  const std::string across = reference_new ? axis.before_312 : axis.since_312;
  const std::string same_side = reference_new ? axis.since_312 : axis.before_312;

  std::vector<std::string> versions{axis.before_312, axis.since_312, axis.reference};
  std::sort(versions.begin(), versions.end(), version_less);
  std::string holds;
  for (const std::string& version : versions) holds += (holds.empty() ? "" : "  ") + minor_version(version) + " ✓";
  EXPECT_NE(run.output.find("versions/holds [fork, spawn]  " + holds), std::string::npos) << run.output;
  EXPECT_TRUE(std::regex_search(run.output, std::regex(
      "versions/differs \\[fork\\] +[^\\n]*" + std::regex_replace(minor_version(across), std::regex("\\."), "\\.") +
      " ✗[^\\n]*: -at least 3\\.12: (True|False) \\| \\+at least 3\\.12: (True|False)\\n")))
      << run.output;

  json matrix = read_json(report)["python_versions"];
  EXPECT_EQ(matrix["reference"], axis.reference);
  EXPECT_EQ(matrix["versions"].size(), 3u);
  std::map<std::string, json> rows;
  for (const json& row : matrix["matrix"])
    rows[row["case"].get<std::string>() + " [" + row["start_method"].get<std::string>() + "]"] = row["cells"];
  ASSERT_EQ(rows.size(), 4u) << matrix.dump(1);
  for (const std::string& version : versions) {
    EXPECT_EQ(rows["versions/holds [spawn]"][version]["code"], "PASS") << version;
    EXPECT_EQ(rows["versions/holds [spawn]"][version]["first_difference"], "") << version;
  }
  EXPECT_EQ(rows["versions/differs [fork]"][across]["code"], "FAIL");
  EXPECT_NE(rows["versions/differs [fork]"][across]["diff"].get<std::string>().find(
                "+++ CPython " + across + " [fork]"),
            std::string::npos);
  EXPECT_EQ(rows["versions/differs [fork]"][same_side]["code"], "PASS");
  // since_312: its override documents the change on 3.12 and later.
  EXPECT_EQ(rows["versions/since_312 [fork]"][axis.since_312]["mark"], reference_new ? "✓" : "~");
  EXPECT_EQ(rows["versions/since_312 [fork]"][axis.since_312]["override_reason"],
            "fixture: prints new from CPython 3.12 on");
}

TEST(VersionAxis, TheReferenceStoreHoldsEachVersion) {
  const Axis axis = find_axis();
  SKIP_WITHOUT_AXIS(axis);
  TempDir dir;
  const fs::path store = dir.path() / "reference";
  const std::string list = minor_version(axis.before_312) + "," + minor_version(axis.since_312);
  Invocation record = run_parity(on_version_fixtures(
      {"record", "versions/holds", "--python-versions", list, "--reference", store.string()}));
  EXPECT_EQ(record.exit_code, 0) << record.output;
  for (const std::string& version : {axis.reference, axis.before_312, axis.since_312})
    for (const char* method : {"fork", "spawn"})
      EXPECT_TRUE(fs::exists(store / version / "versions" / "holds" / (std::string(method) + ".json")))
          << version << " " << method << "\n" << record.output;

  // One version's recording altered: that version, and only it, is REFERENCE-CHANGED.
  const fs::path altered = store / axis.before_312 / "versions" / "holds" / "fork.json";
  std::ifstream in(altered);
  json recording = json::parse(in);
  recording["outputs"] = json::array({json::array({"result [0, 1, 4, 16]"})});
  std::ofstream(altered) << recording.dump(2);
  const fs::path report = dir.path() / "results.json";
  Invocation run = run_parity(on_version_fixtures({"run", "versions/holds", "--python-versions", list,
                                                   "--reference", store.string(), "--json", report.string()}));
  EXPECT_EQ(run.exit_code, 1) << run.output;
  json matrix = read_json(report)["python_versions"]["matrix"];
  for (const json& row : matrix) {
    for (const auto& [version, cell] : row["cells"].items()) {
      const bool changed = version == axis.before_312 && row["start_method"] == "fork";
      EXPECT_EQ(cell["code"], changed ? "REFERENCE-CHANGED" : "PASS") << version << " " << row.dump();
      EXPECT_EQ(cell["mark"], changed ? "!" : "✓");
    }
  }
}

// The committed reference/: queues/use_after_close [fork] under every CPython found that has a
// recording there holds against it (no REFERENCE-CHANGED from a stale file); with one version's
// file altered in a copy of the store, that version alone is REFERENCE-CHANGED.
TEST(VersionAxis, TheCommittedStoreHoldsEveryVersionAndAChangeShowsForThatVersionOnly) {
  const Axis axis = find_axis();
  const fs::path project = PARITY_SOURCE_DIR;
  const std::string case_dir = "queues/use_after_close";
  std::vector<std::string> recorded;  // versions found under pyenv's root with a recording
  for (const InstalledPython& python : installed_pythons(default_pyenv_root()))
    if (version_at_least(python.version, 3, 8) && python.version != axis.reference &&
        fs::exists(project / "reference" / python.version / case_dir / "fork.json"))
      recorded.push_back(python.version);
  if (recorded.size() < 2 || !fs::exists(project / "reference" / axis.reference / case_dir / "fork.json"))
    GTEST_SKIP() << "needs two CPythons >= 3.8 besides " << axis.reference
                 << " with recordings in reference/ (found: " << describe_installed(default_pyenv_root()) << ")";

  TempDir dir;
  const fs::path store = dir.path() / "reference";
  std::vector<std::string> stored = recorded;
  stored.push_back(axis.reference);
  for (const std::string& version : stored) {
    fs::create_directories(store / version / case_dir);
    fs::copy(project / "reference" / version / case_dir, store / version / case_dir, fs::copy_options::recursive);
  }
  std::string list;
  for (const std::string& version : recorded) list += (list.empty() ? "" : ",") + minor_version(version);
  auto run_case = [&](const fs::path& report) {
    return run_parity({"run", case_dir, "--exact", "--start-method", "fork", "--impl", "python",
                       "--python", PARITY_PYTHON, "--python-versions", list, "--reference", store.string(),
                       "--json", report.string(), "-j", "2"});
  };
  auto codes = [](const fs::path& report) {
    std::map<std::string, std::string> by_version;
    const json matrix = read_json(report)["python_versions"]["matrix"];
    for (const json& row : matrix)
      for (const auto& [version, cell] : row["cells"].items()) by_version[version] = cell["code"];
    return by_version;
  };

  Invocation holds = run_case(dir.path() / "holds.json");
  EXPECT_EQ(holds.exit_code, 0) << holds.output;
  std::map<std::string, std::string> before = codes(dir.path() / "holds.json");
  EXPECT_EQ(before.size(), recorded.size() + 1) << holds.output;
  for (const auto& [version, code] : before) EXPECT_EQ(code, "PASS") << version << "\n" << holds.output;

  const std::string altered_version = recorded.front();
  const fs::path altered = store / altered_version / case_dir / "fork.json";
  std::ifstream in(altered);
  json recording = json::parse(in);
  in.close();
  recording["outputs"][0][0] = "join_thread() before close(): recorded otherwise";
  std::ofstream(altered) << recording.dump(2);
  Invocation changed = run_case(dir.path() / "changed.json");
  EXPECT_EQ(changed.exit_code, 1) << changed.output;
  for (const auto& [version, code] : codes(dir.path() / "changed.json"))
    EXPECT_EQ(code, version == altered_version ? "REFERENCE-CHANGED" : "PASS") << version << "\n" << changed.output;
}

}  // namespace
