#pragma once
// Helpers of the process tests: a private temporary directory, bounded joins, file reads, and the
// start-method parameterization.

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "mp/mp.hpp"

namespace mp_test {

inline const std::vector<std::string>& all_methods() {
  static const std::vector<std::string> methods = {"fork", "spawn", "forkserver"};
  return methods;
}

// A 0700 directory removed, with its contents, at the end of the scope.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "mp-test-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// Polls pred every 5 ms for up to `limit`; true once it holds.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = std::chrono::seconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

// Joins with a generous bound; a child still running then is killed and reaped, and the test fails.
inline void join_bounded(mp::Process& p, std::chrono::seconds limit = std::chrono::seconds(60)) {
  p.join(limit);
  if (p.is_alive()) {
    ADD_FAILURE() << p.name() << " still running after " << limit.count() << " s; killed";
    p.kill();
    p.join();
  }
}

// Joins p within `limit`; kills it if it is still running then (so nothing outlives the test).
// Returns whether it ended by itself.
inline bool join_within(mp::Process& p, std::chrono::duration<double> limit) {
  p.join(limit);
  if (p.exitcode()) return true;
  p.kill();
  p.join(std::chrono::seconds(10));
  return false;
}

// "TypeName: message" of the mp::Error f() throws, or "no exception".
template <class F>
std::string error_text(F&& f) {
  try {
    f();
  } catch (const mp::Error& e) {
    return e.str();
  }
  return "no exception";
}

// Sleeps until killed (bounded: 120 s, so nothing can outlive a broken test for long).
inline void sleep_until_killed() {
  for (int i = 0; i < 1200; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
}

inline bool pid_exists(int pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

class StartMethodTest : public ::testing::TestWithParam<std::string> {
 protected:
  mp::ProcessOptions options(std::string name = {}, std::optional<bool> daemon = {}) const {
    return mp::ProcessOptions{.name = std::move(name), .daemon = daemon, .start_method = GetParam()};
  }
  bool forked() const { return GetParam() == "fork"; }
};

}  // namespace mp_test

#define MP_INSTANTIATE_START_METHODS(Suite)                                             \
  INSTANTIATE_TEST_SUITE_P(StartMethods, Suite, ::testing::ValuesIn(mp_test::all_methods()), \
                           [](const auto& info) { return info.param; })
