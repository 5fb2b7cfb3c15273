// Reference files: their JSON shape, and the reporter that writes them.

#include "reference_store.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <stdexcept>

namespace parity {
namespace fs = std::filesystem;
using nlohmann::json;

fs::path reference_path(const fs::path& reference_dir, const std::string& python_version,
                        const std::string& case_id, StartMethod method) {
  return reference_dir / python_version / case_id / (to_string(method) + ".json");
}

ReferenceRecord parse_reference(std::istream& in, const std::string& name) {
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
    throw std::runtime_error(name + ": malformed reference: " + error.what());
  }
}

std::optional<ReferenceRecord> load_reference(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return std::nullopt;
  return parse_reference(in, file.string());
}

void render_reference(std::ostream& out, const ReferenceRecord& record) {
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
  out << document.dump(2, ' ', false, json::error_handler_t::replace) << "\n";
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
    outcomes.insert(outcome_text(run.outcome));
    if (std::find(record.outputs.begin(), record.outputs.end(), run.lines) == record.outputs.end())
      record.outputs.push_back(run.lines);
  }
  record.outcomes.assign(outcomes.begin(), outcomes.end());
  record.median_wall_s = python_result.median_wall_s;
  record.runs = static_cast<int>(python_result.runs.size());
  return record;
}

void ReferenceWriter::report_results(const ResultBatch& batch) {
  for (const CaseResult& result : batch.results) {
    if (result.impl != Impl::python) continue;
    const std::string where = result.case_id + " [" + to_string(result.start_method) + "]" +
                              (result.python_version.empty() ? "" : " " + result.python_version) + ": ";
    if (result.code == ResultCode::unresolved || !batch.spec) {
      failures_.push_back(where + "not recorded: the case is UNRESOLVED");
      continue;
    }
    if (is_failure(result.code)) {
      // A CPython result the case itself rejects is a broken case, not a reference.
      failures_.push_back(where + "not recorded: CPython does not meet the case's expectations (" +
                          to_string(result.code) + ")");
      continue;
    }
    if (result.code == ResultCode::skip) continue;
    // A version axis result is its own interpreter's reference (parity record --python-versions).
    const std::string& version =
        result.python_version.empty() ? context().python_version : result.python_version;
    if (version.empty()) {
      failures_.push_back(where + "not recorded: cannot ask " + context().python +
                          " for its version");
      continue;
    }
    const ReferenceRecord record = make_reference(result, batch.spec->compare, version);
    try {
      write(reference_path(path(), version, result.case_id, result.start_method),
            [&](std::ostream& out) { render_reference(out, record); });
      ++written_;
    } catch (const std::exception& error) {
      failures_.push_back(where + "cannot write the reference: " + error.what());
    }
  }
}

}  // namespace parity
