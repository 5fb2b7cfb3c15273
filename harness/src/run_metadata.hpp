#pragma once
// What a run ran on: enough to tell whether two results.json files are comparable (same machine,
// same build type, same interpreter) and which commit they measured. Written into every JSON report
// (docs/report-schema.md, "metadata") and shown by `parity --version` (the build's part).

#include <array>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace parity {

// The build this harness belongs to, fixed at compile time.
struct BuildInfo {
  std::string parity_version;  // the CMake project version, "0.1"
  std::string build_type;      // CMAKE_BUILD_TYPE, "Release"
  std::string compiler;        // "GNU 12.2.0": the compiler of the harness, mp and the cases
};
BuildInfo build_info();

// The project checkout at run time: HEAD and whether tracked files differ from it. Empty commit
// and no dirty flag when the source tree is not a git checkout or git cannot be run.
struct SourceRevision {
  std::string commit;
  std::optional<bool> dirty;
};
SourceRevision source_revision(const std::filesystem::path& source_dir);

// The 1, 5 and 15 minute load averages (getloadavg); zeros when unavailable.
std::array<double, 3> load_average();

struct RunMetadata {
  SourceRevision source;
  BuildInfo build;
  std::string host;       // gethostname
  std::string cpu_model;  // /proc/cpuinfo "model name" of the first CPU
  unsigned cores = 0;     // online CPUs
  std::string kernel;     // uname: "Linux 6.1.0-18-amd64 #1 SMP ... x86_64"
  std::array<double, 3> load_at_start{};
  std::chrono::system_clock::time_point started_at = std::chrono::system_clock::now();
};
// Everything above, now. Runs git (bounded in time) in source_dir.
RunMetadata collect_run_metadata(const std::filesystem::path& source_dir);

// `parity --version`: "parity 0.1 (git 1a2b3c4d5e6f, dirty; Release, GNU 12.2.0)".
std::string version_text(const std::filesystem::path& source_dir);

}  // namespace parity
