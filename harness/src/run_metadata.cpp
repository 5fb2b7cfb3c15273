// Run metadata: compile-time build facts, git, uname, /proc/cpuinfo, getloadavg.

#include "run_metadata.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <thread>

#include "tool_process.hpp"

namespace parity {

BuildInfo build_info() { return {PARITY_VERSION, PARITY_BUILD_TYPE, PARITY_COMPILER}; }

namespace {

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

std::string cpu_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) != 0) continue;
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) break;
    std::size_t start = line.find_first_not_of(" \t", colon + 1);
    return start == std::string::npos ? "" : line.substr(start);
  }
  return "";
}

}  // namespace

SourceRevision source_revision(const std::filesystem::path& source_dir) {
  SourceRevision revision;
  constexpr std::chrono::seconds timeout{10};
  ToolResult head = run_tool({"git", "-C", source_dir.string(), "rev-parse", "HEAD"}, timeout);
  if (!head.succeeded()) return revision;
  revision.commit = trimmed(head.output);
  ToolResult status = run_tool(
      {"git", "-C", source_dir.string(), "status", "--porcelain", "--untracked-files=no"}, timeout);
  if (status.succeeded()) revision.dirty = !trimmed(status.output).empty();
  return revision;
}

std::array<double, 3> load_average() {
  std::array<double, 3> load{};
  if (::getloadavg(load.data(), 3) != 3) load = {};
  return load;
}

RunMetadata collect_run_metadata(const std::filesystem::path& source_dir) {
  RunMetadata metadata;
  metadata.load_at_start = load_average();
  metadata.source = source_revision(source_dir);
  metadata.build = build_info();
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0) metadata.host = host;
  metadata.cpu_model = cpu_model();
  metadata.cores = std::thread::hardware_concurrency();
  utsname names{};
  if (::uname(&names) == 0)
    metadata.kernel = std::string(names.sysname) + " " + names.release + " " + names.version + " " +
                      names.machine;
  return metadata;
}

std::string version_text(const std::filesystem::path& source_dir) {
  BuildInfo build = build_info();
  SourceRevision source = source_revision(source_dir);
  std::string git = source.commit.empty() ? "not a git checkout" : "git " + source.commit.substr(0, 12);
  if (source.dirty.value_or(false)) git += ", dirty";
  return "parity " + build.parity_version + " (" + git + "; " + build.build_type + ", " +
         build.compiler + ")";
}

}  // namespace parity
