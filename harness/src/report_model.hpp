#pragma once
// What the HTML and Markdown reports read from a results.json, in one place: the results indexed
// by case x start method x impl, the run a failure shows, its rerun command, two outputs aligned
// line by line, and how a change or a ratio is spelled.

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace parity {

class ReportModel {
 public:
  // Throws std::runtime_error when report is not a parity-report/1 document.
  explicit ReportModel(const nlohmann::json& report);

  const nlohmann::json& report() const { return report_; }
  const nlohmann::json& results() const { return report_["results"]; }
  // The result of case x method x impl ("python", "cpp"), or null.
  const nlohmann::json* find(const std::string& case_id, const std::string& method, const std::string& impl) const;
  // Case ids in order, and the start methods that occur, in fork, spawn, forkserver order.
  const std::vector<std::string>& cases() const { return cases_; }
  const std::vector<std::string>& methods() const { return methods_; }
  std::string commit_label() const;  // "1a2b3c4d5e6f" (+ " dirty"), or "unknown commit"

 private:
  const nlohmann::json& report_;
  std::map<std::tuple<std::string, std::string, std::string>, const nlohmann::json*> index_;
  std::vector<std::string> cases_;
  std::vector<std::string> methods_;
};

// object[key] when it is an object, else an empty object: a reference that outlives a loop over
// its items (json::value returns a temporary).
const nlohmann::json& object_at(const nlohmann::json& object, const char* key);
const nlohmann::json& object_at(const nlohmann::json* object, const char* key);

// The run a failure shows: the first that timed out, did not exit 0 or could not start; else the
// first. Null when the result has no runs.
const nlohmann::json* shown_run(const nlohmann::json& result);
// "cd DIR && env K=V PROGRAM ARGS" for a run of the report.
std::string rerun_command(const nlohmann::json& run);
// The run's normalized lines.
std::vector<std::string> run_lines(const nlohmann::json* run);

// Two outputs aligned on their longest common subsequence: a row per line of either side; a side
// is empty where the other has a line it lacks.
struct AlignedRow {
  std::string left, right;
  bool has_left = false, has_right = false;
  bool differs() const { return !(has_left && has_right && left == right); }
};
std::vector<AlignedRow> align_lines(const std::vector<std::string>& left, const std::vector<std::string>& right);

// "+31.2%", "-4.0%".
std::string percent_change(double relative);
// "1a2b3c4d5e" (10 characters) or "?".
std::string short_commit(const std::string& commit);
// Whether a smaller value is better for this unit (times, costs) or larger (rates).
bool smaller_is_better(const std::string& unit);

}  // namespace parity
