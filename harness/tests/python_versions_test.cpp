// The version axis without running a case: interpreter discovery (present, missing, not Python 3,
// not Python at all), [[expect.override]] python ranges and the per-version verdict, and the
// version matrix's renderings (console lines and JSON), built from results made by hand.
//
// Tests that need interpreters pyenv's root does not hold skip with the reason (CTest reports
// them as skipped), never pass silently.

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <fstream>

#include "case_loader.hpp"
#include "html_report.hpp"
#include "launcher.hpp"
#include "python_probe.hpp"
#include "python_versions.hpp"
#include "sample_results.hpp"
#include "temp_dir.hpp"
#include "verdict.hpp"
#include "version_matrix.hpp"

namespace {

using namespace parity;
using namespace parity::test_support;
namespace fs = std::filesystem;

// A pyenv-shaped root whose versions/<name>/bin/python3 are symlinks to real programs.
fs::path fake_pyenv_root(const TempDir& dir, const std::vector<std::pair<std::string, fs::path>>& versions) {
  fs::path root = dir.path() / "pyenv";
  fs::create_directories(root / "versions");
  for (const auto& [name, program] : versions) {
    fs::create_directories(root / "versions" / name / "bin");
    fs::create_symlink(program, root / "versions" / name / "bin" / "python3");
  }
  return root;
}

std::string resolve_error(const std::vector<std::string>& entries, const VersionAxisOptions& options) {
  Launcher launcher;
  try {
    resolve_python_versions(entries, launcher, options);
  } catch (const InterpreterError& error) {
    return error.what();
  }
  return "";
}

TEST(PythonVersions, VersionsOrderNumericallyAndNameTheirColumn) {
  EXPECT_TRUE(version_less("3.9.18", "3.10.13"));
  EXPECT_FALSE(version_less("3.10.13", "3.9.18"));
  EXPECT_TRUE(version_less("3.13.0", "not-a-version"));
  EXPECT_EQ(minor_version("3.10.13"), "3.10");
  EXPECT_EQ(minor_version("pypy"), "pypy");
  EXPECT_TRUE(version_at_least("3.8.18", 3, 8));
  EXPECT_FALSE(version_at_least("3.7.16", 3, 8));
}

TEST(PythonVersions, InstalledPythonsAreReadFromPyenvsLayoutSortedByVersion) {
  TempDir dir;
  fs::path root = fake_pyenv_root(dir, {{"3.10.2", PARITY_PYTHON}, {"3.9.1", PARITY_PYTHON},
                                        {"pypy3.10-7.3.12", PARITY_PYTHON}, {"3.9", PARITY_PYTHON}});
  fs::create_directories(root / "versions" / "3.11.0" / "bin");  // no interpreter inside
  auto found = installed_pythons(root);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].version, "3.9.1");
  EXPECT_EQ(found[1].version, "3.10.2");
  EXPECT_EQ(found[1].executable, root / "versions" / "3.10.2" / "bin" / "python3");
  EXPECT_EQ(describe_installed(root), "3.9.1 3.10.2 under " + root.string());
  EXPECT_TRUE(installed_pythons(dir.path() / "nosuch").empty());
}

TEST(PythonVersions, AMissingVersionIsAnErrorNamingWhatWasFound) {
  TempDir dir;
  VersionAxisOptions options;
  options.pyenv_root = fake_pyenv_root(dir, {{"3.9.1", PARITY_PYTHON}});
  std::string error = resolve_error({"3.99"}, options);
  EXPECT_NE(error.find("no CPython 3.99 found"), std::string::npos) << error;
  EXPECT_NE(error.find("3.9.1 under " + options.pyenv_root.string()), std::string::npos) << error;
  // "3.9.2" is not "3.9.1": an exact version must exist.
  EXPECT_NE(resolve_error({"3.9.2"}, options).find("no CPython 3.9.2 found"), std::string::npos);

  // No pyenv at all (a fresh CI machine): the error says so; "all" too.
  options.pyenv_root = dir.path() / "nosuch";
  error = resolve_error({"3.12"}, options);
  EXPECT_NE(error.find("no pyenv root at " + options.pyenv_root.string()), std::string::npos) << error;
  error = resolve_error({"all"}, options);
  EXPECT_NE(error.find("all: no CPython >= 3.8 found (no pyenv root"), std::string::npos) << error;
  EXPECT_NE(resolve_error({"three"}, options).find("expected versions (3.8), interpreter paths or all"),
            std::string::npos);
  EXPECT_NE(resolve_error({(dir.path() / "no-python").string()}, options).find("does not run"),
            std::string::npos);
}

