#pragma once
// Finds or builds the C++ executable of a case. Cases under the project's cases/ are CMake targets
// (build/bin/cases/<id>/case). A case.cpp found only under another --cases root, or newer than its
// binary, is compiled on demand with the compiler, flags and libraries (the case library
// cases/support and mp) of the build this harness belongs to, and cached by content hash under
// build/case-cache/<hash>/case.

#include <filesystem>
#include <memory>
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
  // build_dir: the CMake build tree this harness belongs to (PARITY_BUILD_DIR by default). How to
  // compile is read from build_dir/parity_build_config.json (written by CMake at generate time).
  explicit CaseBuilder(std::filesystem::path build_dir);
  // The same, caching compiled cases under cache_dir instead of build_dir/case-cache.
  CaseBuilder(std::filesystem::path build_dir, std::filesystem::path cache_dir);
  ~CaseBuilder();

  // The executable for case_dir/case.cpp, building it if needed. case_id is "<area>/<name>".
  // Thread-safe; concurrent requests for the same source compile it once. Throws CaseBuildError
  // when the compiler fails (what() holds the command and the compiler's output) or the build
  // configuration or library is missing.
  //
  // A case of the project's cases/ whose CMake-built binary is at least as new as its case.cpp is
  // used as is. Anything else is compiled into cache_dir/<hash>/case, where the hash covers the
  // source text, the build configuration, and the size and modification time of the libraries
  // (the case library, mp) and of their headers: editing any of them makes a new entry.
  std::filesystem::path executable_for(const std::filesystem::path& case_dir,
                                       const std::string& case_id);

 private:
  struct State;
  std::filesystem::path build_dir_;
  std::filesystem::path cache_dir_;
  std::unique_ptr<State> state_;
};

}  // namespace parity
