#pragma once
// Synthetic parity-report/1 documents (docs/report-schema.md) for the history, report and merge
// tests: only the keys those readers use, with values a test chooses.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace parity::test_support {

struct FixtureResult {
  std::string case_id = "basic/echo";
  std::string start_method = "fork";
  std::string impl = "cpp";
  std::string code = "PASS";
  double median_wall_s = 0.01;
  // @sample name -> (median, unit); the CI is +-2%.
  std::vector<std::pair<std::string, std::pair<double, std::string>>> samples;
  std::vector<std::string> lines = {"hello"};
  nlohmann::json outcome_histogram = {{"exit:0", 1}};
};

inline nlohmann::json fixture_result(const FixtureResult& spec) {
  using nlohmann::json;
  json summaries = json::object();
  for (const auto& [name, value] : spec.samples) {
    double median = value.first;
    summaries[name] = {{"unit", value.second}, {"n", 20}, {"median", median},
                       {"median_ci", {median * 0.98, median * 1.02}}, {"median_ci_coverage", 0.96},
                       {"q1", median * 0.97}, {"q3", median * 1.03}, {"iqr", median * 0.06},
                       {"mad", median * 0.03}};
  }
  bool success = spec.code == "PASS" || spec.code == "XFAIL" || spec.code == "SKIP";
  json run = {{"argv", {"./case", "--start-method", spec.start_method}}, {"cwd", "/cases/" + spec.case_id},
              {"env", json::object()}, {"outcome", "exit:0"}, {"exit_status", "exit:0"},
              {"timed_out", false}, {"launch_error", ""}, {"wall_s", spec.median_wall_s},
              {"user_s", 0.0}, {"sys_s", 0.0}, {"peak_rss_kb", 1000}, {"lines", spec.lines},
              {"metrics", json::object()}, {"metric_units", json::object()}, {"samples", json::object()},
              {"sample_units", json::object()}, {"stdout", ""}, {"stderr", ""}, {"stacks", ""},
              {"leaked_processes", json::array()}, {"leaked_shm", json::array()}};
  return {{"case", spec.case_id}, {"area", spec.case_id.substr(0, spec.case_id.find('/'))},
          {"start_method", spec.start_method}, {"impl", spec.impl}, {"result", spec.code},
          {"success", success}, {"reasons", json::array()}, {"diff", ""},
          {"expected_outcome", "exit:0"}, {"override_reason", ""},
          {"median_wall_s", spec.median_wall_s}, {"median_wall_net_s", nullptr},
          {"ratio_to_python", nullptr}, {"outcome_histogram", spec.outcome_histogram},
          {"metric_histograms", json::object()}, {"sample_summaries", summaries},
          {"operation_ratios", json::object()}, {"runs", json::array({run})}};
}

// A report of results, started at `started_at`, measuring `commit`.
inline nlohmann::json fixture_report(const std::string& started_at, const std::string& commit,
                                     const std::vector<nlohmann::json>& results, bool dirty = false) {
  using nlohmann::json;
  json counts = json::object();
  bool success = true;
  for (const json& result : results) {
    counts[result["result"].get<std::string>()] = counts.value(result["result"].get<std::string>(), 0) + 1;
    success = success && result["success"].get<bool>();
  }
  return {{"schema", "parity-report/1"}, {"command", "run"}, {"started_at", started_at},
          {"elapsed_s", 12.5}, {"cpu_s", 10.0}, {"worker_busy_s", 20.0}, {"jobs", 2}, {"repeat", 1},
          {"shard", {{"index", 1}, {"count", 1}}}, {"timeout_multiplier", 1.0},
          {"python", {{"command", "python3"}, {"executable", "/usr/bin/python3"}, {"version", "3.11.2"}}},
          {"metadata", {{"git_commit", commit}, {"git_dirty", dirty}, {"parity_version", "0.1"},
                        {"build_type", "Release"}, {"compiler", "GNU 12.2.0"}, {"host", "ci-1"},
                        {"cpu_model", "Test CPU"}, {"cores", 2}, {"kernel", "Linux 6.1"},
                        {"load_at_start", {0.5, 0.5, 0.5}}, {"load_at_end", {0.6, 0.6, 0.6}}}},
          {"startup_floor", json::object()}, {"case_roots", {"/cases"}}, {"success", success},
          {"counts", counts}, {"results", results}};
}

}  // namespace parity::test_support
