#pragma once
// The command line of list, run and show (and what record and compare share with them): the
// options bound to CLI11, checked and turned into RunOptions. A bad value is a UsageError (exit 2).

#include <CLI/CLI.hpp>

#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include "report_comparison.hpp"
#include "runner.hpp"

namespace parity {

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Options shared by the subcommands, bound to CLI11 and turned into RunOptions.
struct CommandLine {
  std::vector<std::string> filters;
  std::vector<std::string> case_roots;
  bool exact = false;
  std::string start_method;
  std::string impl;
  int jobs = 0;
  int repeat = 1;
  std::string shard;
  double timeout_multiplier = 1;
  std::string python = "python3";
  std::vector<std::string> python_versions;  // run/record --python-versions (python_versions.hpp)
  std::string json_file;
  std::string junit_file;
  std::string reference_dir;
  bool no_reference = false;
  bool no_stacks = false;
  bool all_stacks = false;            // run --all-stacks
  std::vector<std::string> params;  // run --param KEY=VALUE
  std::string baseline;       // run --baseline / compare BASE
  std::string compared;       // compare NEW
  std::string markdown_file;  // run --markdown FILE
  std::string against_build;  // run --against-build DIR
  bool markdown = false;      // compare --markdown
  GateOptions gate;
  const std::atomic<bool>* cancel = nullptr;  // RunOptions::cancel
  std::vector<std::string> excludes;  // --exclude FILTER
  std::vector<std::string> tags;      // --tag TAG
  bool last_failed = false;           // run --last-failed
  int max_failures = 0;               // run --max-failures N; -x: 1
  bool exit_first = false;            // run -x
  bool quiet = false;                 // run -q
  bool verbose = false;               // run -v
  std::string color = "auto";         // --color auto|always|never
  bool full_stacks = false;           // run/show --full-stacks
  bool list_json = false;             // list --json
  bool wrap = false;                  // show --wrap
  bool until_fail = false;            // show --until-fail

  GateOptions gate_options() const;

  // With --last-failed, selection.units holds the failures of last_failed_file() (empty: nothing
  // failed there).
  RunOptions run_options() const;
  // The results.json --last-failed reads: --json FILE when it exists, else previous_results().
  std::filesystem::path last_failed_file() const;

  // Whether to colour the output: --color always / never, or with auto on a TTY unless NO_COLOR
  // is set to a non-empty value or TERM is "dumb" (https://no-color.org: the flag wins).
  bool color_enabled(bool is_tty) const;
  // The console's options for an output stream that is_tty or not, width columns wide.
  ConsoleOptions console_options(bool is_tty, int width) const;
};

// The results.json --last-failed reads when --json names no existing file: the most recently
// written reports/*/results.json of the project (scripts/run's reports/latest/, scripts/test's
// reports/test/). Empty when there is none.
std::filesystem::path previous_results(const std::filesystem::path& reports_dir);

// Options of several subcommands: case selection (with the FILTER positional unless told not
// to), the execution of programs, and the performance gate of compare and run --baseline.
void add_selection(CLI::App* command, CommandLine& line, bool with_filters = true);
void add_execution(CLI::App* command, CommandLine& line);
void add_gate(CLI::App* command, CommandLine& line);

// --python-versions LIST (default: $PARITY_PYTHON_VERSIONS), for run and record.
void add_python_versions(CLI::App* command, CommandLine& line);

// --color, for the subcommands that colour what they print.
void add_color(CLI::App* command, CommandLine& line);

// Every option of list, run and show (docs/running.md documents each).
void define_list_options(CLI::App* list, CommandLine& line);
void define_run_options(CLI::App* run, CommandLine& line);
void define_show_options(CLI::App* show, CommandLine& line, std::string& case_name);

}  // namespace parity
