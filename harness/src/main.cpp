// The parity command line: list, run, show, record, compare.
// Exit status: 0 when every result is PASS, XFAIL or SKIP (and, against a baseline, nothing
// regressed); 1 otherwise; 2 for usage errors.

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "cli_options.hpp"
#include "process_tree.hpp"
#include "reference_store.hpp"
#include "report_commands.hpp"
#include "report_comparison.hpp"
#include "reporter.hpp"
#include "runner.hpp"
#include "setup_check.hpp"
#include "show_command.hpp"

namespace {

using namespace parity;

constexpr int exit_usage = 2;

// Set on SIGINT/SIGTERM/SIGHUP (see install_interrupt_handling): RunOptions::cancel of every run.
std::atomic<bool> interrupted{false};

// The baseline of --baseline, read before the run so a bad file fails at once.
ComparableRun read_baseline(const std::string& path) {
  try {
    return comparable_from_file(path);
  } catch (const std::exception& error) {
    throw UsageError(error.what());
  }
}

// Ctrl-C, SIGTERM, SIGHUP: every program runs in its own process group, so a terminal's signal
// reaches parity alone. parity is the child subreaper of every run, so all that is still running
// hangs below it: kill that whole subtree (until nothing new appears), then exit 128 + signal.
int interrupt_pipe[2] = {-1, -1};

// What the handler passes to the interrupt thread: the signal and who sent it.
struct Interrupt {
  int signal_number;
  int code;    // siginfo_t::si_code: SI_USER etc. when a process sent it
  int sender;  // siginfo_t::si_pid
};

extern "C" void on_interrupt(int signal_number, siginfo_t* info, void*) {
  Interrupt interrupt{signal_number, info ? info->si_code : 0, info ? info->si_pid : 0};
  [[maybe_unused]] ssize_t written = ::write(interrupt_pipe[1], &interrupt, sizeof interrupt);
}

// A signal sent by one of parity's own descendants (an orphan adopted by parity, the subreaper,
// that signals its new parent) is the case's business, not an interrupt. Runs in their own PID
// namespace cannot reach parity at all; this covers the fallback, for a sender still visible.
bool sent_by_descendant(const Interrupt& interrupt) {
  return interrupt.code <= 0 && interrupt.sender > 0 &&
         proc::descends_from(interrupt.sender, ::getpid());
}

void install_interrupt_handling() {
  if (::pipe2(interrupt_pipe, O_CLOEXEC) != 0) return;
  std::thread([] {
    Interrupt interrupt{};
    while (::read(interrupt_pipe[0], &interrupt, sizeof interrupt) != sizeof interrupt ||
           sent_by_descendant(interrupt)) {
    }
    const int byte = interrupt.signal_number;
    interrupted = true;  // the runner starts nothing new and reports nothing more
    int killed = 0;
    for (int round = 0; round < 50; ++round) {
      int live = 0;
      for (int pid : proc::descendants_of(::getpid())) {
        auto stat = proc::read_stat(pid);
        if (!stat || stat->zombie()) continue;
        ::kill(pid, SIGKILL);
        ++live;
      }
      killed += live;
      if (live == 0) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::cerr << "\nparity: interrupted by " << signal_name(byte) << "; killed " << killed
              << " running process(es)" << std::endl;
    std::cout.flush();
    ::_exit(128 + byte);
  }).detach();
  struct sigaction action {};
  action.sa_sigaction = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART | SA_SIGINFO;
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) ::sigaction(signal_number, &action, nullptr);
}

// A filter that selects nothing is a mistake (a typo in a CTest command, a wrong --cases root),
// not a successful empty run.
void require_matches(const RunOptions& options) {
  const CaseSelection& selection = options.selection;
  if (selection.filters.empty() && selection.excludes.empty() && selection.tags.empty()) return;
  CaseSelection unsharded = selection;
  unsharded.shard_index = unsharded.shard_count = 1;
  if (select_cases(unsharded).empty()) {
    std::string what;
    for (const auto& filter : selection.filters) what += " " + filter;
    for (const auto& tag : selection.tags) what += " --tag " + tag;
    for (const auto& exclude : selection.excludes) what += " --exclude " + exclude;
    throw UsageError("no case matches" + what);
  }
}

bool stdout_is_tty() { return ::isatty(STDOUT_FILENO) == 1; }

int terminal_width() {
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 40) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    int width = std::atoi(columns);
    if (width > 40) return width;
  }
  return 120;
}

