// ReportModel and the helpers the HTML and Markdown reports share (report_model.hpp).

#include "report_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "report_comparison.hpp"
#include "reporter.hpp"
#include "run_record.hpp"

namespace parity {

using json = nlohmann::json;

ReportModel::ReportModel(const json& report) : report_(report) {
  if (!report.is_object() || report.value("schema", std::string()) != "parity-report/1" ||
      !report.contains("results") || !report["results"].is_array())
    throw std::runtime_error("not a parity report (schema parity-report/1 with results)");
  bool seen[3] = {false, false, false};
  static const char* const order[3] = {"fork", "spawn", "forkserver"};
  for (const json& result : report["results"]) {
    std::string case_id = result.value("case", std::string());
    std::string method = result.value("start_method", std::string());
    index_[{case_id, method, result.value("impl", std::string())}] = &result;
    if (cases_.empty() || cases_.back() != case_id) cases_.push_back(case_id);
    for (int i = 0; i < 3; ++i)
      if (method == order[i]) seen[i] = true;
  }
  cases_.erase(std::unique(cases_.begin(), cases_.end()), cases_.end());
  for (int i = 0; i < 3; ++i)
    if (seen[i]) methods_.push_back(order[i]);
}

const json* ReportModel::find(const std::string& case_id, const std::string& method, const std::string& impl) const {
  auto found = index_.find({case_id, method, impl});
  return found == index_.end() ? nullptr : found->second;
}

std::string ReportModel::commit_label() const {
  const json& metadata = report_.contains("metadata") ? report_["metadata"] : json::object();
  std::string commit = metadata.value("git_commit", std::string());
  if (commit.empty()) return "unknown commit";
  bool dirty = metadata.contains("git_dirty") && metadata["git_dirty"].is_boolean() &&
               metadata["git_dirty"].get<bool>();
  return commit.substr(0, 12) + (dirty ? " (dirty)" : "");
}

const json& object_at(const json& object, const char* key) { return object_at(&object, key); }

const json& object_at(const json* object, const char* key) {
  static const json empty = json::object();
  if (!object || !object->is_object()) return empty;
  auto found = object->find(key);
  return found != object->end() && found->is_object() ? *found : empty;
}

const json* shown_run(const json& result) {
  if (!result.contains("runs") || !result["runs"].is_array() || result["runs"].empty()) return nullptr;
  for (const json& run : result["runs"])
    if (run.value("timed_out", false) || run.value("outcome", std::string()) != "exit:0" ||
        !run.value("launch_error", std::string()).empty())
      return &run;
  return &result["runs"].front();
}

std::string rerun_command(const json& run) {
  RunRecord record;
  record.argv = run.value("argv", std::vector<std::string>());
  record.cwd = run.value("cwd", std::string());
  record.env_overrides = run.value("env", std::map<std::string, std::string>());
  return parity::rerun_command(record);
}

std::vector<std::string> run_lines(const json* run) {
  if (!run || !run->contains("lines")) return {};
  return (*run)["lines"].get<std::vector<std::string>>();
}

std::vector<AlignedRow> align_lines(const std::vector<std::string>& left, const std::vector<std::string>& right) {
  // Longest common subsequence by dynamic programming; outputs beyond 2000 lines a side are
  // aligned by position (the report cuts them shorter anyway).
  constexpr std::size_t limit = 2000;
  std::vector<AlignedRow> rows;
  if (left.size() > limit || right.size() > limit) {
    for (std::size_t i = 0; i < std::max(left.size(), right.size()); ++i)
      rows.push_back({i < left.size() ? left[i] : "", i < right.size() ? right[i] : "", i < left.size(),
                      i < right.size()});
    return rows;
  }
  const std::size_t n = left.size(), m = right.size();
  std::vector<std::vector<unsigned>> common(n + 1, std::vector<unsigned>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      common[i][j] = left[i] == right[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
  // Walk the table; between two common lines, the lines only on the left and those only on the
  // right are a change: they are paired up side by side.
  std::vector<std::string> removed, added;
  auto flush = [&] {
    for (std::size_t k = 0; k < std::max(removed.size(), added.size()); ++k)
      rows.push_back({k < removed.size() ? removed[k] : "", k < added.size() ? added[k] : "",
                      k < removed.size(), k < added.size()});
    removed.clear();
    added.clear();
  };
  std::size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && left[i] == right[j]) {
      flush();
      rows.push_back({left[i++], right[j++], true, true});
    } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
      removed.push_back(left[i++]);
    } else {
      added.push_back(right[j++]);
    }
  }
  flush();
  return rows;
}

std::string percent_change(double relative) { return fmt::format("{:+.1f}%", relative * 100); }

std::string short_commit(const std::string& commit) { return commit.empty() ? "?" : commit.substr(0, 10); }

bool smaller_is_better(const std::string& unit) { return !is_rate_unit(unit); }

}  // namespace parity
