// HistoryStore: the SQLite schema (docs/history.md), transactional imports, and the queries the
// report draws its trends and flaky list from.

#include "history_store.hpp"

#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <sstream>

#include "report_model.hpp"

namespace parity {
namespace {

using json = nlohmann::json;

// Version 1. Every table but runs is keyed by (run_id, case_id, start_method, impl, ...) and goes
// with its run (ON DELETE CASCADE).
constexpr const char* schema_v1 = R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  started_at TEXT NOT NULL,
  git_commit TEXT NOT NULL,
  git_dirty INTEGER,
  parity_version TEXT NOT NULL,
  build_type TEXT NOT NULL,
  compiler TEXT NOT NULL,
  host TEXT NOT NULL,
  cpu_model TEXT NOT NULL,
  cores INTEGER NOT NULL,
  kernel TEXT NOT NULL,
  python_version TEXT NOT NULL,
  command TEXT NOT NULL,
  repeat INTEGER NOT NULL,
  shard_index INTEGER NOT NULL,
  shard_count INTEGER NOT NULL,
  elapsed_s REAL NOT NULL,
  success INTEGER NOT NULL,
  source TEXT NOT NULL,
  imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
  UNIQUE (started_at, host, git_commit, shard_index, shard_count)
);
CREATE TABLE results (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  start_method TEXT NOT NULL,
  impl TEXT NOT NULL,
  code TEXT NOT NULL,
  median_wall_s REAL NOT NULL,
  ratio_to_python REAL,
  PRIMARY KEY (run_id, case_id, start_method, impl)
);
CREATE TABLE metric_summaries (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  start_method TEXT NOT NULL,
  impl TEXT NOT NULL,
  metric TEXT NOT NULL,
  unit TEXT NOT NULL,
  n INTEGER NOT NULL,
  median REAL NOT NULL,
  ci_low REAL NOT NULL,
  ci_high REAL NOT NULL,
  iqr REAL NOT NULL,
  mad REAL NOT NULL,
  PRIMARY KEY (run_id, case_id, start_method, impl, metric)
);
CREATE TABLE operation_ratios (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  start_method TEXT NOT NULL,
  operation TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('to_python', 'to_floor')),
  ratio REAL NOT NULL,
  low REAL NOT NULL,
  high REAL NOT NULL,
  PRIMARY KEY (run_id, case_id, start_method, operation, kind)
);
CREATE TABLE histograms (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  case_id TEXT NOT NULL,
  start_method TEXT NOT NULL,
  impl TEXT NOT NULL,
  histogram TEXT NOT NULL,
  value TEXT NOT NULL,
  runs INTEGER NOT NULL,
  PRIMARY KEY (run_id, case_id, start_method, impl, histogram, value)
);
CREATE INDEX metric_summaries_by_series ON metric_summaries (case_id, start_method, impl, metric);
)sql";

