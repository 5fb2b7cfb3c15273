// The case loader: every field of a good case.toml, and each kind of error naming the exact line.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>

#include "case_loader.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace parity;

namespace {

using parity::test_support::TempDir;

void write_file(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

struct Programs {
  bool python = true;
  bool cpp = true;
};

// Writes dir/case.toml (and the programs) and returns the toml path.
fs::path write_case(const fs::path& dir, const std::string& toml, Programs programs = {}) {
  write_file(dir / "case.toml", toml);
  if (programs.python) write_file(dir / "case.py", "print('hi')\n");
  if (programs.cpp) write_file(dir / "case.cpp", "int main() {}\n");
  return dir / "case.toml";
}

const std::string header =
    "title = \"t\"\n"                 // line 1
    "behavior = \"b\"\n"              // line 2
    "source = \"s\"\n";               // line 3

// Loads `toml` and returns the CaseError (fails the test if it loads).
CaseError load_error(const std::string& toml, Programs programs = {}) {
  TempDir dir;
  fs::path path = write_case(dir.path() / "c", toml, programs);
  try {
    load_case(path, "area/c");
  } catch (const CaseError& error) {
    // The message starts with file:line:column.
    EXPECT_EQ(std::string(error.what()).rfind(error.where().str() + ": ", 0), 0u) << error.what();
    EXPECT_EQ(error.where().file, path);
    return error;
  }
  ADD_FAILURE() << "loaded without error:\n" << toml;
  return CaseError({}, "none");
}

}  // namespace

TEST(CaseSpec, GoodCaseLoadsEveryField) {
  TempDir dir;
  fs::path path = write_case(dir.path() / "queues" / "join", header + R"(tags = ["queues", "deadlock"]
start_methods = ["spawn", "fork"]
timeout_s = 2.5
runs = 20
exclusive = true
compare = "unordered"
params = { size = "1000000", mode = "fast" }

[normalize]
sets = ["pids", "floats"]
[[normalize.rule]]
regex = 'took (\d+) ms'
replace = "took N ms"
[[normalize.rule]]
regex = "x+"

[expect]
outcome = ["exit:0", "hang"]
[expect.metrics]
empties = { min = 4, max = 4 }
items = { min = 0.5 }
[expect.samples]
"floor.put" = { max = 100 }

[[expect.override]]
start_method = "fork"
impl = "cpp"
outcome = "signal:SIGSEGV"
reason = "mp crashes here"

[[expect.override]]
impl = "python"
xfail = true
compare = false
reason = "CPython bug 123"
)");
  CaseSpec spec = load_case(path, "queues/join");
  EXPECT_EQ(spec.id, "queues/join");
  EXPECT_EQ(spec.area(), "queues");
  EXPECT_EQ(spec.dir, dir.path() / "queues" / "join");
  EXPECT_EQ(spec.toml_path, path);
  EXPECT_EQ(spec.python_program, spec.dir / "case.py");
  EXPECT_EQ(spec.cpp_source, spec.dir / "case.cpp");
  EXPECT_EQ(spec.title, "t");
  EXPECT_EQ(spec.behavior, "b");
  EXPECT_EQ(spec.source, "s");
  EXPECT_EQ(spec.tags, (std::vector<std::string>{"queues", "deadlock"}));
  EXPECT_EQ(spec.start_methods, (std::vector<StartMethod>{StartMethod::spawn, StartMethod::fork}));
  EXPECT_TRUE(spec.runs_under(StartMethod::fork));
  EXPECT_FALSE(spec.runs_under(StartMethod::forkserver));
  EXPECT_DOUBLE_EQ(spec.timeout_s, 2.5);
  EXPECT_EQ(spec.runs, 20);
  EXPECT_TRUE(spec.exclusive);
  EXPECT_EQ(spec.compare, CompareMode::unordered);
  EXPECT_EQ(spec.params, (std::map<std::string, std::string>{{"mode", "fast"}, {"size", "1000000"}}));
  EXPECT_EQ(spec.normalize, (std::vector<std::string>{"pids", "floats"}));
  ASSERT_EQ(spec.rules.size(), 2u);
  EXPECT_EQ(spec.rules[0].regex, "took (\\d+) ms");
  EXPECT_EQ(spec.rules[0].replace, "took N ms");
  EXPECT_EQ(spec.rules[1].regex, "x+");
  EXPECT_EQ(spec.rules[1].replace, "");
  EXPECT_EQ(spec.expected_outcomes,
            (std::vector<Outcome>{{Outcome::Kind::exit, 0}, {Outcome::Kind::hang, 0}}));
  ASSERT_EQ(spec.metric_bounds.size(), 2u);
  EXPECT_EQ(spec.metric_bounds.at("empties").min, 4);
  EXPECT_EQ(spec.metric_bounds.at("empties").max, 4);
  EXPECT_EQ(spec.metric_bounds.at("items").min, 0.5);
  EXPECT_FALSE(spec.metric_bounds.at("items").max);
  ASSERT_EQ(spec.sample_bounds.size(), 1u);
  EXPECT_EQ(spec.sample_bounds.at("floor.put").max, 100);
  EXPECT_FALSE(spec.sample_bounds.at("floor.put").min);
  ASSERT_EQ(spec.overrides.size(), 2u);
  const Override& first = spec.overrides[0];
  EXPECT_EQ(first.start_method, StartMethod::fork);
  EXPECT_EQ(first.impl, Impl::cpp);
  EXPECT_EQ(first.outcomes, (std::vector<Outcome>{{Outcome::Kind::signal, 11}}));
  EXPECT_FALSE(first.xfail);
  EXPECT_TRUE(first.compare);
  EXPECT_EQ(first.reason, "mp crashes here");
  EXPECT_EQ(first.where.line, 28);
  const Override& second = spec.overrides[1];
  EXPECT_FALSE(second.start_method);
  EXPECT_EQ(second.impl, Impl::python);
  EXPECT_TRUE(second.outcomes.empty());
  EXPECT_TRUE(second.xfail);
  EXPECT_FALSE(second.compare);
  EXPECT_EQ(second.where.line, 34);

  // Expectations per combination, overrides merged.
  const Override* from = nullptr;
  EXPECT_EQ(spec.expected_for(StartMethod::fork, Impl::cpp, &from), first.outcomes);
  EXPECT_EQ(from, &first);
  EXPECT_EQ(spec.expected_for(StartMethod::spawn, Impl::cpp, &from), spec.expected_outcomes);
  EXPECT_EQ(from, nullptr);
  Expectation python_fork = spec.expectation_for(StartMethod::fork, Impl::python);
  EXPECT_EQ(python_fork.outcomes_str(), "exit:0 | hang");
  EXPECT_TRUE(python_fork.xfail);
  EXPECT_FALSE(python_fork.compare);
  EXPECT_EQ(python_fork.reasons(), "CPython bug 123");
  Expectation cpp_fork = spec.expectation_for(StartMethod::fork, Impl::cpp);
  EXPECT_EQ(cpp_fork.outcomes_str(), "signal:SIGSEGV");
  EXPECT_FALSE(cpp_fork.xfail);
  EXPECT_TRUE(cpp_fork.compare);
  EXPECT_EQ(cpp_fork.overrides.size(), 1u);

  EXPECT_EQ(spec.program_arguments(StartMethod::spawn),
            (std::vector<std::string>{"--start-method", "spawn", "--param", "mode=fast", "--param",
                                      "size=1000000"}));
}

TEST(CaseSpec, MinimalCaseGetsTheDefaults) {
  TempDir dir;
  CaseSpec spec = load_case(write_case(dir.path() / "p" / "x", header), "p/x");
  EXPECT_EQ(spec.start_methods.size(), 3u);
  EXPECT_EQ(spec.timeout_s, 10);
  EXPECT_EQ(spec.runs, 1);
  EXPECT_FALSE(spec.exclusive);
  EXPECT_EQ(spec.compare, CompareMode::ordered);
  EXPECT_TRUE(spec.normalize.empty());
  EXPECT_TRUE(spec.rules.empty());
  EXPECT_TRUE(spec.params.empty());
  EXPECT_EQ(spec.expected_outcomes, (std::vector<Outcome>{{Outcome::Kind::exit, 0}}));
  EXPECT_TRUE(spec.overrides.empty());
  EXPECT_EQ(spec.program_arguments(StartMethod::fork),
            (std::vector<std::string>{"--start-method", "fork"}));
}

TEST(CaseSpec, NormalizeArrayIsShorthandForSets) {
  TempDir dir;
  CaseSpec spec = load_case(
      write_case(dir.path() / "c", header + "normalize = [\"addresses\", \"pids\", \"pids\"]\n"), "c");
  EXPECT_EQ(spec.normalize, (std::vector<std::string>{"addresses", "pids"}));
}

TEST(CaseSpec, UnknownKeysAreRejectedAtTheirLine) {
  CaseError top = load_error(header + "runz = 3\n");
  EXPECT_EQ(top.where().line, 4);
  EXPECT_EQ(top.where().column, 1);
  EXPECT_NE(std::string(top.what()).find("unknown key 'runz'"), std::string::npos);

  EXPECT_EQ(load_error(header + "[expect]\noutcome = \"exit:0\"\noutcom = \"hang\"\n").where().line, 6);
  EXPECT_EQ(load_error(header + "[expect.metrics]\nx = { min = 1, maximum = 2 }\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[[expect.override]]\nimpl = \"cpp\"\nxfail = true\nreason = \"r\"\n"
                                "why = \"w\"\n")
                .where()
                .line,
            8);
  EXPECT_EQ(load_error(header + "[normalize]\nsets = []\nrules = []\n").where().line, 6);
  EXPECT_EQ(load_error(header + "[[normalize.rule]]\nregex = \"a\"\nreplacement = \"b\"\n").where().line, 6);
}

TEST(CaseSpec, WrongTypesAreRejectedAtTheValue) {
  CaseError runs = load_error(header + "runs = \"3\"\n");
  EXPECT_EQ(runs.where().line, 4);
  EXPECT_EQ(runs.where().column, 8);
  EXPECT_NE(std::string(runs.what()).find("'runs' must be an integer, not a string"), std::string::npos);
  EXPECT_EQ(load_error(header + "\ntimeout_s = \"5\"\n").where().line, 5);
  EXPECT_EQ(load_error(header + "tags = \"queues\"\n").where().line, 4);
  EXPECT_EQ(load_error(header + "tags = [\"a\",\n  3]\n").where().line, 5);
  EXPECT_EQ(load_error(header + "exclusive = 1\n").where().line, 4);
  EXPECT_EQ(load_error(header + "title2 = 1\n").where().line, 4);
  EXPECT_EQ(load_error("title = 1\nbehavior = \"b\"\nsource = \"s\"\n").where().line, 1);
  EXPECT_EQ(load_error(header + "params = { n = 10 }\n").where().line, 4);
  EXPECT_EQ(load_error(header + "expect = 3\n").where().line, 4);
  EXPECT_EQ(load_error(header + "[expect]\noverride = { reason = \"r\", xfail = true }\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[expect.metrics]\nx = 4\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[expect.metrics]\nx = { min = \"4\" }\n").where().line, 5);
}

TEST(CaseSpec, MissingProgramsAreRejected) {
  CaseError python = load_error(header, Programs{.python = false});
  EXPECT_EQ(python.where().line, 1);
  EXPECT_NE(std::string(python.what()).find("missing program"), std::string::npos);
  EXPECT_NE(std::string(python.what()).find("case.py"), std::string::npos);
  CaseError cpp = load_error(header, Programs{.cpp = false});
  EXPECT_NE(std::string(cpp.what()).find("case.cpp"), std::string::npos);
}

TEST(CaseSpec, MissingRequiredKeysAreRejected) {
  CaseError error = load_error("title = \"t\"\nsource = \"s\"\n");
  EXPECT_NE(std::string(error.what()).find("missing required key 'behavior'"), std::string::npos);
  EXPECT_EQ(load_error(header + "[[expect.override]]\nxfail = true\n").where().line, 4);
}

TEST(CaseSpec, BadValuesAreRejectedAtTheirLine) {
  CaseError method = load_error(header + "start_methods = [\"fork\", \"vfork\"]\n");
  EXPECT_EQ(method.where().line, 4);
  EXPECT_EQ(method.where().column, 26);
  EXPECT_NE(std::string(method.what()).find("unknown start method 'vfork'"), std::string::npos);
  EXPECT_EQ(load_error(header + "start_methods = [\"fork\", \"fork\"]\n").where().line, 4);
  EXPECT_EQ(load_error(header + "start_methods = []\n").where().line, 4);
  EXPECT_EQ(load_error(header + "compare = \"sorted\"\n").where().line, 4);
  EXPECT_EQ(load_error(header + "normalize = [\"pids\",\n \"uuids\"]\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[normalize]\nsets = [\"uuids\"]\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[[normalize.rule]]\nregex = \"(unclosed\"\n").where().line, 5);
  EXPECT_EQ(load_error(header + "runs = 0\n").where().line, 4);
  EXPECT_EQ(load_error(header + "timeout_s = 0\n").where().line, 4);
  EXPECT_EQ(load_error(header + "[expect]\noutcome = \"exit:abc\"\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[expect]\noutcome = \"exit:256\"\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[expect]\noutcome = [\"exit:0\", \"signal:SIGFOO\"]\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[expect]\noutcome = \"deadlock\"\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[expect.metrics]\nx = { min = 5, max = 4 }\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[expect.metrics]\nx = {}\n").where().line, 5);
  CaseError samples = load_error(header + "[expect.samples]\nput = { min = 5, max = 4 }\n");
  EXPECT_EQ(samples.where().line, 5);
  EXPECT_NE(std::string(samples.what()).find("min > max"), std::string::npos);
  EXPECT_EQ(load_error(header + "[expect.samples]\nput = { mean = 4 }\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[expect.samples]\nput = { some_run_min = 4 }\n").where().line, 5);
  CaseError unreachable = load_error(header + "[expect.metrics]\nx = { max = 3, some_run_min = 4 }\n");
  EXPECT_EQ(unreachable.where().line, 5);
  EXPECT_NE(std::string(unreachable.what()).find("no run may have"), std::string::npos);
  CaseError mode = load_error(header + "[expect.distribution]\ncompare = \"ks\"\n");
  EXPECT_EQ(mode.where().line, 5);
  EXPECT_NE(std::string(mode.what()).find("unknown distribution compare 'ks'"), std::string::npos);
  EXPECT_EQ(load_error(header + "[expect.distribution]\nalpha = 1.5\n").where().line, 5);
  EXPECT_EQ(load_error(header + "[expect.distribution]\nmin_share = 0.2\n").where().line, 5);
  // A judging comparison that cannot fail: 6 runs a side never reach alpha = 0.001.
  CaseError vacuous = load_error(header + "runs = 6\n[expect.distribution]\ncompare = \"support\"\n");
  EXPECT_EQ(vacuous.where().line, 6);
  EXPECT_NE(std::string(vacuous.what()).find("compare = \"support\" cannot fail with runs = 6: the smallest support "
                                              "p-value of 6 runs a side is 0.0011, not below alpha / 2; give the case "
                                              "runs >= 7"),
            std::string::npos)
      << vacuous.what();
  EXPECT_EQ(load_error(header + "[expect.distribution]\ntest = \"chi\"\n").where().line, 5);
}

TEST(CaseSpec, DistributionAndSomeRunBoundsLoad) {
  TempDir dir;
  CaseSpec spec = load_case(write_case(dir.path() / "c", header + R"(runs = 30
[expect.metrics]
lost = { min = 0, max = 100, some_run_min = 1 }
[expect.distribution]
compare = "test"
alpha = 0.001
)"), "area/c");
  EXPECT_EQ(spec.metric_bounds.at("lost").some_run_min, 1);
  EXPECT_EQ(spec.metric_bounds.at("lost").max, 100);
  EXPECT_FALSE(spec.metric_bounds.at("lost").some_run_max);
  EXPECT_EQ(spec.distribution.compare, DistributionCompare::test);
  EXPECT_DOUBLE_EQ(spec.distribution.alpha, 0.001);
  CaseSpec lenient = load_case(write_case(dir.path() / "e", header + R"(runs = 5
[expect.distribution]
compare = "support"
alpha = 0.01
)"), "area/e");
  EXPECT_DOUBLE_EQ(lenient.distribution.alpha, 0.01) << "5 runs a side can reach 0.01";
  EXPECT_EQ(load_case(write_case(dir.path() / "d", header), "area/d").distribution.compare,
            DistributionCompare::none);
}

TEST(CaseSpec, AnOverrideMayExemptVariablesFromTheDistributionComparison) {
  TempDir dir;
  CaseSpec spec = load_case(write_case(dir.path() / "c", header + R"(runs = 30
[expect.distribution]
compare = "support"
[[expect.override]]
impl = "cpp"
distribution_exempt = ["visible"]
reason = "mp flushes first"
[[expect.override]]
impl = "cpp"
start_method = "fork"
distribution_exempt = ["outcome"]
reason = "fork differs"
)"), "area/c");
  EXPECT_EQ(spec.expectation_for(StartMethod::fork, Impl::cpp).distribution_exempt,
            (std::set<std::string>{"outcome", "visible"}));
  EXPECT_EQ(spec.expectation_for(StartMethod::spawn, Impl::cpp).distribution_exempt, (std::set<std::string>{"visible"}));
  EXPECT_TRUE(spec.expectation_for(StartMethod::spawn, Impl::python).distribution_exempt.empty());
  EXPECT_NE(std::string(load_error(header + "[[expect.override]]\nimpl = \"cpp\"\ndistribution_exempt = [\"\"]\n"
                                            "reason = \"r\"\n")
                            .what())
                .find("distribution_exempt names a variable"),
            std::string::npos);
  EXPECT_NE(std::string(load_error(header + "[[expect.override]]\nimpl = \"cpp\"\ndistribution_exempt = \"visible\"\n"
                                            "reason = \"r\"\n")
                            .what())
                .find("an array"),
            std::string::npos);
}

TEST(CaseSpec, AnOverrideMayBoundMetricsAndSamplesWhereItApplies) {
  TempDir dir;
  CaseSpec spec = load_case(write_case(dir.path() / "c", header + R"([expect.metrics]
speedup = { min = 0 }
[expect.samples]
put = { max = 100 }
[[expect.override]]
impl = "python"
metrics = { speedup = { max = 1.5 }, parallelism = { max = 1.2 } }
reason = "the GIL"
[[expect.override]]
impl = "cpp"
python = ">=3.12"
samples = { put = { max = 10 } }
reason = "mp is faster"
)"), "area/c");
  const Expectation python = spec.expectation_for(StartMethod::fork, Impl::python, "3.11.7");
  ASSERT_EQ(python.metric_bounds.size(), 2u);
  EXPECT_EQ(python.metric_bounds.at("speedup").max, 1.5);  // replaces the case's bound
  EXPECT_FALSE(python.metric_bounds.at("speedup").min);
  EXPECT_EQ(python.metric_bounds.at("parallelism").max, 1.2);
  EXPECT_EQ(python.sample_bounds.at("put").max, 100);
  const Expectation cpp = spec.expectation_for(StartMethod::fork, Impl::cpp, "3.11.7");
  EXPECT_EQ(cpp.metric_bounds.size(), 1u);
  EXPECT_EQ(cpp.metric_bounds.at("speedup").min, 0);
  EXPECT_EQ(cpp.sample_bounds.at("put").max, 100);  // 3.11 is outside the range
  EXPECT_EQ(spec.expectation_for(StartMethod::fork, Impl::cpp, "3.12.1").sample_bounds.at("put").max, 10);

  // An override's bounds are checked like the case's.
  EXPECT_NE(std::string(load_error(header + "[[expect.override]]\nimpl = \"cpp\"\nmetrics = { n = { min = 2, max = 1 } }\n"
                                            "reason = \"r\"\n")
                            .what())
                .find("min > max"),
            std::string::npos);
  EXPECT_EQ(load_error(header + "[[expect.override]]\nimpl = \"cpp\"\nsamples = { put = { some_run_min = 1 } }\n"
                                "reason = \"r\"\n")
                .where()
                .line,
            6);
  // Two overrides bounding one name for the same combination: the second is rejected.
  CaseError overlap = load_error(header +
                                 "[[expect.override]]\nimpl = \"cpp\"\nmetrics = { n = { max = 1 } }\n"
                                 "reason = \"a\"\n"
                                 "[[expect.override]]\nstart_method = \"fork\"\nmetrics = { n = { max = 2 } }\n"
                                 "reason = \"b\"\n");
  EXPECT_EQ(overlap.where().line, 8);
  EXPECT_NE(std::string(overlap.what()).find("bound on 'n' overlaps the one at line 4"), std::string::npos);
  // Disjoint ones load.
  EXPECT_NO_THROW(load_case(write_case(dir.path() / "d", header +
                                                            "[[expect.override]]\nimpl = \"cpp\"\n"
                                                            "metrics = { n = { max = 1 } }\nreason = \"a\"\n"
                                                            "[[expect.override]]\nimpl = \"python\"\n"
                                                            "metrics = { n = { max = 2 } }\nreason = \"b\"\n"),
                            "area/d"));
}

TEST(CaseSpec, OverridesNeedAReasonAndAnEffect) {
  CaseError no_reason = load_error(header + "\n[[expect.override]]\nimpl = \"cpp\"\noutcome = \"hang\"\n");
  EXPECT_EQ(no_reason.where().line, 5);
  EXPECT_NE(std::string(no_reason.what()).find("without a 'reason'"), std::string::npos);
  EXPECT_EQ(load_error(header + "[[expect.override]]\nimpl = \"cpp\"\nreason = \"\"\nxfail = true\n")
                .where()
                .line,
            6);
  CaseError no_effect = load_error(header + "[[expect.override]]\nimpl = \"cpp\"\nreason = \"r\"\n");
  EXPECT_NE(std::string(no_effect.what()).find("changes nothing"), std::string::npos);
  EXPECT_EQ(load_error(header + "[[expect.override]]\nimpl = \"go\"\nxfail = true\nreason = \"r\"\n")
                .where()
                .line,
            5);
  EXPECT_EQ(load_error(header + "start_methods = [\"spawn\"]\n[[expect.override]]\n"
                                "start_method = \"fork\"\nxfail = true\nreason = \"r\"\n")
                .where()
                .line,
            6);
  // Two outcome overrides for the same combination: the second is rejected.
  CaseError overlap = load_error(header +
                                 "[[expect.override]]\nimpl = \"cpp\"\noutcome = \"hang\"\nreason = \"a\"\n"
                                 "[[expect.override]]\nstart_method = \"fork\"\noutcome = \"exit:1\"\n"
                                 "reason = \"b\"\n");
  EXPECT_EQ(overlap.where().line, 8);
  EXPECT_NE(std::string(overlap.what()).find("overlaps the one at line 4"), std::string::npos);
}

TEST(CaseSpec, TomlSyntaxErrorsNameTheLine) {
  CaseError error = load_error(header + "runs = 3\ntags = [\"a\"\n");
  EXPECT_EQ(error.where().line, 5);
  EXPECT_GT(error.where().column, 0);
  EXPECT_EQ(load_error(header + "title = \"again\"\n").where().line, 4);  // duplicate key
}

TEST(Outcome, ParsesAndPrintsEveryKind) {
  EXPECT_EQ(Outcome::parse("exit:0"), (Outcome{Outcome::Kind::exit, 0}));
  EXPECT_EQ(Outcome::parse("exit:3")->str(), "exit:3");
  EXPECT_EQ(Outcome::parse("signal:SIGSEGV"), (Outcome{Outcome::Kind::signal, 11}));
  EXPECT_EQ(Outcome::parse("signal:SEGV")->str(), "signal:SIGSEGV");
  EXPECT_EQ(Outcome::parse("signal:9")->str(), "signal:SIGKILL");
  EXPECT_EQ(Outcome::parse("hang")->str(), "hang");
  EXPECT_EQ(Outcome::parse("crash")->str(), "crash");
  for (const char* bad : {"", "exit", "exit:", "exit:-1", "exit:1x", "signal:", "signal:NOPE",
                          "signal:0", "Hang", "exit: 1"})
    EXPECT_FALSE(Outcome::parse(bad)) << bad;
}

TEST(Outcome, CrashAcceptsAnySignalOnly) {
  Outcome crash{Outcome::Kind::crash, 0};
  EXPECT_TRUE(crash.accepts({Outcome::Kind::signal, 11}));
  EXPECT_TRUE(crash.accepts({Outcome::Kind::signal, 6}));
  EXPECT_FALSE(crash.accepts({Outcome::Kind::exit, 1}));
  EXPECT_FALSE(crash.accepts({Outcome::Kind::hang, 0}));
  Outcome segv{Outcome::Kind::signal, 11};
  EXPECT_TRUE(segv.accepts({Outcome::Kind::signal, 11}));
  EXPECT_FALSE(segv.accepts({Outcome::Kind::signal, 6}));
  EXPECT_FALSE(Outcome{}.accepts({Outcome::Kind::exit, 1}));
}

TEST(CaseSpec, NamesRoundTrip) {
  for (StartMethod method : all_start_methods) EXPECT_EQ(parse_start_method(to_string(method)), method);
  EXPECT_EQ(parse_impl("cpp"), Impl::cpp);
  EXPECT_EQ(parse_impl("python"), Impl::python);
  EXPECT_FALSE(parse_impl("c++"));
  EXPECT_EQ(parse_compare_mode("none"), CompareMode::none);
  EXPECT_FALSE(parse_start_method("Fork"));
  EXPECT_EQ((SourceLocation{"a/case.toml", 3, 7}.str()), "a/case.toml:3:7");
}

TEST(DiscoverCases, FindsSortsAndReportsBadCases) {
  TempDir first, second;
  write_case(first.path() / "queues" / "b", header);
  write_case(first.path() / "queues" / "a", header);
  write_case(first.path() / "pool" / "deep" / "x", header);
  write_case(first.path() / "broken", header + "runs = \"x\"\n");
  write_case(first.path() / ".hidden" / "y", header);
  write_file(first.path() / "notes" / "README.md", "not a case\n");
  write_case(second.path() / "queues" / "a", header);  // duplicate id: the later root's is an error
  write_case(second.path() / "extra", header);

  std::vector<LoadedCase> cases =
      discover_cases({first.path(), second.path(), first.path() / "does-not-exist"});
  std::vector<std::string> ids;
  for (const LoadedCase& loaded : cases) ids.push_back(loaded.id);
  std::string missing_root = (first.path() / "does-not-exist").string();
  std::vector<std::string> expected{"broken", "extra", "pool/deep/x", "queues/a", "queues/a", "queues/b"};
  expected.push_back(missing_root);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ids, expected);

  for (const LoadedCase& loaded : cases) {
    if (loaded.id == "broken") {
      EXPECT_FALSE(loaded.spec);
      EXPECT_EQ(loaded.error.rfind((first.path() / "broken" / "case.toml").string() + ":4:8: ", 0), 0u)
          << loaded.error;
    } else if (loaded.id == missing_root) {
      EXPECT_FALSE(loaded.spec);
      EXPECT_NE(loaded.error.find("not a directory"), std::string::npos);
    } else if (loaded.id == "queues/a" && loaded.toml_path.string().starts_with(second.path().string())) {
      EXPECT_FALSE(loaded.spec);
      EXPECT_NE(loaded.error.find("duplicate case id 'queues/a'"), std::string::npos);
    } else {
      ASSERT_TRUE(loaded.spec) << loaded.id << ": " << loaded.error;
      EXPECT_EQ(loaded.spec->id, loaded.id);
      EXPECT_TRUE(loaded.error.empty());
    }
  }
}

TEST(CaseSpec, MangledFilesFailOnlyWithCaseErrors) {
  // Deterministic mutations of a full case.toml: every outcome is a spec or a CaseError whose
  // location is inside the file; nothing else escapes the loader.
  const std::string good = header + R"(tags = ["a"]
start_methods = ["fork", "spawn"]
runs = 2
normalize = ["pids"]
params = { n = "1" }
[expect]
outcome = ["exit:0", "hang"]
[expect.metrics]
m = { min = 1, max = 2 }
[[expect.override]]
impl = "cpp"
xfail = true
reason = "r"
)";
  const std::string alphabet = "[]{}=\",.:#'\n abc01";
  TempDir dir;
  unsigned state = 12345;
  auto next = [&] { return state = state * 1103515245u + 12345u, (state >> 16) & 0x7fff; };
  int lines = static_cast<int>(std::count(good.begin(), good.end(), '\n')) + 1;
  for (int trial = 0; trial < 400; ++trial) {
    std::string text = good;
    for (int edit = 0, edits = 1 + next() % 3; edit < edits; ++edit) {
      std::size_t at = next() % text.size();
      switch (next() % 3) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, alphabet[next() % alphabet.size()]); break;
        default: text[at] = alphabet[next() % alphabet.size()]; break;
      }
    }
    fs::path path = dir.path() / "c" / "case.toml";
    if (trial == 0) write_case(dir.path() / "c", text);
    else write_file(path, text);
    try {
      load_case(path, "c");
    } catch (const CaseError& error) {
      EXPECT_GE(error.where().line, 1) << error.what() << "\n" << text;
      EXPECT_LE(error.where().line, lines + 3) << error.what() << "\n" << text;
    } catch (const std::exception& other) {
      ADD_FAILURE() << "not a CaseError: " << other.what() << "\n" << text;
    }
  }
}

// Hardening (issue 13): nothing in a case.toml can crash the loader or slip through unchecked.
TEST(CaseSpec, DeepNestingIsRejectedBeforeParsing) {
  // 60,000 dotted parts used to overflow the parser's stack (parity list died with SIGSEGV).
  std::string deep_key = "a";
  for (int i = 0; i < 60'000; ++i) deep_key += ".a";
  CaseError dotted = load_error(header + deep_key + " = 1\n");
  EXPECT_EQ(dotted.where().line, 4);
  EXPECT_NE(std::string(dotted.what()).find("dotted parts"), std::string::npos) << dotted.what();
  EXPECT_EQ(load_error(header + "[" + deep_key + "]\n").where().line, 4);
  EXPECT_EQ(load_error(header + "x = { " + deep_key + " = 1 }\n").where().line, 4);
  CaseError arrays = load_error(header + "x = " + std::string(50'000, '[') + "\n");
  EXPECT_NE(std::string(arrays.what()).find("nested more than"), std::string::npos) << arrays.what();
  // Dots inside strings, comments and float values are not nesting.
  TempDir dir;
  std::string dots(100, '.');
  fs::path fine = write_case(dir.path() / "c",
                             header + "tags = [\"" + dots + "\", '" + dots + "']  # " + dots +
                                 "\nbehavior2 = \"\"\"\n" + dots + "\n\"\"\"\n");
  CaseError unknown = load_error(header + "timeout_s = 1.5\n\"" + dots + "\" = 1\n");
  EXPECT_NE(std::string(unknown.what()).find("unknown key"), std::string::npos) << unknown.what();
  try {
    load_case(fine, "area/c");
  } catch (const CaseError& error) {
    EXPECT_NE(std::string(error.what()).find("unknown key 'behavior2'"), std::string::npos)
        << error.what();
  }
  CaseError big = load_error(header + "# " + std::string(2u << 20, 'x') + "\n");
  EXPECT_NE(std::string(big.what()).find("larger than"), std::string::npos) << big.what();
}

TEST(CaseSpec, TimeoutsOutsideTheirRangeAreRejected) {
  for (const char* value : {"1e30", "inf", "+inf", "nan", "1e10", "86401", "0.001", "-1"}) {
    CaseError error = load_error(header + "timeout_s = " + value + "\n");
    EXPECT_EQ(error.where().line, 4) << value;
    EXPECT_EQ(error.where().column, 13) << value;
  }
  TempDir dir;
  EXPECT_EQ(load_case(write_case(dir.path() / "c", header + "timeout_s = 86400\n"), "a/c").timeout_s,
            86400);
  // The product with --timeout-multiplier saturates instead of overflowing.
  EXPECT_EQ(scaled_timeout(10, 1e300), max_scaled_timeout);
  EXPECT_EQ(scaled_timeout(86400, 1e6), max_scaled_timeout);
  EXPECT_EQ(scaled_timeout(2.5, 2), std::chrono::milliseconds(5000));
  EXPECT_EQ(scaled_timeout(0.01, 1e-9), std::chrono::milliseconds(1));
}

TEST(CaseSpec, NonFiniteBoundsAndNulInParamsAreRejected) {
  CaseError nan = load_error(header + "[expect.metrics]\nx = { min = nan }\n");
  EXPECT_EQ(nan.where().line, 5);
  EXPECT_NE(std::string(nan.what()).find("finite"), std::string::npos) << nan.what();
  EXPECT_EQ(load_error(header + "[expect.samples]\nx = { max = -inf }\n").where().line, 5);
  CaseError nul = load_error(header + "[params]\nn = \"1\\u0000; rm -rf\"\n");
  EXPECT_EQ(nul.where().line, 5);
  EXPECT_NE(std::string(nul.what()).find("NUL"), std::string::npos) << nul.what();
  EXPECT_EQ(load_error(header + "[params]\n\"a\\u0000b\" = \"1\"\n").where().line, 5);
}

TEST(CaseSpec, RulesAreRE2WithCheckedReplacements) {
  EXPECT_EQ(load_error(header + "[[normalize.rule]]\nregex = '(?=lookahead)'\n").where().line, 5);
  CaseError group = load_error(header + "[[normalize.rule]]\nregex = '(a)'\nreplace = '$2'\n");
  EXPECT_NE(std::string(group.what()).find("replacement"), std::string::npos) << group.what();
  TempDir dir;
  // Catastrophic backtracking for a backtracking engine; RE2 compiles it and matches in linear time.
  CaseSpec spec = load_case(write_case(dir.path() / "c", header +
                                                             "[[normalize.rule]]\n"
                                                             "regex = '(a+)+$'\nreplace = 'A'\n"),
                            "a/c");
  EXPECT_EQ(spec.rules.size(), 1u);
}

TEST(DiscoverCases, ACaseTomlThatIsADirectoryIsReported) {
  TempDir dir;
  fs::create_directories(dir.path() / "area" / "odd" / "case.toml");
  write_file(dir.path() / "area" / "odd" / "case.py", "print(1)\n");
  auto cases = discover_cases({dir.path()});
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].id, "area/odd");
  EXPECT_FALSE(cases[0].spec);
  EXPECT_NE(cases[0].error.find("case.toml:1:1: is a directory"), std::string::npos) << cases[0].error;
}

// Issue 16: [expect] hang_after_quiet_s, only where a hang is expected, in range.
TEST(CaseSpec, HangAfterQuietIsForRunsThatMayHang) {
  TempDir dir;
  CaseSpec spec = load_case(write_case(dir.path() / "c", header +
                                                             "[expect]\noutcome = \"hang\"\n"
                                                             "hang_after_quiet_s = 0.5\n"
                                                             "[[expect.override]]\nimpl = \"cpp\"\n"
                                                             "outcome = \"exit:0\"\nreason = \"r\"\n"),
                            "a/c");
  EXPECT_EQ(spec.hang_after_quiet_s, 0.5);
  EXPECT_TRUE(spec.may_hang(StartMethod::fork, Impl::python));
  EXPECT_FALSE(spec.may_hang(StartMethod::fork, Impl::cpp));
  // A hang set by an override is enough.
  load_case(write_case(dir.path() / "d", header +
                                             "[expect]\nhang_after_quiet_s = 1\n"
                                             "[[expect.override]]\nstart_method = \"spawn\"\n"
                                             "outcome = \"hang\"\nreason = \"r\"\n"),
            "a/d");
  CaseError no_hang = load_error(header + "[expect]\nhang_after_quiet_s = 0.5\n");
  EXPECT_EQ(no_hang.where().line, 5);
  EXPECT_NE(std::string(no_hang.what()).find("no expected outcome is \"hang\""), std::string::npos)
      << no_hang.what();
  for (const char* value : {"0", "0.01", "-1", "nan", "inf", "1e9"}) {
    CaseError error = load_error(header + "[expect]\noutcome = \"hang\"\nhang_after_quiet_s = " + value + "\n");
    EXPECT_EQ(error.where().line, 6) << value;
  }
}
