// Case selection: discovery, filters, shards.

#include "case_selection.hpp"

#include <fnmatch.h>

#include <algorithm>

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
    if (exact) {
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
  for (auto& loaded : discover_cases(selection.roots())) {
    if (matches_filters(loaded.id, selection.filters, selection.exact))
      selected.push_back(std::move(loaded));
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

}  // namespace parity
