// HistoryStore on a real SQLite file in a temporary directory: schema, imports, queries, and that
// an import killed mid-transaction (SIGKILL) leaves the database as it was.

#include "history_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report_fixture.hpp"
#include "temp_dir.hpp"

namespace parity {
namespace {

using nlohmann::json;
using test_support::fixture_report;
using test_support::fixture_result;
using test_support::FixtureResult;
using test_support::TempDir;

json small_report(const std::string& started_at, const std::string& commit, double put_ns,
                  const std::string& code = "PASS", bool dirty = false) {
  FixtureResult python{.case_id = "perf/queue", .impl = "python", .samples = {{"put", {put_ns * 3, "ns"}}}};
  FixtureResult cpp{.case_id = "perf/queue", .code = code,
                    .samples = {{"put", {put_ns, "ns"}}, {"floor.put", {put_ns / 2, "ns"}}}};
  json cpp_result = fixture_result(cpp);
  cpp_result["operation_ratios"] = {{"put", {{"to_python", {{"ratio", 0.33}, {"low", 0.3}, {"high", 0.36}}},
                                             {"to_floor", nullptr}}}};
  cpp_result["metric_histograms"] = {{"items", {{"10", 1}}}};
  return fixture_report(started_at, commit, {fixture_result(python), cpp_result}, dirty);
}

int sqlite_int(const std::filesystem::path& database, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(database.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &statement, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int value = sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int(statement, 0) : -1;
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

TEST(HistoryStore, CreatesTheSchemaAndImportsRunsWithTheirMetrics) {
  TempDir dir("parity-history");
  auto database = dir.path() / "sub" / "history.sqlite";
  json first = small_report("2026-11-20T01:00:00Z", "aaaa", 100);
  json second = small_report("2026-11-21T01:00:00Z", "bbbb", 150, "FAIL");
  {
    HistoryStore store(database);
    auto ids = store.import_reports({{&first, "first.json"}, {&second, "second.json"}});
    ASSERT_EQ(ids.size(), 2u);
    EXPECT_LT(ids[0], ids[1]);
  }
  EXPECT_EQ(sqlite_int(database, "PRAGMA user_version"), history_schema_version);
  EXPECT_EQ(sqlite_int(database, "SELECT count(*) FROM operation_ratios"), 2);
  EXPECT_EQ(sqlite_int(database, "SELECT count(*) FROM histograms WHERE histogram = 'metric:items'"), 2);

  HistoryStore store(database);  // reopening an existing database keeps it
  auto runs = store.runs();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].git_commit, "aaaa");
  EXPECT_EQ(runs[1].source, "second.json");
  EXPECT_EQ(runs[1].counts.at("FAIL"), 1);
  EXPECT_EQ(runs[1].results, 2);
  EXPECT_FALSE(runs[1].success);
  ASSERT_EQ(store.runs(1).size(), 1u);
  EXPECT_EQ(store.runs(1)[0].git_commit, "bbbb");

  auto series = store.metric_series({runs[0].id, runs[1].id});
  ASSERT_EQ(series.size(), 3u);  // cpp floor.put, cpp put, python put
  EXPECT_EQ(series[1].impl, "cpp");
  EXPECT_EQ(series[1].metric, "put");
  EXPECT_EQ(series[1].unit, "ns");
  ASSERT_EQ(series[1].points.size(), 2u);
  EXPECT_DOUBLE_EQ(series[1].points[0].median, 100);
  EXPECT_DOUBLE_EQ(series[1].points[1].median, 150);
  EXPECT_DOUBLE_EQ(series[1].points[1].ci_high, 153);
}

TEST(HistoryStore, RefusesAReportAlreadyInItAndWritesNothingOfTheBatch) {
  TempDir dir("parity-history");
  auto database = dir.path() / "history.sqlite";
  json first = small_report("2026-11-20T01:00:00Z", "aaaa", 100);
  json second = small_report("2026-11-21T01:00:00Z", "bbbb", 100);
  HistoryStore store(database);
  store.import_reports({{&first, "first.json"}});
  try {
    store.import_reports({{&second, "second.json"}, {&first, "again.json"}});
    FAIL() << "a duplicate was imported";
  } catch (const HistoryError& error) {
    EXPECT_NE(std::string(error.what()).find("again.json: already in the history as run 1"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(store.runs().size(), 1u);  // second.json, in the same transaction, was rolled back
  EXPECT_EQ(sqlite_int(database, "SELECT count(*) FROM results"), 2);
}

TEST(HistoryStore, RefusesMalformedReportsAndNewerSchemas) {
  TempDir dir("parity-history");
  auto database = dir.path() / "history.sqlite";
  HistoryStore store(database);
  json not_report = {{"schema", "something-else"}};
  EXPECT_THROW(store.import_reports({{&not_report, "x.json"}}), HistoryError);
  json no_host = small_report("2026-11-20T01:00:00Z", "aaaa", 100);
  no_host["metadata"].erase("host");
  try {
    store.import_reports({{&no_host, "nohost.json"}});
    FAIL();
  } catch (const HistoryError& error) {
    EXPECT_STREQ(error.what(), "nohost.json: no 'host'");
  }
  EXPECT_TRUE(store.runs().empty());

  auto newer = dir.path() / "newer.sqlite";
  { HistoryStore created(newer); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(newer.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_THROW(HistoryStore{newer}, HistoryError);

  auto foreign = dir.path() / "foreign.sqlite";
  ASSERT_EQ(sqlite3_open(foreign.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_THROW(HistoryStore{foreign}, HistoryError);
}

// Reading (list, report) never creates or changes a database: a missing one is an error naming
// it, a newer or foreign one is refused, and an existing history reads the same as when writing.
TEST(HistoryStore, ReadOnlyAccessNeedsAnExistingHistoryAndCreatesNothing) {
  TempDir dir("parity-history");
  auto missing = dir.path() / "nested" / "missing.sqlite";
  try {
    HistoryStore store(missing, HistoryAccess::read_only);
    FAIL() << "a missing database opened for reading";
  } catch (const HistoryError& error) {
    EXPECT_NE(std::string(error.what()).find(missing.string() + ": no such database"), std::string::npos)
        << error.what();
  }
  EXPECT_FALSE(std::filesystem::exists(missing.parent_path()));

  auto empty = dir.path() / "empty.sqlite";
  { std::ofstream touch(empty); }
  EXPECT_THROW(HistoryStore(empty, HistoryAccess::read_only), HistoryError);
  EXPECT_EQ(std::filesystem::file_size(empty), 0u);

  auto database = dir.path() / "history.sqlite";
  json report = small_report("2026-11-20T01:00:00Z", "aaaa", 100);
  { HistoryStore(database).import_reports({{&report, "report.json"}}); }
  HistoryStore reader(database, HistoryAccess::read_only);
  ASSERT_EQ(reader.runs().size(), 1u);
  EXPECT_THROW(reader.import_reports({{&report, "again.json"}}), HistoryError);
}

// A child starts importing a large run and is SIGKILLed once 50 result rows are written inside
// the transaction: the database must hold exactly the one earlier run, pass SQLite's integrity
// check, and take the next import.
TEST(HistoryStore, AnImportKilledMidTransactionLeavesTheDatabaseAsItWas) {
  TempDir dir("parity-history");
  auto database = dir.path() / "history.sqlite";
  json earlier = small_report("2026-11-20T01:00:00Z", "aaaa", 100);
  { HistoryStore(database).import_reports({{&earlier, "earlier.json"}}); }

  std::vector<json> results;
  for (int i = 0; i < 200; ++i)
    results.push_back(fixture_result({.case_id = "area/case" + std::to_string(i), .samples = {{"op", {1.0 * i, "ns"}}}}));
  json large = fixture_report("2026-11-21T01:00:00Z", "bbbb", results);

  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    HistoryStore store(database);
    store.import_reports({{&large, "large.json"}}, [&](int written) {
      if (written != 50) return;
      char byte = 'x';
      [[maybe_unused]] ssize_t n = ::write(ready[1], &byte, 1);
      for (;;) ::pause();
    });
    ::_exit(3);  // not reached when killed
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1) << "the child never got 50 rows into the transaction";
  ::close(ready[0]);
  // The child is inside the transaction now: its journal exists.
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "history.sqlite-journal"));
  ASSERT_EQ(::kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  HistoryStore store(database);
  auto runs = store.runs();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].git_commit, "aaaa");
  EXPECT_EQ(sqlite_int(database, "SELECT count(*) FROM results"), 2);
  EXPECT_EQ(sqlite_int(database, "SELECT count(*) FROM metric_summaries WHERE case_id LIKE 'area/%'"), 0);
  EXPECT_EQ(sqlite_int(database, "SELECT integrity_check = 'ok' FROM pragma_integrity_check"), 1);
  store.import_reports({{&large, "large.json"}});
  EXPECT_EQ(store.runs().size(), 2u);
  EXPECT_EQ(sqlite_int(database, "SELECT count(*) FROM results"), 202);
}

TEST(HistoryStore, FlakyCasesAreThoseWhoseVerdictDifferedOnOneCleanCommit) {
  TempDir dir("parity-history");
  HistoryStore store(dir.path() / "history.sqlite");
  std::vector<json> reports = {
      small_report("2026-11-20T01:00:00Z", "aaaa", 100, "PASS"),
      small_report("2026-11-21T01:00:00Z", "aaaa", 100, "TIMEOUT"),
      small_report("2026-11-22T01:00:00Z", "aaaa", 100, "PASS"),
      small_report("2026-11-23T01:00:00Z", "bbbb", 100, "PASS"),
      small_report("2026-11-24T01:00:00Z", "bbbb", 100, "FAIL", /*dirty=*/true),
  };
  std::vector<ReportToImport> items;
  for (const json& report : reports) items.push_back({&report, "r"});
  auto ids = store.import_reports(items);
  auto flaky = store.flaky_cases(ids);
  ASSERT_EQ(flaky.size(), 1u);
  EXPECT_EQ(flaky[0].case_id, "perf/queue");
  EXPECT_EQ(flaky[0].impl, "cpp");
  EXPECT_EQ(flaky[0].git_commit, "aaaa");
  EXPECT_EQ(flaky[0].runs, 3);
  EXPECT_EQ(flaky[0].codes.at("PASS"), 2);
  EXPECT_EQ(flaky[0].codes.at("TIMEOUT"), 1);
  EXPECT_TRUE(store.flaky_cases({ids[0], ids[3]}).empty());
}

}  // namespace
}  // namespace parity
