// Comparators and unified diffs: exact diff text for small cases, and for many random pairs a diff
// that, applied to the left side, gives the right side.

#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "comparator.hpp"

using namespace parity;

namespace {

using Lines = std::vector<std::string>;

// Applies a unified diff to `left`; fails the test on any inconsistency (a context or removed line
// that is not there, a hunk header that does not match its body).
Lines apply_diff(const Lines& left, const std::string& diff) {
  std::istringstream in(diff);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("--- ", 0), 0u) << diff;
  std::getline(in, line);
  EXPECT_EQ(line.rfind("+++ ", 0), 0u) << diff;
  Lines out;
  std::size_t next_left = 0;  // first left line not yet copied
  std::vector<std::string> body;
  while (std::getline(in, line)) {
    if (line.rfind("@@ -", 0) == 0) {
      std::size_t start = 0, count = 1;
      std::string range = line.substr(4, line.find(' ', 4) - 4);
      auto comma = range.find(',');
      start = std::stoul(range.substr(0, comma));
      if (comma != std::string::npos) count = std::stoul(range.substr(comma + 1));
      std::size_t first = count == 0 ? start : start - 1;  // 0-based index of the hunk's first line
      EXPECT_GE(first, next_left) << diff;
      while (next_left < first) out.push_back(left[next_left++]);
      continue;
    }
    char tag = line.empty() ? '?' : line[0];
    std::string text = line.substr(1);
    if (tag == ' ' || tag == '-') {
      EXPECT_LT(next_left, left.size()) << diff;
      if (next_left >= left.size()) return out;
      EXPECT_EQ(left[next_left], text) << diff;
      ++next_left;
      if (tag == ' ') out.push_back(text);
    } else if (tag == '+') {
      out.push_back(text);
    } else {
      ADD_FAILURE() << "bad diff line '" << line << "' in\n" << diff;
    }
  }
  while (next_left < left.size()) out.push_back(left[next_left++]);
  return out;
}

Lines numbered(int from, int to) {
  Lines lines;
  for (int i = from; i <= to; ++i) lines.push_back("line " + std::to_string(i));
  return lines;
}

}  // namespace

TEST(Comparator, OrderedEqualHasNoDiff) {
  Comparison result = compare_lines({"a", "b"}, {"a", "b"});
  EXPECT_TRUE(result.equal);
  EXPECT_EQ(result.diff, "");
}

TEST(Comparator, OrderedDifferenceIsAUnifiedDiff) {
  Lines left = numbered(1, 10);
  Lines right = left;
  right[4] = "line five";
  CompareOptions options;
  options.left_label = "python [fork]";
  options.right_label = "cpp [fork]";
  Comparison result = compare_lines(left, right, options);
  EXPECT_FALSE(result.equal);
  EXPECT_EQ(result.diff,
            "--- python [fork]\n"
            "+++ cpp [fork]\n"
            "@@ -2,7 +2,7 @@\n"
            " line 2\n line 3\n line 4\n-line 5\n+line five\n line 6\n line 7\n line 8\n");
}

TEST(Comparator, FarApartChangesAreSeparateHunksCloseOnesMerge) {
  Lines left = numbered(1, 20);
  Lines right = left;
  right.erase(right.begin() + 1);  // remove line 2
  right.push_back("line 21");      // append
  EXPECT_EQ(unified_diff(left, right, "a", "b"),
            "--- a\n+++ b\n"
            "@@ -1,5 +1,4 @@\n line 1\n-line 2\n line 3\n line 4\n line 5\n"
            "@@ -18,3 +17,4 @@\n line 18\n line 19\n line 20\n+line 21\n");
  // Changes 6 equal lines apart (2 x context) share one hunk.
  Lines near = left;
  near[2] = "x";
  near[9] = "y";
  std::string diff = unified_diff(left, near, "a", "b");
  EXPECT_EQ(std::count(diff.begin(), diff.end(), '@'), 4) << diff;
  EXPECT_NE(diff.find("@@ -1,13 +1,13 @@"), std::string::npos) << diff;
}

