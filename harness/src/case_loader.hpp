#pragma once
// Loading cases: one case.toml through toml++ into a validated CaseSpec, and discovery of every
// case under a set of roots. The loader rejects unknown keys, wrong types, missing programs and
// unknown start methods with "file:line:column: message" (CaseError). The file format is
// documented in docs/case-format.md.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "case_spec.hpp"

namespace parity {

// Parses and validates one case.toml. id is the case's path relative to its root. Throws CaseError.
CaseSpec load_case(const std::filesystem::path& toml_path, const std::string& id);

// A discovered case: either a spec, or the error that makes it UNRESOLVED.
struct LoadedCase {
  std::string id;
  std::filesystem::path toml_path;
  std::optional<CaseSpec> spec;
  std::string error;  // "file:line:column: message" when spec is empty
};

// Every */case.toml under each root (recursively; hidden directories skipped), sorted by id. The
// id is the case directory relative to its root. Never throws: a bad case, a missing root, or an id
// already found under an earlier root is a LoadedCase with an error.
std::vector<LoadedCase> discover_cases(const std::vector<std::filesystem::path>& roots);

}  // namespace parity