TEST(PythonVersions, AProgramThatIsNotPythonIsRejected) {
  VersionAxisOptions options;
  options.pyenv_root = "/nonexistent";
  std::string error = resolve_error({"/bin/echo"}, options);
  EXPECT_NE(error.find("/bin/echo did not answer as a Python interpreter"), std::string::npos) << error;
  error = resolve_error({"/bin/false"}, options);
  EXPECT_NE(error.find("/bin/false does not run"), std::string::npos) << error;
}

TEST(PythonVersions, PythonTwoIsNotPythonThree) {
  std::optional<InstalledPython> python2;
  for (const InstalledPython& python : installed_pythons(default_pyenv_root()))
    if (python.version.rfind("2.", 0) == 0) python2 = python;
  if (!python2)
    GTEST_SKIP() << "no Python 2 under " << default_pyenv_root() << " ("
                 << describe_installed(default_pyenv_root()) << ")";
  VersionAxisOptions options;
  std::string error = resolve_error({python2->version}, options);
  EXPECT_NE(error.find("is Python " + python2->version + ", not Python 3"), std::string::npos) << error;
}

TEST(PythonVersions, PresentInterpretersResolveByVersionAndByPath) {
  Launcher launcher;
  PythonIdentity reference = identify_python(launcher, PARITY_PYTHON);
  ASSERT_FALSE(reference.version.empty());
  std::vector<InstalledPython> others;
  for (const InstalledPython& python : installed_pythons(default_pyenv_root()))
    if (version_at_least(python.version, 3, 8) && minor_version(python.version) != minor_version(reference.version))
      others.push_back(python);
  if (others.size() < 2)
    GTEST_SKIP() << "needs two CPythons >= 3.8 besides " << reference.version << " under pyenv's root ("
                 << describe_installed(default_pyenv_root()) << ")";

  VersionAxisOptions options;
  options.reference_version = reference.version;
  // Given newest first, by minor version and by path; the reference's own minor is its column.
  auto resolved = resolve_python_versions(
      {minor_version(others.back().version) + "," + others.front().executable.string(),
       minor_version(reference.version)},
      launcher, options);
  ASSERT_EQ(resolved.size(), 2u);
  EXPECT_EQ(resolved[0].version, others.front().version);
  EXPECT_EQ(resolved[1].version, others.back().version);
  EXPECT_TRUE(fs::exists(resolved[1].executable)) << resolved[1].executable;

  auto all = resolve_python_versions({"all"}, launcher, options);
  EXPECT_EQ(all.size(), others.size());
  for (const Interpreter& interpreter : all)
    EXPECT_NE(interpreter.minor(), minor_version(reference.version));
}

// --- [[expect.override]] python = "...": parsed, applied per version, judged per version.

TEST(PythonRanges, ClausesHoldOnMajorMinor) {
  auto range = PythonRange::parse(">=3.8, <3.12");
  ASSERT_TRUE(range);
  EXPECT_TRUE(range->admits("3.8.18"));
  EXPECT_TRUE(range->admits("3.11.7"));
  EXPECT_FALSE(range->admits("3.12.1"));
  EXPECT_FALSE(range->admits("3.7.16"));
  EXPECT_FALSE(range->admits(""));
  EXPECT_TRUE(PythonRange::parse("==3.12")->admits("3.12.1"));
  EXPECT_FALSE(PythonRange::parse("!=3.12")->admits("3.12.0"));
  for (const char* bad : {"", "3.12", ">=3", ">= 3.12,", "~=3.12", ">=3.12.1"})
    EXPECT_FALSE(PythonRange::parse(bad)) << bad;
}

