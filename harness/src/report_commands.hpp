#pragma once
// The nightly-report commands of the parity command line, registered on its CLI11 app:
//   parity history import RESULTS.json... [--history DB]   append earlier runs
//   parity history list [--history DB] [--last N]           show the runs in the history
//   parity report RESULTS.json --html OUT.html --markdown OUT.md [--history DB] [--trend-runs N]
//   parity merge SHARD.json... -o RESULTS.json              one run from --shard runs
//   parity run ... --history DB                             append the finished run
// The default history is <project>/reports/history.sqlite (docs/history.md).

#include <CLI/CLI.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reporter.hpp"

namespace parity {

class ReportCommands {
 public:
  // Adds the subcommands to app and --history to run.
  ReportCommands(CLI::App& app, CLI::App& run);
  // For `parity run`: the reporter that appends the run to the history when --history was given,
  // else null. Opens the database now, so a bad path fails before anything runs.
  std::unique_ptr<Reporter> run_history_reporter() const;
  // When one of this file's subcommands was parsed: runs it, returns its exit status.
  std::optional<int> dispatch() const;

 private:
  CLI::App* history_ = nullptr;
  CLI::App* history_import_ = nullptr;
  CLI::App* history_list_ = nullptr;
  CLI::App* report_ = nullptr;
  CLI::App* merge_ = nullptr;
  std::string run_history_;
  std::string history_db_ = default_history();
  std::vector<std::string> inputs_;
  int last_ = 0;
  std::string report_results_;
  std::string report_history_;
  std::string html_;
  std::string markdown_;
  int trend_runs_ = 60;
  std::string merged_;
  static std::string default_history();
};

}  // namespace parity
