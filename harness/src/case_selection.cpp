// Case selection: discovery, filters, shards.

#include "case_selection.hpp"

#include <fnmatch.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <regex>
#include <stdexcept>

namespace parity {
namespace fs = std::filesystem;

std::vector<fs::path> CaseSelection::roots() const {
  if (case_roots.empty()) return {default_case_root()};
  return case_roots;
}

fs::path default_case_root() { return fs::path(PARITY_SOURCE_DIR) / "cases"; }

bool matches_filters(const std::string& case_id, const std::vector<std::string>& filters,
                     bool exact) {
  if (filters.empty()) return true;
  for (const auto& filter : filters) {
    if (filter.rfind("re:", 0) == 0) {
      std::regex pattern;
      try {
        pattern = std::regex(filter.substr(3), std::regex::ECMAScript);
      } catch (const std::regex_error& error) {
        throw std::invalid_argument("filter " + filter + ": not a regular expression: " + error.what());
      }
      if (std::regex_search(case_id, pattern)) return true;
    } else if (exact) {
      if (case_id == filter) return true;
    } else if (filter.find_first_of("*?[") != std::string::npos) {
      if (::fnmatch(filter.c_str(), case_id.c_str(), 0) == 0) return true;
    } else if (case_id.find(filter) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::vector<LoadedCase> select_cases(const CaseSelection& selection) {
  std::vector<LoadedCase> selected;
  auto tagged = [&](const LoadedCase& loaded) {
    if (selection.tags.empty() || !loaded.spec) return true;
    for (const auto& tag : loaded.spec->tags)
      if (std::find(selection.tags.begin(), selection.tags.end(), tag) != selection.tags.end()) return true;
    return false;
  };
  for (auto& loaded : discover_cases(selection.roots())) {
    if (!selection.units.empty() && !selection.units.count(loaded.id)) continue;
    if (!matches_filters(loaded.id, selection.filters, selection.exact)) continue;
    if (!selection.excludes.empty() && matches_filters(loaded.id, selection.excludes, false)) continue;
    if (tagged(loaded)) selected.push_back(std::move(loaded));
  }
  std::sort(selected.begin(), selected.end(),
            [](const LoadedCase& a, const LoadedCase& b) { return a.id < b.id; });
  if (selection.shard_count > 1) {
    std::vector<LoadedCase> shard;
    for (std::size_t i = 0; i < selected.size(); ++i) {
      if (static_cast<int>(i % selection.shard_count) == selection.shard_index - 1)
        shard.push_back(std::move(selected[i]));
    }
    selected = std::move(shard);
  }
  return selected;
}

namespace {

// Levenshtein distance: insertions, deletions and substitutions of one byte.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::vector<std::string> closest_ids(const std::string& name, const std::vector<std::string>& ids,
                                     std::size_t count) {
  const std::size_t limit = std::max<std::size_t>(2, name.size() / 3);
  std::vector<std::pair<std::size_t, std::string>> scored;
  for (const auto& id : ids) {
    std::size_t distance = edit_distance(name, id);
    if (std::size_t slash = id.find('/'); slash != std::string::npos)
      distance = std::min(distance, edit_distance(name, id.substr(slash + 1)));
    if (distance <= limit) scored.emplace_back(distance, id);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> closest;
  for (std::size_t i = 0; i < scored.size() && i < count; ++i) closest.push_back(scored[i].second);
  return closest;
}

std::map<std::string, std::set<StartMethod>> failed_units(const fs::path& results_json) {
  std::ifstream in(results_json);
  if (!in) throw std::runtime_error(results_json.string() + ": cannot be read");
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& error) {
    throw std::runtime_error(results_json.string() + ": not JSON: " + error.what());
  }
  if (!report.is_object() || report.value("schema", "").rfind("parity-report/", 0) != 0 ||
      !report.contains("results") || !report["results"].is_array())
    throw std::runtime_error(results_json.string() + ": not a parity results.json");
  std::map<std::string, std::set<StartMethod>> units;
  for (const auto& result : report["results"]) {
    if (!result.is_object() || result.value("success", true)) continue;
    auto method = parse_start_method(result.value("start_method", ""));
    std::string id = result.value("case", "");
    if (!method || id.empty()) throw std::runtime_error(results_json.string() + ": a result without case or start_method");
    units[id].insert(*method);
  }
  return units;
}

}  // namespace parity