fs::path write_case(const TempDir& dir, const std::string& toml) {
  fs::path case_dir = dir.path() / "area" / "case";
  fs::create_directories(case_dir);
  std::ofstream(case_dir / "case.toml") << toml;
  std::ofstream(case_dir / "case.py") << "print('x')\n";
  std::ofstream(case_dir / "case.cpp") << "int main() {}\n";
  return case_dir;
}

const char* since_312 = R"(title = "t"
behavior = "b"
source = "s"
[[expect.override]]
python = ">=3.12"
impl = "python"
outcome = "exit:1"
reason = "3.12 raises here"
[[expect.override]]
python = "<3.12"
impl = "python"
outcome = ["exit:0", "hang"]
reason = "before 3.12 it may hang"
)";

TEST(PythonRanges, AnOverrideAppliesToTheVersionsItNames) {
  TempDir dir;
  fs::path case_dir = write_case(dir, since_312);
  CaseSpec spec = load_case(case_dir / "case.toml", "area/case");
  ASSERT_EQ(spec.overrides.size(), 2u);
  EXPECT_EQ(spec.expectation_for(StartMethod::fork, Impl::python, "3.12.1").outcomes_str(), "exit:1");
  EXPECT_EQ(spec.expectation_for(StartMethod::fork, Impl::python, "3.12.1").reasons(), "3.12 raises here");
  EXPECT_EQ(spec.expectation_for(StartMethod::fork, Impl::python, "3.8.18").outcomes_str(), "exit:0 | hang");
  // No version known: no python range applies.
  EXPECT_EQ(spec.expectation_for(StartMethod::fork, Impl::python).outcomes_str(), "exit:0");
  EXPECT_EQ(spec.expectation_for(StartMethod::fork, Impl::cpp, "3.12.1").outcomes_str(), "exit:0");
}

TEST(PythonRanges, TheLoaderRejectsAMalformedRangeAndOverlappingOutcomes) {
  TempDir dir;
  fs::path case_dir = write_case(dir, R"(title = "t"
behavior = "b"
source = "s"
[[expect.override]]
python = "3.12+"
xfail = true
reason = "r"
)");
  try {
    load_case(case_dir / "case.toml", "area/case");
    FAIL() << "a malformed python range loaded";
  } catch (const CaseError& error) {
    EXPECT_NE(std::string(error.what()).find(":5:10: python = '3.12+': expected CPython versions"),
              std::string::npos) << error.what();
  }
  write_case(dir, std::string(since_312) + R"([[expect.override]]
python = ">=3.13"
outcome = "exit:2"
reason = "overlaps the first"
)");
  try {
    load_case(case_dir / "case.toml", "area/case");
    FAIL() << "overlapping outcome overrides loaded";
  } catch (const CaseError& error) {
    EXPECT_NE(std::string(error.what()).find("overlaps the one at line 4"), std::string::npos) << error.what();
  }
}

NormalizedRun exited(int code, std::vector<std::string> lines = {}) {
  NormalizedRun run = make_run(0.1, std::move(lines));
  run.record.status = ExitStatus::exited(code);
  run.outcome = observed_outcome(run.record);
  return run;
}

OutputComparison against_reference_interpreter(bool equal) {
  OutputComparison comparison;
  comparison.against = OutputComparison::Against::reference_interpreter;
  comparison.reference_version = "3.11.7";
  comparison.comparison.equal = equal;
  if (!equal)
    comparison.comparison.diff =
        "--- CPython 3.11.7 [fork]\n+++ CPython 3.12.1 [fork]\n@@ -1,2 +1,2 @@\n a\n-old\n+new\n";
  return comparison;
}

