// The normalizer: pid identity in every known position, numbers that are not pids, addresses,
// floats, case rules, and the @metric split.

#include <gtest/gtest.h>

#include "normalizer.hpp"

using namespace parity;

namespace {

using Lines = std::vector<std::string>;

RunRecord exited_with(std::string stdout_text, int code = 0) {
  RunRecord record;
  record.stdout_text = std::move(stdout_text);
  record.status = ExitStatus::exited(code);
  return record;
}

Lines pids_only(std::string_view text) { return Normalizer({"pids"}, {}).normalize_text(text); }

}  // namespace

TEST(Normalizer, PidIdentityHoldsInEveryPosition) {
  Lines lines = pids_only(
      "parent pid 4242\n"
      "pid=5001 started\n"
      "<Process name='Process-1' pid=5001 parent=4242 started>\n"
      "worker_pid: 5002\n"
      "task 3 ran in pid 5001\n"
      "my PID is 5002\n"
      "os.getpid() = 5003 and ppid 4242\n"
      "pids [5003, 5001,5002]\n"
      "pid 5001.\n");
  EXPECT_EQ(lines, (Lines{
                       "parent pid <pid1>",
                       "pid=<pid2> started",
                       "<Process name='Process-1' pid=<pid2> parent=<pid1> started>",
                       "worker_pid: <pid3>",
                       "task 3 ran in pid <pid2>",
                       "my PID is <pid3>",
                       "os.getpid() = <pid4> and ppid <pid1>",
                       "pids [<pid4>, <pid2>,<pid3>]",
                       "pid <pid2>.",
                   }));
}

TEST(Normalizer, NumbersThatAreNotPidsSurvive) {
  Lines input{
      "result [0, 1, 4, 9]",
      "distinct pids 4",            // a count: pids takes only a bracketed list
      "rapid 1234",                 // "pid" inside a word
      "pidfile 1234",
      "<Process name='Process-1' pid=None parent=77 initial>",
      "Process-1234 exitcode=0",
      "pid 3.25",                   // not an integer
      "pid 12345678",               // longer than any pid
      "pid 123abc",
      "12345 items",
  };
  std::string text;
  for (const std::string& line : input) text += line + "\n";
  Lines lines = pids_only(text);
  Lines expected = input;
  expected[4] = "<Process name='Process-1' pid=None parent=<pid1> initial>";
  EXPECT_EQ(lines, expected);
}

TEST(Normalizer, PidLabelsAreNumberedPerRun) {
  Normalizer normalizer({"pids"}, {});
  NormalizedRun first = normalizer.normalize(exited_with("pid 100\npid 200\n"));
  NormalizedRun second = normalizer.normalize(exited_with("pid 300\npid 300\npid 100\n"));
  EXPECT_EQ(first.lines, (Lines{"pid <pid1>", "pid <pid2>"}));
  EXPECT_EQ(second.lines, (Lines{"pid <pid1>", "pid <pid1>", "pid <pid2>"}));
}

TEST(Normalizer, PidLabelerCountsDistinctPids) {
  PidLabeler labeler;
  EXPECT_EQ(labeler.relabel("pid 7 pid 8 pid 7"), "pid <pid1> pid <pid2> pid <pid1>");
  EXPECT_EQ(labeler.distinct_pids(), 2u);
  EXPECT_EQ(labeler.relabel("no pids here"), "no pids here");
}

TEST(Normalizer, WithoutThePidSetPidsStay) {
  EXPECT_EQ(Normalizer({}, {}).normalize_text("pid 1234\n"), Lines{"pid 1234"});
}

TEST(Normalizer, AddressesBecomeAddr) {
  EXPECT_EQ(replace_addresses("<function f at 0x7f3c2a1b2c40>"), "<function f at <addr>>");
  EXPECT_EQ(replace_addresses("ptr 0X55D4AB12CD00, 0x7ffd1234abcd"), "ptr <addr>, <addr>");
  EXPECT_EQ(replace_addresses("flags 0x1f mask 0x12345"), "flags 0x1f mask 0x12345");
  EXPECT_EQ(replace_addresses("id0x7f3c2a1b2c40 0x7f3c2a1b2c40g"), "id0x7f3c2a1b2c40 0x7f3c2a1b2c40g");
  Normalizer normalizer({"addresses"}, {});
  EXPECT_EQ(normalizer.normalize_text("<Lock object at 0x7f00aabbccdd>\n"),
            Lines{"<Lock object at <addr>>"});
}

