#pragma once
// The history: an SQLite database of finished runs (default reports/history.sqlite), so the
// nightly report can draw trends and find flaky cases. Schema and its version: docs/history.md.
//
// Contract:
// - A run enters the history from its JSON report (docs/report-schema.md): `parity run --history`
//   hands over the report it just rendered, `parity history import` reads earlier ones. One
//   import_reports call is one transaction: every report goes in, or (an error, a crash, SIGKILL
//   mid-write) none does and the database is as it was.
// - A report already in the history (same start time, host, commit and shard) is refused, so a
//   nightly job that imports twice does not double a point.
// - Opened for writing (import), a missing database is created with the current schema; opened
//   for reading (list, report), a missing one is an error and nothing is created or changed.
//   Either way one written by a newer parity (a higher schema version) is refused, not guessed at.
// Errors are HistoryError, naming the database and what failed.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace parity {

struct HistoryError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The schema this parity reads and writes (PRAGMA user_version).
inline constexpr int history_schema_version = 1;

// One run in the history.
struct HistoryRun {
  std::int64_t id = 0;          // increasing in import order
  std::string started_at;       // UTC ISO 8601, as in the report
  std::string git_commit;       // empty when unknown
  std::optional<bool> git_dirty;
  std::string host;
  std::string python_version;
  std::string build_type;
  std::string command;          // "run", "record"
  int repeat = 1;
  int shard_index = 1, shard_count = 1;
  double elapsed_s = 0;
  bool success = false;
  int results = 0;              // number of results
  std::map<std::string, int> counts;  // result code -> number
  std::string source;           // where it came from: a file path, or "parity run"
};

// One value of a metric summary in one run.
struct HistoryPoint {
  std::int64_t run_id = 0;
  double median = 0;
  double ci_low = 0, ci_high = 0;  // 95% interval of the median
  int n = 0;
};

// A metric (an @sample name) of one case x start method x implementation across runs.
struct MetricSeries {
  std::string case_id;
  std::string start_method;
  std::string impl;
  std::string metric;
  std::string unit;
  std::vector<HistoryPoint> points;  // in run order, only runs that measured it
};

// A case x start method x implementation whose verdict differed between runs of one clean commit.
struct FlakyCase {
  std::string case_id;
  std::string start_method;
  std::string impl;
  std::string git_commit;
  int runs = 0;
  std::map<std::string, int> codes;  // result code -> runs with it
};

// A report to import and where it came from (shown by `history list`).
struct ReportToImport {
  const nlohmann::json* report = nullptr;
  std::string source;
};

// Test seam: called inside the open transaction after each result row is written, with the number
// written so far (a test kills the process there to check that nothing half-written survives).
using ImportProbe = std::function<void(int results_written)>;

enum class HistoryAccess {
  read_write,  // import: creates a missing database and its parent directory
  read_only,   // list and report: the database must exist, and is opened read-only
};

class HistoryStore {
 public:
  // Opens the database and checks its schema version.
  explicit HistoryStore(const std::filesystem::path& database,
                        HistoryAccess access = HistoryAccess::read_write);
  ~HistoryStore();
  HistoryStore(const HistoryStore&) = delete;
  HistoryStore& operator=(const HistoryStore&) = delete;

  // All reports in one transaction; returns their run ids in order. Throws HistoryError (nothing
  // written) for a malformed report or one already in the history.
  std::vector<std::int64_t> import_reports(const std::vector<ReportToImport>& reports,
                                           const ImportProbe& probe = {});

  // The last `limit` runs (all when 0), oldest first.
  std::vector<HistoryRun> runs(int limit = 0) const;
  // Every metric series over the given runs.
  std::vector<MetricSeries> metric_series(const std::vector<std::int64_t>& run_ids) const;
  // Cases whose result code differed between runs of the same clean commit, among the given runs.
  std::vector<FlakyCase> flaky_cases(const std::vector<std::int64_t>& run_ids) const;

  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  struct Connection;
  std::filesystem::path path_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace parity