TEST(PythonRanges, EachVersionIsJudgedWithItsOwnOverrides) {
  TempDir dir;
  CaseSpec spec = load_case(write_case(dir, since_312) / "case.toml", "area/case");
  // 3.12 exits 1 as its override says: PASS, yet it differs from the reference, documented.
  CaseResult documented = decide_verdict(spec, StartMethod::fork, Impl::python, {exited(1)},
                                         {against_reference_interpreter(true)}, "3.12.1", "3.12.1");
  EXPECT_EQ(documented.code, ResultCode::pass);
  EXPECT_EQ(documented.python_version, "3.12.1");
  EXPECT_EQ(documented.override_reason, "3.12 raises here");
  // The same run judged as 3.11 fails: that override is not for it, the one before 3.12 is.
  CaseResult as_311 = decide_verdict(spec, StartMethod::fork, Impl::python, {exited(1)},
                                     {against_reference_interpreter(true)}, "3.11.7", "3.11.7");
  EXPECT_EQ(as_311.code, ResultCode::fail);
  EXPECT_EQ(as_311.first_difference, "outcome exit:1, expected exit:0 | hang");
  EXPECT_EQ(as_311.override_reason, "before 3.12 it may hang");

  // An output that differs from the reference interpreter: FAIL, its first differing lines.
  CaseSpec plain;
  plain.id = "area/plain";
  CaseResult differs = decide_verdict(plain, StartMethod::fork, Impl::python, {exited(0)},
                                      {against_reference_interpreter(false)}, "3.12.1", "3.12.1");
  EXPECT_EQ(differs.code, ResultCode::fail);
  EXPECT_EQ(differs.reasons, std::vector<std::string>{
                                 "output differs from CPython 3.11.7 (the reference interpreter)"});
  EXPECT_EQ(differs.first_difference, "-old | +new");
  // The reference interpreter's own results carry no version and no first difference.
  CaseResult reference = decide_verdict(plain, StartMethod::fork, Impl::python, {exited(0)}, {}, "3.11.7");
  EXPECT_TRUE(reference.python_version.empty());
  EXPECT_TRUE(reference.first_difference.empty());
}

TEST(PythonRanges, AnOverrideThatTurnsTheComparisonOffStillShowsTheDifference) {
  CaseSpec spec;
  spec.id = "area/case";
  Override off;
  off.python = PythonRange::parse(">=3.12");
  off.compare = false;
  off.reason = "the repr changed in 3.12";
  spec.overrides.push_back(off);
  CaseResult result = decide_verdict(spec, StartMethod::fork, Impl::python, {exited(0)},
                                     {against_reference_interpreter(false)}, "3.12.1", "3.12.1");
  EXPECT_EQ(result.code, ResultCode::pass);
  EXPECT_EQ(result.first_difference, "-old | +new");
  EXPECT_EQ(cell_mark(&result), "~");
}

// --- The matrix: built from results, rendered without a disk.

TEST(VersionMatrix, RowsPerCaseAndStartMethodColumnsPerVersion) {
  AxisRun run = axis_run();
  VersionMatrix matrix = version_matrix(run.summary, run.context);
  EXPECT_EQ(matrix.versions, (std::vector<std::string>{"3.8.18", "3.9.18", "3.11.7", "3.12.1"}));
  EXPECT_EQ(matrix.reference_column, 2u);
  ASSERT_EQ(matrix.rows.size(), 3u);
  EXPECT_EQ(matrix.rows[0].case_id, "queues/closed");
  EXPECT_EQ(matrix.rows[1].method, StartMethod::spawn);
  EXPECT_EQ(matrix.rows[0].cells[2]->impl, Impl::python);  // the reference's own python result
  EXPECT_EQ(matrix.rows[0].cells[3]->first_difference, "-old | +new");
  // Without the axis there is no matrix.
  EXPECT_TRUE(version_matrix(run.summary, RunContext{}).versions.empty());
  EXPECT_EQ(holds_on_lines(version_matrix(run.summary, RunContext{}), 120, false), "");
}