TEST(Comparator, DiffsAgainstEmptySides) {
  EXPECT_EQ(unified_diff({}, {"a", "b"}, "l", "r"), "--- l\n+++ r\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  EXPECT_EQ(unified_diff({"a"}, {}, "l", "r"), "--- l\n+++ r\n@@ -1 +0,0 @@\n-a\n");
  EXPECT_EQ(unified_diff({}, {}, "l", "r"), "");
}

TEST(Comparator, ContextIsConfigurable) {
  Lines left = numbered(1, 9);
  Lines right = left;
  right[4] = "x";
  EXPECT_EQ(unified_diff(left, right, "l", "r", 0), "--- l\n+++ r\n@@ -5 +5 @@\n-line 5\n+x\n");
  EXPECT_EQ(unified_diff(left, right, "l", "r", 1), "--- l\n+++ r\n@@ -4,3 +4,3 @@\n line 4\n-line 5\n+x\n line 6\n");
}

TEST(Comparator, RandomDiffsApplyBackExactly) {
  std::mt19937 random(12345);
  for (int trial = 0; trial < 500; ++trial) {
    auto random_lines = [&] {
      Lines lines(random() % 30);
      for (auto& line : lines) line = std::string(1, static_cast<char>('a' + random() % 4));
      return lines;
    };
    Lines left = random_lines(), right = random_lines();
    std::string diff = unified_diff(left, right, "l", "r", static_cast<int>(random() % 4));
    if (left == right) {
      EXPECT_EQ(diff, "");
      continue;
    }
    EXPECT_EQ(apply_diff(left, diff), right) << diff;
  }
}

TEST(Comparator, DiffIsMinimal) {
  // One changed line among many equal ones: exactly one '-' and one '+' line.
  Lines left = numbered(1, 200), right = left;
  right[100] = "changed";
  std::string diff = unified_diff(left, right, "l", "r");
  EXPECT_EQ(std::count(diff.begin(), diff.end(), '\n'), 2 + 1 + 3 + 2 + 3);
}

TEST(Comparator, VeryDifferentLargeOutputsStillGiveACorrectDiff) {
  Lines left, right;
  for (int i = 0; i < 3000; ++i) {
    left.push_back(std::to_string(i));
    right.push_back(std::to_string(i));
    left.back().insert(left.back().begin(), 'l');
    right.back().insert(right.back().begin(), 'r');
  }
  std::string diff = unified_diff(left, right, "l", "r");
  EXPECT_EQ(apply_diff(left, diff), right);
}

TEST(Comparator, UnorderedComparesMultisets) {
  CompareOptions options;
  options.mode = CompareMode::unordered;
  EXPECT_TRUE(compare_lines({"b", "a", "a"}, {"a", "b", "a"}, options).equal);
  Comparison result = compare_lines({"a", "a", "b"}, {"a", "b", "b"}, options);
  EXPECT_FALSE(result.equal);
  EXPECT_EQ(result.diff, "--- expected (sorted)\n+++ actual (sorted)\n@@ -1,3 +1,3 @@\n a\n-a\n b\n+b\n");
}

TEST(Comparator, NoneIsAlwaysEqual) {
  CompareOptions options;
  options.mode = CompareMode::none;
  Comparison result = compare_lines({"a"}, {"b", "c"}, options);
  EXPECT_TRUE(result.equal);
  EXPECT_EQ(result.diff, "");
}

TEST(Comparator, RepresentativeOutputIsTheMostFrequent) {
  auto run = [](Lines lines) {
    NormalizedRun normalized;
    normalized.record.status = ExitStatus::exited(0);
    normalized.lines = std::move(lines);
    return normalized;
  };
  NormalizedRun never;  // no status: never started
  never.lines = {"ignored"};
  EXPECT_EQ(representative_output({}), Lines{});
  EXPECT_EQ(representative_output({run({"x"}), run({"y"}), run({"y"})}), Lines{"y"});
  EXPECT_EQ(representative_output({run({"z"}), run({"a"}), run({"a"}), run({"z"})}), Lines{"z"});
  EXPECT_EQ(representative_output({never, never, run({"b"})}), Lines{"b"});
  EXPECT_EQ(representative_output({never}), Lines{});

  CaseSpec spec;
  Comparison result = compare_runs(spec, StartMethod::spawn, {run({"1"})}, {run({"2"})});
  EXPECT_FALSE(result.equal);
  EXPECT_EQ(result.diff.rfind("--- python [spawn]\n+++ cpp [spawn]\n", 0), 0u) << result.diff;
  // A side with no started run: nothing to compare against.
  EXPECT_TRUE(compare_runs(spec, StartMethod::spawn, {never}, {run({"2"})}).equal);
  EXPECT_TRUE(compare_runs(spec, StartMethod::spawn, {run({"1"})}, {}).equal);
  spec.compare = CompareMode::none;
  EXPECT_TRUE(compare_runs(spec, StartMethod::spawn, {run({"1"})}, {run({"2"})}).equal);
}

// Issue 13: diffs end up in every report, so they stay bounded whatever the outputs.
TEST(Comparator, DiffsOfHugeOutputsAreBoundedAndSaySo) {
  Lines left, right;
  for (int i = 0; i < 100'000; ++i) {
    left.push_back(std::string(500, 'l') + std::to_string(i));
    right.push_back(std::string(500, 'r') + std::to_string(i));
  }
  std::string diff = unified_diff(left, right, "python", "cpp");
  EXPECT_LE(diff.size(), max_diff_bytes + 2 * max_diff_line_bytes);
  EXPECT_NE(diff.find("[parity: diff cut at"), std::string::npos);
  std::string diff_long = unified_diff({std::string(1u << 20, 'a')}, {"b"}, "python", "cpp");
  EXPECT_LT(diff_long.size(), 2 * max_diff_line_bytes);
  EXPECT_NE(diff_long.find("[parity: line cut, 1048576 bytes in all]"), std::string::npos);
}