int command_list(const CommandLine& line) {
  RunOptions options = line.run_options();
  require_matches(options);
  auto cases = select_cases(options.selection);
  bool all_loaded = true;
  nlohmann::json listed = nlohmann::json::array();
  for (const auto& loaded : cases) {
    all_loaded = all_loaded && loaded.spec.has_value();
    if (line.list_json) {
      nlohmann::json entry = {{"id", loaded.id}, {"case_toml", loaded.toml_path.string()}};
      if (!loaded.spec) {
        entry["error"] = loaded.error;
      } else {
        const CaseSpec& spec = *loaded.spec;
        nlohmann::json methods = nlohmann::json::array();
        for (StartMethod method : spec.start_methods) methods.push_back(to_string(method));
        entry.update({{"title", spec.title}, {"behavior", spec.behavior}, {"tags", spec.tags},
                      {"start_methods", methods}, {"runs", spec.runs}, {"timeout_s", spec.timeout_s},
                      {"exclusive", spec.exclusive}});
      }
      listed.push_back(std::move(entry));
      continue;
    }
    if (!loaded.spec) {
      std::cout << loaded.id << "  UNRESOLVED: " << loaded.error << "\n";
      continue;
    }
    std::string methods;
    for (StartMethod method : loaded.spec->start_methods) {
      if (!methods.empty()) methods += ',';
      methods += to_string(method);
    }
    std::cout << fmt::format("{}  [{}]{}  {}\n", loaded.id, methods,
                             loaded.spec->exclusive ? " exclusive" : "", loaded.spec->title);
  }
  if (line.list_json) {
    std::cout << listed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  } else {
    std::cout << cases.size() << " case" << (cases.size() == 1 ? "" : "s") << "\n";
  }
  return all_loaded ? 0 : 1;
}

// The comparison of a run with its baseline: on the console, and as Markdown when asked.
bool report_comparison(const RunComparison& comparison, const std::string& markdown_file, bool color) {
  std::cout << "\n";
  print_comparison(std::cout, comparison, color);
  if (!markdown_file.empty()) {
    std::ostringstream markdown;
    print_comparison_markdown(markdown, comparison);
    write_file_atomically(markdown_file, markdown.str());
  }
  return !comparison.failed();
}

// "this run (1a2b3c4d5e6f, dirty)": the new side of a --baseline comparison.
std::string this_run_label() {
  SourceRevision source = source_revision(PARITY_SOURCE_DIR);
  if (source.commit.empty()) return "this run";
  return "this run (" + source.commit.substr(0, 12) + (source.dirty.value_or(false) ? ", dirty)" : ")");
}

int command_run(const CommandLine& line, const ReportCommands& report_commands) {
  RunOptions options = line.run_options();
  if (line.last_failed) {
    std::size_t units = 0;
    for (const auto& [id, methods] : options.selection.units) units += methods.size();
    std::cout << "parity run --last-failed: " << units << " case x start method"
              << (units == 1 ? "" : "s") << " failed in " << line.last_failed_file().string() << "\n";
    if (units == 0) return 0;
  }
  require_matches(options);
  std::optional<ComparableRun> baseline;
  if (!line.baseline.empty()) baseline = read_baseline(line.baseline);
  if (!line.markdown_file.empty() && !baseline && !options.against_build)
    throw UsageError("--markdown: writes the comparison with --baseline or --against-build; none given");
  GateOptions gate = line.gate_options();
  if (auto error = run_setup_error(options, {{"--json", line.json_file}, {"--junit", line.junit_file}}))
    throw UsageError(*error);
  ReporterList reporters;
  reporters.add(std::make_unique<ConsoleReporter>(std::cout, stdout_is_tty(),
                                                  line.console_options(stdout_is_tty(), terminal_width())));
  if (!line.json_file.empty()) reporters.add(std::make_unique<JsonReporter>(line.json_file));
  if (!line.junit_file.empty()) reporters.add(std::make_unique<JunitReporter>(line.junit_file));
  if (auto history = report_commands.run_history_reporter()) reporters.add(std::move(history));
  Runner runner(options);
  RunSummary summary = runner.run(reporters);
  bool clean = true;
  if (baseline)
    clean = report_comparison(
        compare_reports(*baseline, comparable_from_results(summary.results, this_run_label()), gate),
        line.markdown_file, line.color_enabled(stdout_is_tty()));
  if (options.against_build && !summary.results.empty())
    clean = report_comparison(
        compare_reports(comparable_from_results(summary.against_build_results,
                                                "build " + options.against_build->string()),
                        comparable_from_results(summary.results, "this build " + options.build_dir.string()),
                        gate),
        line.markdown_file, line.color_enabled(stdout_is_tty()));
  return summary.success() && clean ? 0 : 1;
}

