#include "reference_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "reporter.hpp"

namespace parity {
namespace fs = std::filesystem;
using nlohmann::json;

fs::path reference_path(const fs::path& reference_dir, const std::string& python_version,
                        const std::string& case_id, StartMethod method) {
  return reference_dir / python_version / case_id / (to_string(method) + ".json");
}

std::optional<ReferenceRecord> load_reference(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  try {
    json document = json::parse(in);
    ReferenceRecord record;
    record.case_id = document.at("case").get<std::string>();
    record.start_method = document.at("start_method").get<std::string>();
    record.python_version = document.at("python_version").get<std::string>();
    record.compare = document.at("compare").get<std::string>();
    record.outputs = document.at("outputs").get<std::vector<std::vector<std::string>>>();
    record.outcomes = document.at("outcomes").get<std::vector<std::string>>();
    record.median_wall_s = document.value("median_wall_s", 0.0);
    record.runs = document.value("runs", 0);
    return record;
  } catch (const json::exception& error) {
    throw std::runtime_error(file.string() + ": malformed reference: " + error.what());
  }
}

void save_reference(const fs::path& file, const ReferenceRecord& record) {
  json document = {
      {"case", record.case_id},
      {"start_method", record.start_method},
      {"python_version", record.python_version},
      {"compare", record.compare},
      {"outputs", record.outputs},
      {"outcomes", record.outcomes},
      {"median_wall_s", record.median_wall_s},
      {"runs", record.runs},
  };
  write_file_atomically(file, document.dump(2, ' ', false, json::error_handler_t::replace) + "\n");
}

ReferenceRecord make_reference(const CaseResult& python_result, CompareMode compare,
                               const std::string& python_version) {
  ReferenceRecord record;
  record.case_id = python_result.case_id;
  record.start_method = to_string(python_result.start_method);
  record.python_version = python_version;
  record.compare = to_string(compare);
  std::set<std::string> outcomes;
  for (const auto& run : python_result.runs) {
    outcomes.insert(run.outcome);
    if (std::find(record.outputs.begin(), record.outputs.end(), run.lines) == record.outputs.end())
      record.outputs.push_back(run.lines);
  }
  record.outcomes.assign(outcomes.begin(), outcomes.end());
  record.median_wall_s = python_result.median_wall_s;
  record.runs = static_cast<int>(python_result.runs.size());
  return record;
}

}  // namespace parity
