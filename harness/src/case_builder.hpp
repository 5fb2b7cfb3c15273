#pragma once
// Finds or builds the C++ executable of a case. Cases under the project's cases/ are CMake targets
// (build/bin/cases/<id>/case). A case.cpp found only under another --cases root, or newer than its
// binary, is compiled on demand with the compiler, flags and mp library of the build this harness
// belongs to, and cached by content hash under build/case-cache/<hash>/case.

#include <filesystem>
#include <stdexcept>
#include <string>

namespace parity {

// The compiler failed: what() carries its output.
class CaseBuildError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CaseBuilder {
 public:
  // build_dir: the CMake build tree this harness belongs to (PARITY_BUILD_DIR by default).
  explicit CaseBuilder(std::filesystem::path build_dir);

  // The executable for case_dir/case.cpp, building it if needed. case_id is "<area>/<name>".
  // Thread-safe; concurrent requests for the same source compile it once.
  std::filesystem::path executable_for(const std::filesystem::path& case_dir,
                                       const std::string& case_id);

 private:
  std::filesystem::path build_dir_;
};

}  // namespace parity
