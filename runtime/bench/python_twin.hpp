#pragma once
// A benchmark's CPython twin in the same run: a `python3 <script> --serve <method>` child that
// answers one command line with one line (the seconds its work took, measured in Python, or
// "missing"), so CPython's figures are benchmarks of this binary, interleaved with mp's and
// compared by its RatioReporter. Pinning the benchmark (taskset) pins the twin and its workers.
//
// The script is runtime/bench/<script> (MP_BENCH_DIR, set by CMake); the interpreter is
// $PARITY_BENCH_PYTHON, else python3 from PATH.
#include <benchmark/benchmark.h>
#include <signal.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>

extern char** environ;

namespace bench {

class PythonTwin {
 public:
  PythonTwin(const std::string& script, const std::string& method) {
    const char* python = std::getenv("PARITY_BENCH_PYTHON");
    std::string interpreter = python ? python : "python3";
    std::string path = std::string(MP_BENCH_DIR) + "/" + script;
    int to_child[2], from_child[2];
    // Close-on-exec: only the twin gets them (dup2 onto 0 and 1 clears the flag there).
    if (::pipe2(to_child, O_CLOEXEC) != 0 || ::pipe2(from_child, O_CLOEXEC) != 0) std::abort();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, to_child[0], 0);
    posix_spawn_file_actions_adddup2(&actions, from_child[1], 1);
    std::string serve = "--serve";
    char* argv[] = {interpreter.data(), path.data(), serve.data(), const_cast<char*>(method.c_str()), nullptr};
    if (::posix_spawnp(&pid_, interpreter.c_str(), &actions, nullptr, argv, environ) != 0) std::abort();
    posix_spawn_file_actions_destroy(&actions);
    ::close(to_child[0]);
    ::close(from_child[1]);
    commands_ = ::fdopen(to_child[1], "w");
    replies_ = ::fdopen(from_child[0], "r");
  }
  ~PythonTwin() {
    std::fputs("quit\n", commands_);
    std::fclose(commands_);
    std::fclose(replies_);
    ::waitpid(pid_, nullptr, 0);
  }
  PythonTwin(const PythonTwin&) = delete;
  PythonTwin& operator=(const PythonTwin&) = delete;

  // The seconds the command took in Python; nullopt when it answered "missing". Aborts when the
  // twin is gone (a broken twin must not pass for a fast one).
  std::optional<double> seconds(const std::string& command) {
    std::fprintf(commands_, "%s\n", command.c_str());
    std::fflush(commands_);
    char line[128];
    if (std::fgets(line, sizeof line, replies_) == nullptr) std::abort();
    if (std::string(line).rfind("missing", 0) == 0) return std::nullopt;
    return std::strtod(line, nullptr);
  }

 private:
  pid_t pid_ = 0;
  std::FILE* commands_ = nullptr;
  std::FILE* replies_ = nullptr;
};

// One twin per script and start method, started on first use and kept for the run.
inline PythonTwin& python_twin(const std::string& script, const std::string& method) {
  static std::map<std::string, std::unique_ptr<PythonTwin>> twins;
  auto& twin = twins[script + " " + method];
  if (!twin) twin = std::make_unique<PythonTwin>(script, method);
  return *twin;
}

// A manual-time benchmark body: each iteration runs `command` in the twin, and its time is what
// the twin measured. Skips when the twin says "missing".
inline void run_in_twin(benchmark::State& state, PythonTwin& twin, const std::string& command) {
  for (auto _ : state) {
    std::optional<double> seconds = twin.seconds(command);
    if (!seconds) {
      state.SkipWithError("not installed");
      return;
    }
    state.SetIterationTime(*seconds);
  }
}

}  // namespace bench