TEST(Normalizer, FloatsPrintWithSixSignificantDigits) {
  // CPython prints the shortest repr, C++ iostreams 6 significant digits: both end up the same.
  EXPECT_EQ(canonical_floats("0.3333333333333333"), "0.333333");
  EXPECT_EQ(canonical_floats("0.333333"), "0.333333");
  EXPECT_EQ(canonical_floats("mean 2.0 of [1.5, 2.5]"), "mean 2 of [1.5, 2.5]");
  EXPECT_EQ(canonical_floats("1000000.0 vs 1e+06"), "1e+06 vs 1e+06");
  EXPECT_EQ(canonical_floats("1e-05 and 1E-5"), "1e-05 and 1e-05");
  EXPECT_EQ(canonical_floats("took 1.23456789s"), "took 1.23457s");
  EXPECT_EQ(canonical_floats("delta -0.5"), "delta -0.5");
  EXPECT_EQ(canonical_floats("0.0"), "0");
  // Not floats: integers, versions, identifiers, dotted names.
  EXPECT_EQ(canonical_floats("result [0, 1, 4, 9]"), "result [0, 1, 4, 9]");
  EXPECT_EQ(canonical_floats("CPython 3.11.4"), "CPython 3.11.4");
  EXPECT_EQ(canonical_floats("x1.5 v2e5 a.1.5"), "x1.5 v2e5 a.1.5");
  EXPECT_EQ(canonical_floats("1.2.3.4"), "1.2.3.4");
  EXPECT_EQ(canonical_floats("end 7."), "end 7.");
}

TEST(Normalizer, CaseRulesRunInOrderBeforeTheBuiltInSets) {
  // A case rule can mark a number as a pid, and a later rule sees the earlier one's output.
  Normalizer normalizer({"pids", "floats"},
                        {{R"(child (\d+) exited)", "child pid $1 exited"},
                         {"took [0-9.]+ ms", "took N ms"},
                         {"N ms", "some time"}});
  EXPECT_EQ(normalizer.normalize_text("child 4711 exited\ntook 12.5 ms\npid 4711 ratio 0.3333333\n"),
            (Lines{"child pid <pid1> exited", "took some time", "pid <pid1> ratio 0.333333"}));
}

TEST(Normalizer, MetricsAreSplitOutOfStdout) {
  Normalizer normalizer({"pids"}, {});
  NormalizedRun run = normalizer.normalize(exited_with(
      "start\n"
      "@metric empties 4\n"
      "  @metric wall 0.25 s\n"
      "pid 99\n"
      "@metric empties 5\n"
      "@metrics are not metric lines\n"
      "@metric broken\n"
      "@metric bad abc\n"
      "@metric too many words here\n"
      "end"));
  EXPECT_EQ(run.lines, (Lines{"start", "pid <pid1>", "@metrics are not metric lines", "end"}));
  EXPECT_EQ(run.metrics, (std::map<std::string, double>{{"empties", 5}, {"wall", 0.25}}));
  EXPECT_EQ(run.metric_units, (std::map<std::string, std::string>{{"wall", "s"}}));
  EXPECT_EQ(run.malformed_metrics,
            (Lines{"@metric broken", "@metric bad abc", "@metric too many words here"}));
  EXPECT_EQ(run.outcome, Outcome::parse("exit:0"));
  EXPECT_EQ(run.record.stdout_text.substr(0, 6), "start\n");  // the raw record is kept
}

// show's side-by-side view maps raw lines to compared ones with is_measure_line: it must drop
// exactly the lines normalize() splits out, malformed measures included.
TEST(Normalizer, IsMeasureLineAgreesWithWhatNormalizeSplitsOut) {
  const Lines raw{"start", "@metric a 1", "  @sample op 3 ns", "\t@metric", "@metrics x", "@samples 1",
                  "@sample broken", "x @metric a 1", "end"};
  std::string text;
  Lines expected_kept;
  for (const auto& line : raw) {
    text += line + "\n";
    if (!is_measure_line(line)) expected_kept.push_back(line);
  }
  EXPECT_EQ(expected_kept, (Lines{"start", "@metrics x", "@samples 1", "x @metric a 1", "end"}));
  EXPECT_EQ(Normalizer({}, {}).normalize(exited_with(text)).lines, expected_kept);
}

TEST(Normalizer, ParsesMetricLines) {
  auto metric = parse_metric_line("@metric tasks_per_s 1.5e3 1/s");
  ASSERT_TRUE(metric);
  EXPECT_EQ(metric->name, "tasks_per_s");
  EXPECT_EQ(metric->value, 1500);
  EXPECT_EQ(metric->unit, "1/s");
  EXPECT_FALSE(parse_metric_line("@metric x nan"));
  EXPECT_FALSE(parse_metric_line("@metric x 1.5x"));
  EXPECT_FALSE(parse_metric_line("metric x 1"));
}

TEST(Normalizer, SamplesAreCollectedInOrderAndNeverCompared) {
  Normalizer normalizer({"floats"}, {});
  NormalizedRun run = normalizer.normalize(exited_with(
      "start\n"
      "@sample put 1.5 us\n"
      "  @sample floor.put 0.25 us\n"
      "@sample put 1.25 us\n"
      "@sample rate 3e6 items/s\n"
      "@samples are not sample lines\n"
      "@sample put 2 ms\n"             // another unit for put: malformed, not collected
      "@sample bare 1\n"               // the unit is required
      "@sample odd 1 furlongs\n"       // not a known unit
      "@sample nan nan ns\n"
      "@sample a b c d e\n"
      "end 0.5000\n"));
  EXPECT_EQ(run.lines, (Lines{"start", "@samples are not sample lines", "end 0.5"}));
  EXPECT_EQ(run.samples, (std::map<std::string, std::vector<double>>{
                             {"put", {1.5, 1.25}}, {"floor.put", {0.25}}, {"rate", {3e6}}}));
  EXPECT_EQ(run.sample_units, (std::map<std::string, std::string>{
                                  {"put", "us"}, {"floor.put", "us"}, {"rate", "items/s"}}));
  EXPECT_EQ(run.malformed_samples,
            (Lines{"@sample put 2 ms", "@sample bare 1", "@sample odd 1 furlongs",
                   "@sample nan nan ns", "@sample a b c d e"}));
  EXPECT_TRUE(run.metrics.empty());
  EXPECT_TRUE(run.malformed_metrics.empty());
}

