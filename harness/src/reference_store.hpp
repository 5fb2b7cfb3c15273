#pragma once
// Recorded CPython results (`parity record`): reference/<python-version>/<case id>/<method>.json,
// holding the normalized outputs and outcomes CPython produced. `parity run` compares live CPython
// against them to tell CPython drift (REFERENCE-CHANGED) from an mp regression.

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "case_result.hpp"
#include "reporter.hpp"

namespace parity {

struct ReferenceRecord {
  std::string case_id;
  std::string start_method;
  std::string python_version;
  std::string compare;                            // the case's compare mode when recorded
  std::vector<std::vector<std::string>> outputs;  // distinct normalized outputs, first seen first
  std::vector<std::string> outcomes;              // distinct outcomes ("exit:0", "hang"), sorted
  double median_wall_s = 0;
  int runs = 0;
};

std::filesystem::path reference_path(const std::filesystem::path& reference_dir,
                                     const std::string& python_version, const std::string& case_id,
                                     StartMethod method);

// Empty when there is no file; throws std::runtime_error naming the file when it is malformed.
std::optional<ReferenceRecord> load_reference(const std::filesystem::path& file);
// The same from text; `name` says where it came from in the error.
ReferenceRecord parse_reference(std::istream& in, const std::string& name);
// The file's text, as load_reference reads it.
void render_reference(std::ostream& out, const ReferenceRecord& record);

// The record of a python CaseResult's runs.
ReferenceRecord make_reference(const CaseResult& python_result, CompareMode compare,
                               const std::string& python_version);

// `parity record`'s reporter: as each python result arrives, writes it as the reference of its
// case x start method (reference_path under path(), for the context's Python version, or a version
// axis result's own CaseResult::python_version) when it
// meets its case's expectations. Results are never changed: what could not be recorded is this
// reporter's own list of failures, which the caller reports beside the results.
class ReferenceWriter : public FileReporter {
 public:
  using FileReporter::FileReporter;  // path: the reference directory
  void report_results(const ResultBatch& batch) override;

  // "<case> [<method>]: why", in completion order: failing results (CPython does not meet the
  // case's expectations, or the case is UNRESOLVED), an unknown Python version, write errors.
  const std::vector<std::string>& failures() const noexcept { return failures_; }
  int written() const noexcept { return written_; }

 private:
  std::vector<std::string> failures_;
  int written_ = 0;
};

}  // namespace parity
