// ReportCommands: the history, report and merge subcommands, and `run --history`.

#include "report_commands.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>
#include <sstream>

#include "history_store.hpp"
#include "html_report.hpp"
#include "results_merge.hpp"

namespace parity {
namespace {

using json = nlohmann::json;

template <typename Json = json>
Json read_report(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot be read");
  try {
    return Json::parse(in);
  } catch (const nlohmann::json::parse_error& error) {
    throw std::runtime_error(path + ": not JSON: " + error.what());
  }
}

// Appends the finished run to the history: the JSON report the run would write, imported in one
// transaction (the same path as `history import`, so both store a run identically).
class HistoryReporter : public Reporter {
 public:
  explicit HistoryReporter(const std::string& database) : store_(database), json_("") {}
  void report_context(const RunContext& context) override { json_.report_context(context); }
  void finalize(const RunSummary& summary) override {
    std::ostringstream text;
    json_.render(text, summary);
    json report = json::parse(text.str());
    auto ids = store_.import_reports({{&report, "parity run"}});
    std::cout << "history: run " << ids.front() << " appended to " << store_.path().string() << "\n";
  }

 private:
  HistoryStore store_;
  JsonReporter json_;
};

int history_import(const std::string& database, const std::vector<std::string>& files) {
  std::vector<json> reports;
  std::vector<ReportToImport> items;
  for (const auto& file : files) reports.push_back(read_report(file));
  for (std::size_t i = 0; i < files.size(); ++i) items.push_back({&reports[i], files[i]});
  HistoryStore store(database);
  auto ids = store.import_reports(items);
  for (std::size_t i = 0; i < ids.size(); ++i)
    std::cout << "history: " << files[i] << " -> run " << ids[i] << "\n";
  return 0;
}

std::string counts_text(const std::map<std::string, int>& counts) {
  std::string text;
  for (const auto& [code, count] : counts) text += (text.empty() ? "" : " ") + code + "=" + std::to_string(count);
  return text;
}

int history_list(const std::string& database, int last) {
  HistoryStore store(database, HistoryAccess::read_only);
  auto runs = store.runs(last);
  std::cout << fmt::format("{:>4}  {:<20}  {:<14}  {:<12}  {:<8}  {:>8}  {:<4}  {}\n", "run", "started (UTC)",
                           "commit", "host", "python", "elapsed", "ok", "results");
  for (const HistoryRun& run : runs) {
    std::string commit = run.git_commit.empty() ? "?" : run.git_commit.substr(0, 12);
    if (run.git_dirty.value_or(false)) commit += "+";
    std::string shard = run.shard_count > 1 ? fmt::format(" shard {}/{}", run.shard_index, run.shard_count) : "";
    std::cout << fmt::format("{:>4}  {:<20}  {:<14}  {:<12}  {:<8}  {:>8}  {:<4}  {}{}\n", run.id,
                             run.started_at, commit, run.host.substr(0, 12), run.python_version,
                             format_seconds(run.elapsed_s), run.success ? "yes" : "no",
                             counts_text(run.counts), shard);
  }
  std::cout << runs.size() << " run" << (runs.size() == 1 ? "" : "s") << " in " << database
            << ("  (+: a dirty tree)\n");
  return 0;
}

int write_report(const std::string& results_file, const std::string& html_file, const std::string& markdown_file,
                 const std::string& database, int trend_runs) {
  json results = read_report(results_file);
  std::optional<HistoryView> history;
  if (!database.empty()) {
    TrendOptions options;
    options.runs = trend_runs;
    history = read_history_view(HistoryStore(database, HistoryAccess::read_only), options);
  }
  ReportInput input{&results, history ? &*history : nullptr};
  // Both are rendered before either is written: a report that cannot be rendered writes nothing.
  std::ostringstream html, markdown;
  if (!html_file.empty()) render_html_report(html, input);
  if (!markdown_file.empty()) render_markdown_report(markdown, input);
  if (!html_file.empty()) {
    write_file_atomically(html_file, html.str());
    std::cout << "report: " << html_file << " (" << html.str().size() / 1024 << " KiB)\n";
  }
  if (!markdown_file.empty()) {
    write_file_atomically(markdown_file, markdown.str());
    std::cout << "report: " << markdown_file << "\n";
  }
  return 0;
}

int merge_shards(const std::vector<std::string>& files, const std::string& output) {
  std::vector<ShardReport> shards;
  for (const auto& file : files) shards.push_back({file, read_report<nlohmann::ordered_json>(file)});
  nlohmann::ordered_json merged = merge_shard_reports(shards);
  write_file_atomically(output, merged.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n");
  std::cout << "merge: " << files.size() << " shards, " << merged["results"].size() << " results -> " << output << "\n";
  return 0;
}

}  // namespace

std::string ReportCommands::default_history() {
  return (std::filesystem::path(PARITY_SOURCE_DIR) / "reports" / "history.sqlite").string();
}

ReportCommands::ReportCommands(CLI::App& app, CLI::App& run) {
  run.add_option("--history", run_history_,
                 "append the finished run to this history database (docs/history.md)");

  history_ = app.add_subcommand("history", "the run history the nightly report draws trends from");
  history_->require_subcommand(1);
  history_import_ = history_->add_subcommand("import", "append runs from results.json files (one transaction)");
  history_import_->add_option("results", inputs_, "results.json files, oldest first")
      ->required()
      ->check(CLI::ExistingFile);
  history_list_ = history_->add_subcommand("list", "list the runs in the history");
  history_list_->add_option("--last", last_, "only the last N runs");
  for (CLI::App* command : {history_import_, history_list_})
    command->add_option("--history", history_db_, "the database")->capture_default_str();

  report_ = app.add_subcommand("report", "the nightly report of a results.json: one HTML page, and Markdown");
  report_->add_option("results", report_results_, "the run's results.json")->required()->check(CLI::ExistingFile);
  report_->add_option("--html", html_, "write the self-contained HTML page here");
  report_->add_option("--markdown", markdown_, "write the Markdown summary (for a CI job summary) here");
  report_->add_option("--history", report_history_,
                      "draw trends, change points and flaky cases from this history database");
  report_->add_option("--trend-runs", trend_runs_, "how many of the history's last runs the trends show")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  merge_ = app.add_subcommand("merge", "one results.json from the results of `run --shard I/N` runs");
  merge_->add_option("shards", inputs_, "the shards' results.json files")->required()->check(CLI::ExistingFile);
  merge_->add_option("-o,--output", merged_, "the merged results.json")->required();

  report_->callback([this] {  // during parsing: a usage error (exit 2)
    if (html_.empty() && markdown_.empty()) throw CLI::ValidationError("report", "give --html FILE, --markdown FILE or both");
  });
}

std::unique_ptr<Reporter> ReportCommands::run_history_reporter() const {
  if (run_history_.empty()) return nullptr;
  return std::make_unique<HistoryReporter>(run_history_);
}

std::optional<int> ReportCommands::dispatch() const {
  if (*history_import_) return history_import(history_db_, inputs_);
  if (*history_list_) return history_list(history_db_, last_);
  if (*merge_) return merge_shards(inputs_, merged_);
  if (*report_) return write_report(report_results_, html_, markdown_, report_history_, trend_runs_);
  return std::nullopt;
}

}  // namespace parity