int command_compare(const CommandLine& line) {
  GateOptions gate = line.gate_options();
  ComparableRun base = read_baseline(line.baseline);
  ComparableRun current = read_baseline(line.compared);
  RunComparison comparison = compare_reports(base, current, gate);
  if (line.markdown) {
    print_comparison_markdown(std::cout, comparison);
  } else {
    print_comparison(std::cout, comparison, line.color_enabled(stdout_is_tty()));
  }
  return comparison.failed() ? 1 : 0;
}

// Runs the python side of every selected case x start method; the ReferenceWriter writes each
// result that meets its case's expectations and keeps its own list of what it could not record.
int command_record(const CommandLine& line) {
  RunOptions options = line.run_options();
  options.selection.impl = Impl::python;
  options.check_reference = false;  // a recording is never compared with the one it replaces
  options.measure_startup_floor = false;
  require_matches(options);
  if (auto error = run_setup_error(options, {})) throw UsageError(*error);
  ReporterList reporters;
  ConsoleOptions console = line.console_options(stdout_is_tty(), terminal_width());
  console.verbosity = Verbosity::verbose;  // every recording is worth a line
  reporters.add(std::make_unique<ConsoleReporter>(std::cout, stdout_is_tty(), console));
  auto writer_owner = std::make_unique<ReferenceWriter>(options.reference_dir);
  const ReferenceWriter& writer = *writer_owner;
  reporters.add(std::move(writer_owner));
  Runner runner(options);
  RunSummary summary = runner.run(reporters, "record");
  if (!writer.failures().empty()) {
    std::cout << "\nNot recorded\n";
    for (const auto& failure : writer.failures()) std::cout << "  " << failure << "\n";
  }
  std::cout << writer.written() << " reference" << (writer.written() == 1 ? "" : "s")
            << " written under " << options.reference_dir.string() << "\n";
  return summary.success() && writer.failures().empty() ? 0 : 1;
}

int command_show(const CommandLine& line, const std::string& case_name) {
  return show_case(line, case_name, std::cout, stdout_is_tty(), terminal_width());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"parity: runs each multiprocessing behavior case on CPython and on mp, under each "
               "start method, and compares outputs and timings"};
  app.require_subcommand(1);
  CommandLine line;
  std::string show_case;

  auto* list = app.add_subcommand("list", "list the cases (and why any cannot be loaded)");
  define_list_options(list, line);
  auto* run = app.add_subcommand("run", "run cases on both implementations and report");
  define_run_options(run, line);
  auto* show = app.add_subcommand("show", "run one case on both sides and show it up close");
  define_show_options(show, line, show_case);

  auto* record = app.add_subcommand("record", "record CPython's results as the reference");
  add_selection(record, line);
  add_execution(record, line);
  add_python_versions(record, line);
  add_color(record, line);
  record->add_option("-j,--jobs", line.jobs, "programs run at once; default: the number of cores");
  record->add_option("--repeat", line.repeat, "multiply each case's runs");
  record->add_option("--reference", line.reference_dir, "where to write; default: reference/");

  auto* compare = app.add_subcommand(
      "compare", "compare two results.json: conformance regressions and significant slowdowns");
  compare->add_option("base", line.baseline, "the earlier results.json")->required();
  compare->add_option("new", line.compared, "the later results.json")->required();
  compare->add_flag("--markdown", line.markdown, "print GitHub-flavoured Markdown");
  add_color(compare, line);
  add_gate(compare, line);

  ReportCommands report_commands(app, *run);

  app.set_version_flag("--version", [] { return version_text(PARITY_SOURCE_DIR); });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return exit_usage;
  }

  install_interrupt_handling();
  line.cancel = &interrupted;
  try {
    int status = exit_usage;
    if (*list) status = command_list(line);
    if (*run) status = command_run(line, report_commands);
    if (*show) status = command_show(line, show_case);
    if (*record) status = command_record(line);
    if (*compare) status = command_compare(line);
    if (auto report_status = report_commands.dispatch()) status = *report_status;
    while (interrupted) ::pause();  // the interrupt thread kills what runs and exits
    return status;
  } catch (const UsageError& error) {
    std::cerr << "parity: " << error.what() << "\n";
    return exit_usage;
  } catch (const std::exception& error) {
    std::cerr << "parity: " << error.what() << "\n";
    return 1;
  }
}
