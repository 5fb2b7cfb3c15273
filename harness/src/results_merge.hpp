#pragma once
// `parity merge SHARD.json... -o results.json`: the reports of `parity run --shard I/N` runs (on
// several machines of a CI matrix) as one run, so `parity report` and the history see the whole
// catalog.
//
// Refused, with the file names and what differs (std::runtime_error): a file that is not a report
// of `parity run`; shards of different commits (or one dirty and one clean), CPython versions,
// build types or --repeat; a case in more than one shard (a case is run by exactly one shard; the
// same case twice would count twice).
//
// The merged report is a parity-report/1 document (docs/report-schema.md, "Merged shards"): results
// of every shard sorted as a run sorts them, counts and success recomputed, started_at the earliest,
// elapsed_s and catalog_elapsed_s the longest shard's (they ran side by side), cpu_s and worker_busy_s summed, metadata
// and startup_floor of the first shard, shard {1, 1}, and `merged_shards` listing each input.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace parity {

// Ordered JSON keeps each object's keys in the order the run wrote them.
struct ShardReport {
  std::string name;  // the file, for messages and merged_shards
  nlohmann::ordered_json report;
};

nlohmann::ordered_json merge_shard_reports(const std::vector<ShardReport>& shards);

}  // namespace parity
