// merge_shard_reports (results_merge.hpp).

#include "results_merge.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "report_model.hpp"

namespace parity {
namespace {

using json = nlohmann::ordered_json;

const json& member_object(const json& object, const char* key) {
  static const json empty = json::object();
  auto found = object.find(key);
  return found != object.end() && found->is_object() ? *found : empty;
}

int method_rank(const std::string& method) {
  return method == "fork" ? 0 : method == "spawn" ? 1 : method == "forkserver" ? 2 : 3;
}

// What must be equal in every shard, as text for the message: name -> value.
std::map<std::string, std::string> identity(const json& report) {
  const json& metadata = member_object(report, "metadata");
  const json& dirty = metadata.contains("git_dirty") ? metadata["git_dirty"] : json();
  return {{"commit", metadata.value("git_commit", std::string()) +
                         (dirty.is_boolean() && dirty.get<bool>() ? " (dirty)" : "")},
          {"CPython version", member_object(report, "python").value("version", std::string())},
          {"build type", metadata.value("build_type", std::string())},
          {"--repeat", std::to_string(report.value("repeat", 1))}};
}

}  // namespace

nlohmann::ordered_json merge_shard_reports(const std::vector<ShardReport>& shards) {
  if (shards.empty()) throw std::runtime_error("merge: no shards given");
  std::map<std::string, std::string> case_shard;  // case id -> the shard that ran it
  for (const ShardReport& shard : shards) {
    const nlohmann::json plain = shard.report;
    ReportModel checked(plain);  // throws for what is not a report
    if (shard.report.value("command", std::string()) != "run")
      throw std::runtime_error(shard.name + ": a report of `parity " + shard.report.value("command", std::string()) +
                               "`, not of `parity run`");
    auto first = identity(shards.front().report), mine = identity(shard.report);
    for (const auto& [what, value] : first)
      if (mine[what] != value)
        throw std::runtime_error("merge: " + shards.front().name + " and " + shard.name + " differ in " + what +
                                 " ('" + value + "' and '" + mine[what] + "'): shards of one run must agree");
    for (const std::string& case_id : checked.cases()) {
      auto [at, added] = case_shard.emplace(case_id, shard.name);
      if (!added)
        throw std::runtime_error("merge: case " + case_id + " is in both " + at->second + " and " + shard.name +
                                 " (overlapping shards)");
    }
  }

  const json& first = shards.front().report;
  json merged = json::object();
  std::vector<json> results;
  json merged_shards = json::array();
  std::set<std::string> roots;
  std::string started_at = first.value("started_at", std::string());
  double elapsed = 0, catalog_elapsed = 0, cpu = 0, busy = 0;
  for (const ShardReport& shard : shards) {
    const json& report = shard.report;
    for (const json& result : report["results"]) results.push_back(result);
    for (const json& root : report.value("case_roots", json::array())) roots.insert(root.get<std::string>());
    started_at = std::min(started_at, report.value("started_at", std::string()));
    elapsed = std::max(elapsed, report.value("elapsed_s", 0.0));
    catalog_elapsed = std::max(catalog_elapsed, report.value("catalog_elapsed_s", 0.0));
    cpu += report.value("cpu_s", 0.0);
    busy += report.value("worker_busy_s", 0.0);
    const json& shard_of = member_object(report, "shard");
    merged_shards.push_back({{"file", shard.name},
                             {"index", shard_of.value("index", 1)},
                             {"count", shard_of.value("count", 1)},
                             {"host", member_object(report, "metadata").value("host", std::string())},
                             {"started_at", report.value("started_at", std::string())},
                             {"elapsed_s", report.value("elapsed_s", 0.0)},
                             {"results", report["results"].size()}});
  }
  std::stable_sort(results.begin(), results.end(), [](const json& a, const json& b) {
    auto key = [](const json& r) {
      return std::make_tuple(r.value("case", std::string()), method_rank(r.value("start_method", std::string())),
                             r.value("impl", std::string()) == "cpp" ? 1 : 0);
    };
    return key(a) < key(b);
  });
  json counts = json::object();
  bool success = true;
  for (const json& result : results) {
    std::string code = result.value("result", std::string());
    counts[code] = counts.value(code, 0) + 1;
    success = success && result.value("success", false);
  }
  // Keys in the order of docs/report-schema.md, merged_shards last.
  merged["schema"] = "parity-report/1";
  merged["command"] = "run";
  merged["started_at"] = started_at;
  merged["elapsed_s"] = elapsed;
  merged["catalog_elapsed_s"] = catalog_elapsed;
  merged["cpu_s"] = cpu;
  merged["worker_busy_s"] = busy;
  merged["jobs"] = first.value("jobs", 1);
  merged["repeat"] = first.value("repeat", 1);
  merged["shard"] = {{"index", 1}, {"count", 1}};
  merged["timeout_multiplier"] = first.value("timeout_multiplier", 1.0);
  merged["python"] = member_object(first, "python");
  merged["metadata"] = member_object(first, "metadata");
  merged["startup_floor"] = member_object(first, "startup_floor");
  merged["case_roots"] = std::vector<std::string>(roots.begin(), roots.end());
  merged["success"] = success;
  merged["counts"] = counts;
  merged["results"] = results;
  merged["merged_shards"] = merged_shards;
  return merged;
}

}  // namespace parity