std::string error_text(sqlite3* db) { return db ? sqlite3_errmsg(db) : "out of memory"; }

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr) != SQLITE_OK)
      throw HistoryError(std::string("prepare: ") + error_text(db));
  }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, const std::string& value) {
    check(sqlite3_bind_text(statement_, index, value.c_str(), static_cast<int>(value.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind(int index, double value) { check(sqlite3_bind_double(statement_, index, value)); return *this; }
  Statement& bind(int index, std::int64_t value) { check(sqlite3_bind_int64(statement_, index, value)); return *this; }
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind_null(int index) { check(sqlite3_bind_null(statement_, index)); return *this; }

  // True while there is a row; false when done.
  bool step() {
    int status = sqlite3_step(statement_);
    if (status == SQLITE_ROW) return true;
    if (status == SQLITE_DONE) return false;
    throw HistoryError(error_text(db_));
  }
  // Runs an INSERT/UPDATE and makes the statement reusable.
  void execute() {
    step();
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }
  std::string text(int column) const {
    const unsigned char* value = sqlite3_column_text(statement_, column);
    return value ? reinterpret_cast<const char*>(value) : "";
  }
  double real(int column) const { return sqlite3_column_double(statement_, column); }
  std::int64_t integer(int column) const { return sqlite3_column_int64(statement_, column); }
  bool is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

 private:
  void check(int status) const {
    if (status != SQLITE_OK) throw HistoryError(std::string("bind: ") + error_text(db_));
  }
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

void execute_script(sqlite3* db, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : error_text(db);
    sqlite3_free(message);
    throw HistoryError(text);
  }
}

int user_version(sqlite3* db) {
  Statement query(db, "PRAGMA user_version");
  return query.step() ? static_cast<int>(query.integer(0)) : 0;
}

// A transaction that rolls back unless committed (an exception unwinds through it).
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { execute_script(db_, "BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    execute_script(db_, "COMMIT");
    committed_ = true;
  }

 private:
  sqlite3* db_;
  bool committed_ = false;
};

const json& member(const json& object, const char* key, const std::string& where) {
  auto found = object.find(key);
  if (found == object.end()) throw HistoryError(where + ": no '" + key + "'");
  return *found;
}

std::string text_of(const json& object, const char* key, const std::string& where) {
  const json& value = member(object, key, where);
  if (!value.is_string()) throw HistoryError(where + ": '" + key + "' is not a string");
  return value.get<std::string>();
}

double number_of(const json& object, const char* key, const std::string& where) {
  const json& value = member(object, key, where);
  if (!value.is_number()) throw HistoryError(where + ": '" + key + "' is not a number");
  return value.get<double>();
}

std::string sql_list(const std::vector<std::int64_t>& ids) {
  std::string list;
  for (std::int64_t id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  return list;
}

void refuse_newer(int version) {
  if (version > history_schema_version)
    throw HistoryError("schema version " + std::to_string(version) + " is newer than this parity's (" +
                       std::to_string(history_schema_version) + "); use a newer parity");
}

// A read-only connection cannot take the write lock of BEGIN IMMEDIATE; one statement reads the
// version consistently on its own.
void check_readable_schema(sqlite3* db) {
  int version = user_version(db);
  if (version == 0) throw HistoryError("not a parity history (no schema version)");
  refuse_newer(version);
}

void create_or_check_schema(sqlite3* db) {
  Transaction transaction(db);
  int version = user_version(db);
  refuse_newer(version);
  if (version == 0) {
    Statement tables(db, "SELECT count(*) FROM sqlite_master");
    if (tables.step() && tables.integer(0) != 0)
      throw HistoryError("not a parity history (it has tables but no schema version)");
    execute_script(db, schema_v1);
    execute_script(db, ("PRAGMA user_version = " + std::to_string(history_schema_version)).c_str());
  }
  transaction.commit();
}

}  // namespace

struct HistoryStore::Connection {
  sqlite3* db = nullptr;
  ~Connection() { sqlite3_close(db); }
};

HistoryStore::HistoryStore(const std::filesystem::path& database, HistoryAccess access)
    : path_(database), connection_(std::make_unique<Connection>()) {
  const std::string where = "history " + database.string();
  const bool writable = access == HistoryAccess::read_write;
  std::error_code error;
  if (!writable && !std::filesystem::exists(database, error))
    throw HistoryError(where + ": no such database (`parity history import` or `parity run --history` creates it)");
  if (writable && database.has_parent_path()) {
    std::filesystem::create_directories(database.parent_path(), error);
    if (error) throw HistoryError(where + ": " + error.message());
  }
  int flags = (writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) | SQLITE_OPEN_FULLMUTEX;
  if (sqlite3_open_v2(database.c_str(), &connection_->db, flags, nullptr) != SQLITE_OK)
    throw HistoryError(where + ": " + error_text(connection_->db));
  sqlite3* db = connection_->db;
  try {
    sqlite3_busy_timeout(db, 10000);  // another parity importing: wait for it, not fail
    execute_script(db, "PRAGMA foreign_keys = ON");
    if (writable)
      create_or_check_schema(db);
    else
      check_readable_schema(db);
  } catch (const HistoryError& error) {
    throw HistoryError(where + ": " + error.what());
  }
}

HistoryStore::~HistoryStore() = default;

std::vector<std::int64_t> HistoryStore::import_reports(const std::vector<ReportToImport>& reports,
                                                       const ImportProbe& probe) {
  sqlite3* db = connection_->db;
  std::vector<std::int64_t> ids;
  Transaction transaction(db);
  Statement insert_run(db, R"sql(INSERT INTO runs (started_at, git_commit, git_dirty, parity_version,
      build_type, compiler, host, cpu_model, cores, kernel, python_version, command, repeat,
      shard_index, shard_count, elapsed_s, success, source)
      VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18))sql");
  Statement find_run(db, R"sql(SELECT id FROM runs WHERE started_at = ?1 AND host = ?2 AND
      git_commit = ?3 AND shard_index = ?4 AND shard_count = ?5)sql");
  Statement insert_result(db, R"sql(INSERT INTO results VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql");
  Statement insert_summary(db, R"sql(INSERT INTO metric_summaries VALUES
      (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))sql");
  Statement insert_ratio(db, R"sql(INSERT INTO operation_ratios VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8))sql");
  Statement insert_histogram(db, R"sql(INSERT INTO histograms VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7))sql");
  int written = 0;
  for (const ReportToImport& item : reports) {
    const json& report = *item.report;
    const std::string where = item.source;
    if (!report.is_object() || report.value("schema", std::string()) != "parity-report/1")
      throw HistoryError(where + ": not a parity report (schema parity-report/1)");
    const json& metadata = member(report, "metadata", where);
    const json& python = member(report, "python", where);
    const json& shard = object_at(report, "shard");
    std::string started_at = text_of(report, "started_at", where);
    std::string host = text_of(metadata, "host", where);
    std::string commit = text_of(metadata, "git_commit", where);
    int shard_index = shard.value("index", 1), shard_count = shard.value("count", 1);

    find_run.bind(1, started_at).bind(2, host).bind(3, commit).bind(4, shard_index).bind(5, shard_count);
    if (find_run.step())
      throw HistoryError(where + ": already in the history as run " + std::to_string(find_run.integer(0)) +
                         " (started " + started_at + " on " + host + ")");
    find_run.execute();

    insert_run.bind(1, started_at).bind(2, commit);
    const json& dirty = member(metadata, "git_dirty", where);
    if (dirty.is_boolean()) insert_run.bind(3, dirty.get<bool>() ? 1 : 0); else insert_run.bind_null(3);
    insert_run.bind(4, text_of(metadata, "parity_version", where))
        .bind(5, text_of(metadata, "build_type", where))
        .bind(6, text_of(metadata, "compiler", where))
        .bind(7, host)
        .bind(8, text_of(metadata, "cpu_model", where))
        .bind(9, static_cast<int>(number_of(metadata, "cores", where)))
        .bind(10, text_of(metadata, "kernel", where))
        .bind(11, text_of(python, "version", where))
        .bind(12, text_of(report, "command", where))
        .bind(13, static_cast<int>(number_of(report, "repeat", where)))
        .bind(14, shard_index)
        .bind(15, shard_count)
        .bind(16, number_of(report, "elapsed_s", where))
        .bind(17, member(report, "success", where).get<bool>() ? 1 : 0)
        .bind(18, item.source);
    insert_run.execute();
    std::int64_t run_id = sqlite3_last_insert_rowid(db);
    ids.push_back(run_id);

    const json& results = member(report, "results", where);
    if (!results.is_array()) throw HistoryError(where + ": 'results' is not an array");
    for (const json& result : results) {
      const std::string case_id = text_of(result, "case", where);
      const std::string at = where + ": result " + case_id;
      const std::string method = text_of(result, "start_method", at);
      const std::string impl = text_of(result, "impl", at);
      insert_result.bind(1, run_id).bind(2, case_id).bind(3, method).bind(4, impl)
          .bind(5, text_of(result, "result", at)).bind(6, number_of(result, "median_wall_s", at));
      const json& ratio = result.contains("ratio_to_python") ? result["ratio_to_python"] : json();
      if (ratio.is_number()) insert_result.bind(7, ratio.get<double>()); else insert_result.bind_null(7);
      try {
        insert_result.execute();
      } catch (const HistoryError& error) {
        throw HistoryError(at + " [" + method + "] " + impl + ": " + error.what());
      }
      for (const auto& [metric, summary] : object_at(result, "sample_summaries").items()) {
        const json& interval = member(summary, "median_ci", at);
        insert_summary.bind(1, run_id).bind(2, case_id).bind(3, method).bind(4, impl).bind(5, metric)
            .bind(6, summary.value("unit", std::string()))
            .bind(7, static_cast<int>(number_of(summary, "n", at)))
            .bind(8, number_of(summary, "median", at))
            .bind(9, interval.at(0).get<double>()).bind(10, interval.at(1).get<double>())
            .bind(11, summary.value("iqr", 0.0)).bind(12, summary.value("mad", 0.0));
        insert_summary.execute();
      }
      for (const auto& [operation, kinds] : object_at(result, "operation_ratios").items()) {
        for (const char* kind : {"to_python", "to_floor"}) {
          const json& estimate = kinds.contains(kind) ? kinds[kind] : json();
          if (!estimate.is_object()) continue;
          insert_ratio.bind(1, run_id).bind(2, case_id).bind(3, method).bind(4, operation)
              .bind(5, std::string(kind)).bind(6, number_of(estimate, "ratio", at))
              .bind(7, number_of(estimate, "low", at)).bind(8, number_of(estimate, "high", at));
          insert_ratio.execute();
        }
      }
      auto insert_counts = [&](const std::string& name, const json& counts) {
        for (const auto& [value, runs] : counts.items()) {
          insert_histogram.bind(1, run_id).bind(2, case_id).bind(3, method).bind(4, impl)
              .bind(5, name).bind(6, value).bind(7, runs.get<int>());
          insert_histogram.execute();
        }
      };
      insert_counts("outcome", object_at(result, "outcome_histogram"));
      for (const auto& [metric, counts] : object_at(result, "metric_histograms").items())
        insert_counts("metric:" + metric, counts);
      ++written;
      if (probe) probe(written);
    }
  }
  transaction.commit();
  return ids;
}

std::vector<HistoryRun> HistoryStore::runs(int limit) const {
  sqlite3* db = connection_->db;
  Statement query(db, R"sql(SELECT id, started_at, git_commit, git_dirty, host, python_version,
      build_type, command, repeat, shard_index, shard_count, elapsed_s, success, source FROM
      (SELECT * FROM runs ORDER BY id DESC LIMIT ?1) ORDER BY id)sql");
  query.bind(1, limit > 0 ? static_cast<std::int64_t>(limit) : std::int64_t{-1});
  std::vector<HistoryRun> runs;
  while (query.step()) {
    HistoryRun run;
    run.id = query.integer(0);
    run.started_at = query.text(1);
    run.git_commit = query.text(2);
    if (!query.is_null(3)) run.git_dirty = query.integer(3) != 0;
    run.host = query.text(4);
    run.python_version = query.text(5);
    run.build_type = query.text(6);
    run.command = query.text(7);
    run.repeat = static_cast<int>(query.integer(8));
    run.shard_index = static_cast<int>(query.integer(9));
    run.shard_count = static_cast<int>(query.integer(10));
    run.elapsed_s = query.real(11);
    run.success = query.integer(12) != 0;
    run.source = query.text(13);
    runs.push_back(std::move(run));
  }
  Statement counts(db, "SELECT code, count(*) FROM results WHERE run_id = ?1 GROUP BY code");
  for (HistoryRun& run : runs) {
    counts.bind(1, run.id);
    while (counts.step()) {
      run.counts[counts.text(0)] = static_cast<int>(counts.integer(1));
      run.results += static_cast<int>(counts.integer(1));
    }
    counts.execute();
  }
  return runs;
}

std::vector<MetricSeries> HistoryStore::metric_series(const std::vector<std::int64_t>& run_ids) const {
  std::vector<MetricSeries> series;
  if (run_ids.empty()) return series;
  Statement query(connection_->db,
                  ("SELECT case_id, start_method, impl, metric, unit, run_id, median, ci_low, ci_high, n "
                   "FROM metric_summaries WHERE run_id IN (" + sql_list(run_ids) +
                   ") ORDER BY case_id, start_method, impl, metric, run_id")
                      .c_str());
  while (query.step()) {
    std::string case_id = query.text(0), method = query.text(1), impl = query.text(2),
                metric = query.text(3);
    if (series.empty() || series.back().case_id != case_id || series.back().start_method != method ||
        series.back().impl != impl || series.back().metric != metric)
      series.push_back({case_id, method, impl, metric, query.text(4), {}});
    series.back().points.push_back(
        {query.integer(5), query.real(6), query.real(7), query.real(8), static_cast<int>(query.integer(9))});
  }
  return series;
}

std::vector<FlakyCase> HistoryStore::flaky_cases(const std::vector<std::int64_t>& run_ids) const {
  std::vector<FlakyCase> flaky;
  if (run_ids.empty()) return flaky;
  Statement query(connection_->db,
                  ("SELECT r.case_id, r.start_method, r.impl, runs.git_commit, r.code, count(*) "
                   "FROM results r JOIN runs ON runs.id = r.run_id "
                   "WHERE runs.git_dirty = 0 AND runs.git_commit != '' AND r.run_id IN (" +
                   sql_list(run_ids) +
                   ") GROUP BY r.case_id, r.start_method, r.impl, runs.git_commit, r.code "
                   "ORDER BY r.case_id, r.start_method, r.impl, runs.git_commit, r.code")
                      .c_str());
  while (query.step()) {
    FlakyCase row{query.text(0), query.text(1), query.text(2), query.text(3), 0, {}};
    if (flaky.empty() || flaky.back().case_id != row.case_id ||
        flaky.back().start_method != row.start_method || flaky.back().impl != row.impl ||
        flaky.back().git_commit != row.git_commit)
      flaky.push_back(row);
    int runs = static_cast<int>(query.integer(5));
    flaky.back().codes[query.text(4)] = runs;
    flaky.back().runs += runs;
  }
  std::erase_if(flaky, [](const FlakyCase& entry) { return entry.codes.size() < 2; });
  return flaky;
}

}  // namespace parity
