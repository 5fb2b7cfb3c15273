// merge_shard_reports on synthetic shards (what is refused, what the merged run holds), and
// `parity merge` end to end on two real shards of a fixture run, then reported and imported.

#include "results_merge.hpp"

#include <gtest/gtest.h>

#include "parity_invocation.hpp"
#include "report_fixture.hpp"

namespace parity {
namespace {

using nlohmann::ordered_json;
using test_support::fixture_report;
using test_support::fixture_result;

ordered_json shard(int index, const std::vector<std::string>& cases, const std::string& commit = "abc",
                   const std::string& started_at = "2026-11-26T02:00:00Z") {
  std::vector<nlohmann::json> results;
  for (const auto& case_id : cases) {
    results.push_back(fixture_result({.case_id = case_id, .impl = "python"}));
    results.push_back(fixture_result({.case_id = case_id, .code = case_id == "b/two" ? "FAIL" : "PASS"}));
  }
  nlohmann::json report = fixture_report(started_at, commit, results);
  report["shard"] = {{"index", index}, {"count", 2}};
  return ordered_json(report);
}

std::string merge_error(const std::vector<ShardReport>& shards) {
  try {
    merge_shard_reports(shards);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "merged";
}

TEST(ResultsMerge, TwoShardsBecomeOneRun) {
  ordered_json second = shard(2, {"b/two"}, "abc", "2026-11-26T02:00:05Z");
  ordered_json first = shard(1, {"a/one", "c/three"});
  second["catalog_elapsed_s"] = 11.0;
  first["catalog_elapsed_s"] = 9.5;
  ordered_json merged = merge_shard_reports({{"s2.json", second}, {"s1.json", first}});
  ASSERT_EQ(merged["results"].size(), 6u);
  EXPECT_EQ(merged["results"][0]["case"], "a/one");  // sorted as a run sorts them
  EXPECT_EQ(merged["results"][0]["impl"], "python");
  EXPECT_EQ(merged["results"][2]["case"], "b/two");
  EXPECT_EQ(merged["results"][3]["result"], "FAIL");
  EXPECT_EQ(merged["results"][5]["case"], "c/three");
  EXPECT_EQ(merged["counts"]["PASS"], 5);
  EXPECT_EQ(merged["counts"]["FAIL"], 1);
  EXPECT_EQ(merged["success"], false);
  EXPECT_EQ(merged["started_at"], "2026-11-26T02:00:00Z");
  EXPECT_DOUBLE_EQ(merged["elapsed_s"].get<double>(), 12.5);
  EXPECT_DOUBLE_EQ(merged["catalog_elapsed_s"].get<double>(), 11.0);  // the longest shard's
  EXPECT_DOUBLE_EQ(merged["cpu_s"].get<double>(), 20.0);
  EXPECT_EQ(merged["shard"]["count"], 1);
  ASSERT_EQ(merged["merged_shards"].size(), 2u);
  EXPECT_EQ(merged["merged_shards"][0]["file"], "s2.json");
  EXPECT_EQ(merged["merged_shards"][0]["index"], 2);
  EXPECT_EQ(merged["merged_shards"][0]["results"], 2);
  EXPECT_EQ(merged.begin().key(), "schema");  // keys in the schema's order
}

TEST(ResultsMerge, RefusesDifferentCommitsOverlapsAndNonReports) {
  EXPECT_EQ(merge_error({{"s1.json", shard(1, {"a/one"}, "abc")}, {"s2.json", shard(2, {"b/two"}, "def")}}),
            "merge: s1.json and s2.json differ in commit ('abc' and 'def'): shards of one run must agree");
  EXPECT_EQ(merge_error({{"s1.json", shard(1, {"a/one", "b/two"})}, {"s2.json", shard(2, {"b/two"})}}),
            "merge: case b/two is in both s1.json and s2.json (overlapping shards)");
  ordered_json dirty = shard(2, {"b/two"});
  dirty["metadata"]["git_dirty"] = true;
  EXPECT_NE(merge_error({{"s1.json", shard(1, {"a/one"})}, {"s2.json", dirty}}).find("differ in commit"),
            std::string::npos);
  ordered_json other_python = shard(2, {"b/two"});
  other_python["python"]["version"] = "3.12.1";
  EXPECT_NE(merge_error({{"s1.json", shard(1, {"a/one"})}, {"s2.json", other_python}}).find("CPython version"),
            std::string::npos);
  ordered_json record = shard(2, {"b/two"});
  record["command"] = "record";
  EXPECT_EQ(merge_error({{"s1.json", shard(1, {"a/one"})}, {"r.json", record}}),
            "r.json: a report of `parity record`, not of `parity run`");
  EXPECT_NE(merge_error({{"x.json", ordered_json{{"schema", "x"}}}}).find("not a parity report"), std::string::npos);
  EXPECT_EQ(merge_error({}), "merge: no shards given");
}

TEST(ResultsMerge, MergesTwoRealShardsThatReportAndImportAsOneRun) {
  using namespace test_support;
  TempDir dir("parity-merge");
  for (int index : {1, 2}) {
    auto run = run_parity(with_common({"run", "basic/", "--shard", std::to_string(index) + "/2", "--json",
                                       (dir.path() / ("shard" + std::to_string(index) + ".json")).string(),
                                       "--no-reference", "-j", "2"}));
    ASSERT_NE(run.exit_code, -1) << run.output;
  }
  json first = read_json(dir.path() / "shard1.json"), second = read_json(dir.path() / "shard2.json");
  ASSERT_FALSE(first["results"].empty());
  ASSERT_FALSE(second["results"].empty());
  auto merged_path = dir.path() / "merged.json";
  auto merge = run_parity({"merge", (dir.path() / "shard1.json").string(), (dir.path() / "shard2.json").string(),
                           "-o", merged_path.string()});
  ASSERT_EQ(merge.exit_code, 0) << merge.output;
  json merged = read_json(merged_path);
  auto keys = results_by_key(merged);
  EXPECT_EQ(keys.size(), first["results"].size() + second["results"].size());
  for (const json* part : {&first, &second})
    for (const auto& [key, result] : results_by_key(*part)) {
      ASSERT_TRUE(keys.count(key)) << key;
      EXPECT_EQ(keys[key]["result"], result["result"]) << key;
    }
  EXPECT_TRUE(keys.count("basic/differs [fork] cpp"));
  EXPECT_TRUE(keys.count("basic/passes [spawn] python"));

  // The same shard twice overlaps.
  auto twice = run_parity({"merge", (dir.path() / "shard1.json").string(), (dir.path() / "shard1.json").string(),
                           "-o", (dir.path() / "twice.json").string()});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_NE(twice.output.find("overlapping shards"), std::string::npos) << twice.output;
  EXPECT_FALSE(fs::exists(dir.path() / "twice.json"));

  auto database = (dir.path() / "history.sqlite").string();
  auto imported = run_parity({"history", "import", merged_path.string(), "--history", database});
  EXPECT_EQ(imported.exit_code, 0) << imported.output;
  auto report = run_parity({"report", merged_path.string(), "--html", (dir.path() / "r.html").string(),
                            "--history", database});
  EXPECT_EQ(report.exit_code, 0) << report.output;
  EXPECT_TRUE(fs::exists(dir.path() / "r.html"));
}

}  // namespace
}  // namespace parity
