#pragma once
// Which cases and combinations a command works on: discovery under the case roots, filters on the
// case id, sharding, and the start method and implementation asked for. Selection never runs
// anything; planning (run_plan.hpp) expands what it selects.

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "case_loader.hpp"
#include "case_spec.hpp"

namespace parity {

// Which cases: a filter is a regular expression searched in the case id when it starts with `re:`
// (ECMAScript syntax: `re:^queues/.*race$`), a glob on the id when it holds any of `*?[`, else a
// substring of it (or, with exact, the whole id). Several filters: a case matching any of them;
// then no exclude may match it (same syntax), and with tags it must carry one of them.
struct CaseSelection {
  std::vector<std::filesystem::path> case_roots;  // empty: default_case_root()
  std::vector<std::string> filters;               // empty: every case
  bool exact = false;
  std::vector<std::string> excludes;              // --exclude
  std::vector<std::string> tags;                  // --tag: any of them (a case that cannot be
                                                  // loaded has no known tags and is kept)
  // --last-failed: when not empty, only these case ids, each under only these start methods.
  std::map<std::string, std::set<StartMethod>> units;
  std::optional<StartMethod> start_method;        // empty: each of the case's start methods
  std::optional<Impl> impl;                       // empty: both implementations
  int shard_index = 1;                            // 1-based: this process runs shard I of N
  int shard_count = 1;

  // The roots searched: case_roots, or the default root when there are none.
  std::vector<std::filesystem::path> roots() const;
};

std::filesystem::path default_case_root();  // PARITY_SOURCE_DIR/cases

// True when case_id is selected by the filters (see CaseSelection). Throws std::invalid_argument
// for a `re:` filter that is not a valid regular expression.
bool matches_filters(const std::string& case_id, const std::vector<std::string>& filters,
                     bool exact);

// Up to `count` of ids closest to a misspelt name ("did you mean"): by edit distance to the whole
// id or to its part after the area, nearest first; only those within a third of the name's
// length (at least 2 edits).
std::vector<std::string> closest_ids(const std::string& name, const std::vector<std::string>& ids,
                                     std::size_t count);

// The case x start methods that did not succeed (result not PASS, XFAIL or SKIP) in a results.json
// (docs/report-schema.md), for --last-failed. Throws std::runtime_error naming the file when it
// cannot be read or is not a parity report.
std::map<std::string, std::set<StartMethod>> failed_units(const std::filesystem::path& results_json);

// Discovery plus filtering and sharding (every shard_count-th case of the sorted selection,
// starting at the shard_index-th); sorted by id. Unloadable cases are kept (UNRESOLVED).
std::vector<LoadedCase> select_cases(const CaseSelection& selection);

}  // namespace parity