TEST(VersionMatrix, TheConsoleShowsOneHoldsOnLinePerCaseWithTheFirstDifference) {
  AxisRun run = axis_run();
  std::string text = holds_on_lines(version_matrix(run.summary, run.context), 120, false);
  EXPECT_NE(text.find("as on CPython 3.11.7 (the reference)"), std::string::npos) << text;
  // fork and spawn read the same: one line.
  EXPECT_NE(text.find("  queues/closed [fork, spawn]  3.8 ✓  3.9 ✓  3.11 ✓  3.12 ✗   3.12: -old | +new\n"),
            std::string::npos) << text;
  EXPECT_NE(text.find("  sync/lock [fork]             3.8 ✓  3.9 ~  3.11 ✓  3.12 ✓   3.9: 3.9 hangs here\n"),
            std::string::npos) << text;

  // Start methods that differ get lines of their own; a narrow console cuts the difference.
  run.summary.version_results[2].first_difference = std::string(200, 'x');
  text = holds_on_lines(version_matrix(run.summary, run.context), 80, false);
  EXPECT_NE(text.find("queues/closed [fork]"), std::string::npos) << text;
  EXPECT_NE(text.find("queues/closed [spawn]"), std::string::npos) << text;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.find("queues/closed [fork]") != std::string::npos) {
      EXPECT_LE(line.size() - 8, 80u) << line;  // the four marks are 3 bytes for 1 column each
      EXPECT_EQ(line.back(), '~') << line;
    }
  // In colour each mark is painted with its code's colour.
  text = holds_on_lines(version_matrix(run.summary, run.context), 120, true);
  EXPECT_NE(text.find("\033[31m✗\033[0m"), std::string::npos) << text;
}

TEST(VersionMatrix, JsonHoldsEveryCellByVersion) {
  AxisRun run = axis_run();
  auto json = version_matrix_json(version_matrix(run.summary, run.context));
  EXPECT_EQ(json["reference"], "3.11.7");
  EXPECT_EQ(json["versions"].size(), 4u);
  ASSERT_EQ(json["matrix"].size(), 3u);
  const auto& cells = json["matrix"][0]["cells"];
  EXPECT_EQ(json["matrix"][0]["case"], "queues/closed");
  EXPECT_EQ(json["matrix"][0]["start_method"], "fork");
  EXPECT_EQ(cells["3.12.1"]["code"], "FAIL");
  EXPECT_EQ(cells["3.12.1"]["mark"], "✗");
  EXPECT_EQ(cells["3.12.1"]["first_difference"], "-old | +new");
  EXPECT_EQ(cells["3.11.7"]["code"], "PASS");
  EXPECT_EQ(json["matrix"][2]["cells"]["3.9.18"]["mark"], "~");
}

// results.json of a run, rendered in memory.
nlohmann::json json_report(const RunContext& context, const RunSummary& summary) {
  JsonReporter reporter("unused.json");
  reporter.report_context(context);
  std::ostringstream out;
  reporter.render(out, summary);
  return nlohmann::json::parse(out.str());
}

TEST(VersionMatrix, TheJsonReportCarriesTheMatrixOnlyWithTheAxis) {
  AxisRun run = axis_run();
  auto report = json_report(run.context, run.summary);
  EXPECT_EQ(report["python_versions"]["matrix"].size(), 3u);
  EXPECT_EQ(report["results"].size(), run.summary.results.size());  // axis results are not in it
  EXPECT_FALSE(report["success"].get<bool>());                     // but they count
  EXPECT_EQ(report["counts"]["FAIL"], 2);

  EXPECT_FALSE(json_report(RunContext{}, sample_summary()).contains("python_versions"));
}

// The HTML report reads the matrix back from results.json: a table of marks, a column per version.
TEST(VersionMatrix, TheHtmlReportShowsTheMatrixFromResultsJson) {
  AxisRun run = axis_run();
  auto report = json_report(run.context, run.summary);
  std::ostringstream page;
  render_html_report(page, {&report, nullptr});
  const std::string html = page.str();
  EXPECT_NE(html.find("<a href=\"#versions\">Python versions</a>"), std::string::npos);
  EXPECT_NE(html.find("<section id=\"versions\">"), std::string::npos);
  EXPECT_NE(html.find("<th class=\"method\">3.11*</th>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td class=\"cell r-FAIL\" data-version=\"3.12.1\" data-result=\"FAIL\" "
                      "title=\"queues/closed [fork] on CPython 3.12.1: FAIL\n-old | +new\">✗</td>"),
            std::string::npos);
  EXPECT_NE(html.find(R"(data-version="3.9.18" data-result="XFAIL")"), std::string::npos);

  // Without the axis, no section and no link.
  report.erase("python_versions");
  std::ostringstream plain;
  render_html_report(plain, {&report, nullptr});
  EXPECT_EQ(plain.str().find("id=\"versions\""), std::string::npos);
  EXPECT_EQ(plain.str().find("#versions"), std::string::npos);
}

}  // namespace
