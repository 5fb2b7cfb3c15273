#pragma once
// Which cases and combinations a command works on: discovery under the case roots, filters on the
// case id, sharding, and the start method and implementation asked for. Selection never runs
// anything; planning (run_plan.hpp) expands what it selects.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "case_loader.hpp"
#include "case_spec.hpp"

namespace parity {

// Which cases: a filter is a glob on the case id when it holds any of `*?[`, else a substring of
// it (or, with exact, the whole id). Several filters: a case matching any of them.
struct CaseSelection {
  std::vector<std::filesystem::path> case_roots;  // empty: default_case_root()
  std::vector<std::string> filters;               // empty: every case
  bool exact = false;
  std::optional<StartMethod> start_method;        // empty: each of the case's start methods
  std::optional<Impl> impl;                       // empty: both implementations
  int shard_index = 1;                            // 1-based: this process runs shard I of N
  int shard_count = 1;

  // The roots searched: case_roots, or the default root when there are none.
  std::vector<std::filesystem::path> roots() const;
};

std::filesystem::path default_case_root();  // PARITY_SOURCE_DIR/cases

// True when case_id is selected by the filters (see CaseSelection).
bool matches_filters(const std::string& case_id, const std::vector<std::string>& filters,
                     bool exact);

// Discovery plus filtering and sharding (every shard_count-th case of the sorted selection,
// starting at the shard_index-th); sorted by id. Unloadable cases are kept (UNRESOLVED).
std::vector<LoadedCase> select_cases(const CaseSelection& selection);

}  // namespace parity
