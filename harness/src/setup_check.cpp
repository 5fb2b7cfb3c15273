#include "setup_check.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "tool_process.hpp"

namespace parity {
namespace {

// The last non-empty line of a tool's output (Python's error line), for a one-line message.
std::string last_line(const std::string& output) {
  std::size_t end = output.find_last_not_of("\r\n");
  if (end == std::string::npos) return {};
  std::size_t start = output.rfind('\n', end);
  return output.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

}  // namespace

std::optional<std::string> python_setup_error(const std::string& python) {
  const std::string prefix = "--python " + python + ": ";
  // Exit 3: not Python 3 (a Python 2 prints nothing else: the script is valid Python 2 too).
  ToolResult result = run_tool(
      {python, "-c",
       "import sys\nif sys.version_info[0] != 3: sys.exit(3)\nimport multiprocessing\n"
       "print('parity-python-ok')\n"},
      std::chrono::seconds(60));
  if (!result.error.empty()) return prefix + result.error;
  if (result.timed_out) return prefix + "did not answer within 60 s";
  if (result.succeeded() && result.output.find("parity-python-ok") != std::string::npos)
    return std::nullopt;
  if (result.succeeded()) return prefix + "not Python (it ignored a Python program)";
  if (result.status && *result.status == ExitStatus::exited(3)) return prefix + "not Python 3";
  if (result.status && *result.status == ExitStatus::exited(127))
    return prefix + "cannot be started (" + last_line(result.output) + ")";
  std::string why = last_line(result.output);
  if (why.find("multiprocessing") != std::string::npos) return prefix + "cannot import multiprocessing: " + why;
  return prefix + "not a usable Python 3 (" + (result.status ? result.status->str() : "no status") +
         (why.empty() ? "" : ": " + why) + ")";
}

std::optional<std::string> run_setup_error(
    const RunOptions& options, const std::vector<std::pair<std::string_view, std::string>>& reports) {
  for (const auto& [option, file] : reports)
    if (!file.empty())
      if (auto error = report_path_error(file, option)) return error;
  if (options.selection.impl != Impl::cpp)
    if (auto error = python_setup_error(options.python)) return error;
  return std::nullopt;
}

std::optional<std::string> report_path_error(const std::filesystem::path& file, std::string_view option) {
  const std::string prefix = std::string(option) + " " + file.string() + ": ";
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) return prefix + "is a directory";
  // The reporter creates missing directories: what must be writable is the nearest one that exists.
  std::filesystem::path dir = std::filesystem::absolute(file, ec).parent_path();
  while (!dir.empty() && !std::filesystem::exists(dir, ec) && dir != dir.root_path()) dir = dir.parent_path();
  if (!std::filesystem::is_directory(dir, ec)) return prefix + dir.string() + " is not a directory";
  const std::filesystem::path probe = dir / (".parity-write-probe-" + std::to_string(::getpid()));
  int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return prefix + "cannot write in " + dir.string() + ": " + std::strerror(errno);
  ::close(fd);
  ::unlink(probe.c_str());
  return std::nullopt;
}

}  // namespace parity
