#pragma once
// A private directory under the system temp dir for one test, removed with everything in it at
// scope exit.

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <system_error>

namespace parity::test_support {

class TempDir {
 public:
  // prefix names the directory ("parity-e2e" -> /tmp/parity-e2e-XXXXXX), for debugging.
  explicit TempDir(const std::string& prefix = "parity-test") {
    std::string pattern = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace parity::test_support
