#pragma once
// Running the built `parity` (PARITY_EXE) from end-to-end tests: each invocation in its own process
// group with a unique PARITY_E2E_TOKEN in its environment, which every process of its tree
// inherits, so "nothing left" is checked by scanning /proc/*/environ for the token; plus readers of
// its JSON report.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "temp_dir.hpp"

namespace parity::test_support {

namespace fs = std::filesystem;
using nlohmann::json;

inline const fs::path fixtures = PARITY_FIXTURES_DIR;

struct Invocation {
  int exit_code = -1;  // -1: killed (by the test's deadline or a signal)
  bool deadline_hit = false;
  std::string output;  // stdout and stderr, interleaved
  std::string token;
};

inline std::string unique_token() {
  std::random_device device;
  return "e2e-" + std::to_string(::getpid()) + "-" + std::to_string(device()) + "-" +
         std::to_string(device());
}

// Pids of live processes (other than zombies) whose environment holds PARITY_E2E_TOKEN=token.
inline std::vector<int> processes_with_token(const std::string& token) {
  std::vector<int> found;
  const std::string needle = "PARITY_E2E_TOKEN=" + token;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream status(entry.path() / "status");
    std::string line;
    bool zombie = false;
    while (std::getline(status, line)) {
      if (line.rfind("State:", 0) == 0) {
        zombie = line.find('Z') != std::string::npos;
        break;
      }
    }
    if (zombie) continue;
    std::ifstream environ(entry.path() / "environ", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(environ)), std::istreambuf_iterator<char>());
    std::size_t at = 0;
    while (at < text.size()) {
      std::size_t end = text.find('\0', at);
      if (end == std::string::npos) end = text.size();
      if (text.compare(at, end - at, needle) == 0) {
        found.push_back(std::stoi(name));
        break;
      }
      at = end + 1;
    }
  }
  return found;
}

inline std::string command_line_of(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::replace(text.begin(), text.end(), '\0', ' ');
  return text;
}

// Runs parity with args in its own process group; kills the group at the deadline. With
// interrupt_when set, sends parity SIGINT once a process of its tree has that in its command line.
inline Invocation run_parity(const std::vector<std::string>& args,
                      std::chrono::seconds deadline = std::chrono::seconds(280),
                      const std::string& interrupt_when = "") {
  Invocation result;
  result.token = unique_token();
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  std::vector<std::string> argv_text = {PARITY_EXE};
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::string token_entry = "PARITY_E2E_TOKEN=" + result.token;
  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    ::putenv(token_entry.data());
    ::unsetenv("COLUMNS");
    std::vector<char*> argv;
    for (auto& arg : argv_text) argv.push_back(arg.data());
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);
  ::close(pipe_fds[1]);
  auto stop_at = std::chrono::steady_clock::now() + deadline;
  char buffer[65536];
  bool interrupt_pending = !interrupt_when.empty();
  for (;;) {
    if (interrupt_pending) {
      for (int other : processes_with_token(result.token)) {
        if (other != pid && command_line_of(other).find(interrupt_when) != std::string::npos) {
          ::kill(pid, SIGINT);
          interrupt_pending = false;
          break;
        }
      }
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        stop_at - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.deadline_hit = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    pollfd poll_fd{pipe_fds[0], POLLIN, 0};
    int ready = ::poll(&poll_fd, 1, static_cast<int>(std::min<long long>(left.count(), 100)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    ssize_t got = ::read(pipe_fds[0], buffer, sizeof buffer);
    if (got <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// Nothing of the invocation's tree may be alive once parity has exited. A leftover is killed (so the
// test does not leak it either) and reported.
inline void expect_no_process_left(const Invocation& invocation) {
  auto left = processes_with_token(invocation.token);
  for (int attempt = 0; attempt < 20 && !left.empty(); ++attempt) {  // zombies being reaped
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    left = processes_with_token(invocation.token);
  }
  for (int pid : left) ::kill(pid, SIGKILL);
  EXPECT_TRUE(left.empty()) << left.size() << " process(es) of the run still alive, first pid "
                            << (left.empty() ? 0 : left.front());
}


inline json read_json(const fs::path& file) {
  std::ifstream in(file);
  EXPECT_TRUE(in.good()) << "no report at " << file;
  if (!in) return json::object();
  return json::parse(in);
}

// "case [method] impl" -> the result entry.
inline std::map<std::string, json> results_by_key(const json& report) {
  std::map<std::string, json> results;
  for (const auto& result : report.value("results", json::array())) {
    results[result["case"].get<std::string>() + " [" + result["start_method"].get<std::string>() +
            "] " + result["impl"].get<std::string>()] = result;
  }
  return results;
}

inline std::string joined_reasons(const json& result) {
  std::string text;
  for (const auto& reason : result["reasons"]) text += reason.get<std::string>() + "\n";
  return text;
}

inline std::vector<std::string> common_args() { return {"--cases", fixtures.string(), "--python", PARITY_PYTHON}; }

inline std::vector<std::string> with_common(std::vector<std::string> args) {
  auto common = common_args();
  args.insert(args.end(), common.begin(), common.end());
  return args;
}

}  // namespace parity::test_support