TEST(Normalizer, ParsesSampleLines) {
  for (std::string_view unit : sample_units()) {
    auto sample = parse_sample_line("@sample x 2.5e-3 " + std::string(unit));
    ASSERT_TRUE(sample) << unit;
    EXPECT_EQ(sample->name, "x");
    EXPECT_EQ(sample->value, 2.5e-3);
    EXPECT_EQ(sample->unit, unit);
  }
  EXPECT_EQ(sample_units().size(), 6u);
  EXPECT_TRUE(is_sample_unit("B/s"));
  EXPECT_FALSE(is_sample_unit("b/s"));
  EXPECT_FALSE(parse_sample_line("@sample x 1"));
  EXPECT_FALSE(parse_sample_line("@sample x inf us"));
  EXPECT_FALSE(parse_sample_line("@sample x 1us us"));
  EXPECT_FALSE(parse_sample_line("@metric x 1 us"));
}

TEST(Normalizer, SplitsLinesLikeAReaderWould) {
  Normalizer normalizer({}, {});
  EXPECT_EQ(normalizer.normalize_text(""), Lines{});
  EXPECT_EQ(normalizer.normalize_text("a\r\nb"), (Lines{"a", "b"}));
  EXPECT_EQ(normalizer.normalize_text("a\n\nb\n"), (Lines{"a", "", "b"}));
}

TEST(Normalizer, OutcomesOfRuns) {
  Normalizer normalizer({}, {});
  EXPECT_EQ(normalizer.normalize(exited_with("", 3)).outcome, (Outcome{Outcome::Kind::exit, 3}));
  RunRecord crashed;
  crashed.status = ExitStatus::killed(11);
  EXPECT_EQ(normalizer.normalize(crashed).outcome, (Outcome{Outcome::Kind::signal, 11}));
  RunRecord hung;
  hung.status = ExitStatus::killed(9);
  hung.timed_out = true;
  EXPECT_EQ(normalizer.normalize(hung).outcome, (Outcome{Outcome::Kind::hang, 0}));
  RunRecord never;
  never.launch_error = "No such file or directory";
  EXPECT_FALSE(normalizer.normalize(never).outcome);
  EXPECT_EQ(outcome_text(normalizer.normalize(never).outcome), "launch-error");
  EXPECT_EQ(outcome_text(normalizer.normalize(crashed).outcome), "signal:SIGSEGV");
}

TEST(Normalizer, RejectsUnknownRuleSets) {
  EXPECT_THROW(Normalizer({"uuids"}, {}), std::invalid_argument);
  EXPECT_TRUE(is_builtin_rule_set("floats"));
  EXPECT_FALSE(is_builtin_rule_set("Floats"));
  EXPECT_EQ(builtin_rule_sets().size(), 3u);
}

// Hardening (issue 13): a case's rules cannot hang or crash the harness, whatever the output.
TEST(Normalizer, RulesRunInLinearTimeOnHostileLines) {
  // (a+)+$ backtracks exponentially in ECMAScript engines; a 200 KB line overflowed std::regex's
  // recursion. Both finish at once with RE2.
  Normalizer normalizer({}, {{"(a+)+$", "A"}, {"(x|y)*z", "Z"}});
  std::string line(200'000, 'a');
  EXPECT_EQ(normalizer.normalize_text(line + "b\n" + line + "\n"), (Lines{line + "b", "A"}));
  std::string xs(200'000, 'x');
  EXPECT_EQ(normalizer.normalize_text(xs + "z\n"), (Lines{"Z"}));
}

TEST(Normalizer, ReplacementsUseDollarReferences) {
  Normalizer normalizer({}, {{R"((\w+)=(\d+))", "$2=$1 [$&] $$ $x \\"}});
  EXPECT_EQ(normalizer.normalize_text("a=1\n"), (Lines{"1=a [a=1] $ $x \\"}));
  EXPECT_THROW(Normalizer({}, {{"(a", ""}}), std::invalid_argument);
  EXPECT_THROW(Normalizer({}, {{"(a)", "$12"}}), std::invalid_argument);
}

TEST(Normalizer, ManyDistinctPidsStayLinear) {
  std::string text;
  for (int pid = 1; pid <= 200'000; ++pid) text += "pid " + std::to_string(pid) + "\n";
  Normalizer normalizer({"pids"}, {});
  auto lines = normalizer.normalize_text(text);
  ASSERT_EQ(lines.size(), 200'000u);
  EXPECT_EQ(lines.back(), "pid <pid200000>");
}
