#pragma once
// Helpers for the synchronization and shared-memory tests: children started under a given start
// method with bounded joins, bounded polling, and a census of this process's memfd segments.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mp/mp.hpp"

namespace mp_test {

using namespace std::chrono_literals;

inline const std::vector<std::string> kStartMethods = {"fork", "spawn", "forkserver"};

// fn(args...) in a child started with `method`.
template <class F, class... Args>
std::unique_ptr<mp::Process> start_child(const std::string& method, F fn, Args... args) {
  mp::ProcessOptions options;
  options.start_method = method;
  auto process = std::make_unique<mp::Process>(std::move(options), fn, std::move(args)...);
  process->start();
  return process;
}

// The child's exit code; a child still running after `limit` is killed (exit code -9), so a test
// never hangs on a child.
inline int join_bounded(mp::Process& process, std::chrono::seconds limit = 60s) {
  process.join(limit);
  if (!process.exitcode()) {
    process.kill();
    process.join();
  }
  return *process.exitcode();
}

// Polls `condition` every millisecond until it holds or `limit` passes; returns the last value.
template <class Condition>
bool eventually(Condition condition, std::chrono::seconds limit = 60s) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return condition();
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// Descriptors and mappings of this process that refer to the runtime's memfd segments.
struct SegmentCensus {
  int descriptors = 0;
  int mappings = 0;
  bool operator==(const SegmentCensus&) const = default;
};

inline SegmentCensus count_segments() {
  SegmentCensus census;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    std::string target = std::filesystem::read_symlink(entry.path(), ec).string();
    if (target.rfind("/memfd:mp-", 0) == 0) ++census.descriptors;
  }
  std::ifstream maps("/proc/self/maps");
  for (std::string line; std::getline(maps, line);) {
    if (line.find("/memfd:mp-") != std::string::npos) ++census.mappings;
  }
  return census;
}

// The message an mp exception prints ("Type: message"), or "no exception".
template <class F>
std::string error_of(F&& fn) {
  try {
    fn();
  } catch (const mp::Error& error) {
    return error.str();
  }
  return "no exception";
}

struct StartMethodName {
  std::string operator()(const testing::TestParamInfo<std::string>& info) const {
    return info.param;
  }
};

}  // namespace mp_test
