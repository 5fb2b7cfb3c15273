// JsonReporter: the report documented in docs/report-schema.md.

#include <nlohmann/json.hpp>

#include <algorithm>

#include "comparator.hpp"
#include "report_text.hpp"
#include "reporter.hpp"
#include "version_matrix.hpp"

namespace parity {
namespace {

using json = nlohmann::ordered_json;

// Program output kept in the report, per stream and run: enough to debug, bounded for CI storage.
constexpr std::size_t max_stream_bytes = 64 * 1024;

std::string bounded(const std::string& text) {
  if (text.size() <= max_stream_bytes) return text;
  return text.substr(0, max_stream_bytes) +
         "\n[parity: truncated, " + std::to_string(text.size()) + " bytes in all]\n";
}

// Normalized lines kept in the report, per run: the first ones up to max_stream_bytes, each cut at
// max_diff_line_bytes; a last line says how many there were when some are left out.
json bounded_lines(const std::vector<std::string>& lines) {
  json kept = json::array();
  std::size_t bytes = 0;
  std::size_t count = 0;
  for (; count < lines.size() && bytes < max_stream_bytes; ++count) {
    const std::string& line = lines[count];
    bytes += std::min(line.size(), max_diff_line_bytes);
    kept.push_back(line.size() <= max_diff_line_bytes
                       ? line
                       : line.substr(0, max_diff_line_bytes) + " [parity: line cut, " +
                             std::to_string(line.size()) + " bytes in all]");
  }
  if (count < lines.size())
    kept.push_back("[parity: " + std::to_string(count) + " of " + std::to_string(lines.size()) +
                   " lines kept]");
  return kept;
}

json run_json(const NormalizedRun& run) {
  const RunRecord& record = run.record;
  json leaked_processes = json::array();
  for (const auto& process : record.leaked_processes)
    leaked_processes.push_back(
        {{"pid", process.pid}, {"ppid", process.ppid}, {"command", process.command}});
  return {
      {"argv", record.argv},
      {"cwd", record.cwd.string()},
      {"env", record.env_overrides},
      {"outcome", outcome_text(run.outcome)},
      {"exit_status", record.status ? json(record.status->str()) : json(nullptr)},
      {"timed_out", record.timed_out},
      {"hung_quiet", record.hung_quiet},
      {"launch_error", record.launch_error},
      {"wall_s", record.wall_s},
      {"user_s", record.user_s},
      {"sys_s", record.sys_s},
      {"peak_rss_kb", record.peak_rss_kb},
      {"lines", bounded_lines(run.lines)},
      {"metrics", run.metrics},
      {"metric_units", run.metric_units},
      {"samples", run.samples},
      {"sample_units", run.sample_units},
      {"stdout", bounded(record.stdout_text)},
      {"stderr", bounded(record.stderr_text)},
      {"stacks", record.stacks},
      {"leaked_processes", leaked_processes},
      {"leaked_shm", record.leaked_shm},
  };
}

json ratio_json(const std::optional<RatioEstimate>& ratio) {
  if (!ratio) return nullptr;
  return {{"ratio", ratio->ratio}, {"low", ratio->low}, {"high", ratio->high}};
}

json sample_summaries_json(const CaseResult& result) {
  json summaries = json::object();
  for (const auto& [name, summary] : result.sample_summaries) {
    auto unit = result.sample_units.find(name);
    summaries[name] = {
        {"unit", unit == result.sample_units.end() ? "" : unit->second},
        {"n", summary.n},
        {"median", summary.median},
        {"median_ci", {summary.median_ci.low, summary.median_ci.high}},
        {"median_ci_coverage", summary.median_ci.coverage},
        {"q1", summary.q1},
        {"q3", summary.q3},
        {"iqr", summary.iqr()},
        {"mad", summary.mad},
    };
  }
  return summaries;
}

json operation_ratios_json(const CaseResult& result) {
  json ratios = json::object();
  for (const auto& [name, ratio] : result.operation_ratios)
    ratios[name] = {{"to_python", ratio_json(ratio.to_python)}, {"to_floor", ratio_json(ratio.to_floor)}};
  return ratios;
}

json metadata_json(const RunMetadata& metadata, const RunSummary& summary) {
  return {
      {"git_commit", metadata.source.commit},
      {"git_dirty", metadata.source.dirty ? json(*metadata.source.dirty) : json(nullptr)},
      {"parity_version", metadata.build.parity_version},
      {"build_type", metadata.build.build_type},
      {"compiler", metadata.build.compiler},
      {"host", metadata.host},
      {"cpu_model", metadata.cpu_model},
      {"cores", metadata.cores},
      {"kernel", metadata.kernel},
      {"load_at_start", metadata.load_at_start},
      {"load_at_end", summary.load_at_end},
  };
}

json startup_floor_json(const RunSummary& summary) {
  json floors = json::object();
  for (const auto& [impl, walls] : summary.startup_floor_s)
    floors[to_string(impl)] = {{"median_s", median(walls)}, {"wall_s", walls}};
  return floors;
}

// The result's median wall time minus its implementation's start-up floor (never below 0).
json net_wall_json(const CaseResult& result, const RunSummary& summary) {
  auto floor = summary.startup_floor_s.find(result.impl);
  if (result.runs.empty() || floor == summary.startup_floor_s.end() || floor->second.empty())
    return nullptr;
  return std::max(0.0, result.median_wall_s - median(floor->second));
}

// A racy cpp result against python: per variable, the test, its p-value and the support
// divergence (the histograms themselves are the two results' own).
json distributions_json(const CaseResult& result) {
  auto gaps_json = [](const std::vector<SupportGap>& gaps) {
    json listed = json::array();
    for (const SupportGap& gap : gaps)
      listed.push_back({{"value", gap.value},
                        {"shown", gap.shown},
                        {"runs", gap.runs},
                        {"other_runs", gap.other_runs},
                        {"p_value", gap.p_value}});
    return listed;
  };
  json distributions = json::array();
  for (const VariableComparison& comparison : result.distributions)
    distributions.push_back({{"name", comparison.name},
                             {"test", comparison.test},
                             {"statistic", comparison.statistic},
                             {"p_value", comparison.p_value},
                             {"permutations", comparison.permutations},
                             {"alpha", comparison.alpha},
                             {"gap_level", comparison.gap_level},
                             {"only_python", gaps_json(comparison.only_python)},
                             {"only_cpp", gaps_json(comparison.only_cpp)}});
  return distributions;
}

json result_json(const CaseResult& result, const RunSummary& summary) {
  json runs = json::array();
  for (const auto& run : result.runs) runs.push_back(run_json(run));
  auto slash = result.case_id.find('/');
  return {
      {"case", result.case_id},
      {"area", result.case_id.substr(0, slash)},
      {"start_method", to_string(result.start_method)},
      {"impl", to_string(result.impl)},
      {"result", to_string(result.code)},
      {"success", !is_failure(result.code)},
      {"reasons", result.reasons},
      {"diff", result.diff},
      {"expected_outcome", result.expected_outcome},
      {"override_reason", result.override_reason},
      {"median_wall_s", result.median_wall_s},
      {"median_wall_net_s", net_wall_json(result, summary)},
      {"ratio_to_python",
       result.ratio_to_python ? json(*result.ratio_to_python) : json(nullptr)},
      {"outcome_histogram", result.outcome_histogram},
      {"metric_histograms", result.metric_histograms},
      {"distributions", distributions_json(result)},
      {"sample_summaries", sample_summaries_json(result)},
      {"operation_ratios", operation_ratios_json(result)},
      {"runs", runs},
  };
}

}  // namespace

void JsonReporter::finalize(const RunSummary& summary) {
  write(path(), [&](std::ostream& out) { render(out, summary); });
}

void JsonReporter::render(std::ostream& out, const RunSummary& summary) const {
  const RunContext& run = context();
  json roots = json::array();
  for (const auto& root : run.case_roots) roots.push_back(root.string());
  json results = json::array();
  for (const auto& result : summary.results) results.push_back(result_json(result, summary));
  json report = {
      {"schema", "parity-report/1"},
      {"command", run.command},
      {"started_at", iso8601(run.started_at)},
      {"elapsed_s", summary.elapsed_s},
      {"catalog_elapsed_s", summary.catalog_elapsed_s},
      {"cpu_s", summary.busy_s},
      {"worker_busy_s", summary.worker_busy_s},
      {"jobs", summary.jobs},
      {"repeat", run.repeat},
      {"shard", {{"index", run.shard_index}, {"count", run.shard_count}}},
      {"timeout_multiplier", run.timeout_multiplier},
      {"python",
       {{"command", run.python},
        {"executable", run.python_executable},
        {"version", run.python_version}}},
      {"metadata", metadata_json(run.metadata, summary)},
      {"startup_floor", startup_floor_json(summary)},
      {"case_roots", roots},
      {"success", summary.success()},
      {"counts", summary.counts()},
      {"results", results},
  };
  if (!run.python_versions.empty())
    report["python_versions"] = version_matrix_json(version_matrix(summary, run));
  out << report.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
}

}  // namespace parity
