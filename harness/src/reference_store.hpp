#pragma once
// Recorded CPython results (`parity record`): reference/<python-version>/<case id>/<method>.json,
// holding the normalized outputs and outcomes CPython produced. `parity run` compares live CPython
// against them to tell CPython drift (REFERENCE-CHANGED) from an mp regression.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "case_result.hpp"

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

// Written atomically; creates the directories.
void save_reference(const std::filesystem::path& file, const ReferenceRecord& record);

// The record of a python CaseResult's runs.
ReferenceRecord make_reference(const CaseResult& python_result, CompareMode compare,
                               const std::string& python_version);

}  // namespace parity
