#include "mp/detail/os_error.hpp"

#include <cerrno>
#include <cstring>

namespace mp::detail {

const char* python_errno_class(int err) noexcept {
  switch (err) {
    case EAGAIN:
    case EALREADY:
    case EINPROGRESS:
      return "BlockingIOError";
    case ECHILD:
      return "ChildProcessError";
    case EPIPE:
    case ESHUTDOWN:
      return "BrokenPipeError";
    case ECONNABORTED:
      return "ConnectionAbortedError";
    case ECONNREFUSED:
      return "ConnectionRefusedError";
    case ECONNRESET:
      return "ConnectionResetError";
    case EEXIST:
      return "FileExistsError";
    case ENOENT:
      return "FileNotFoundError";
    case EINTR:
      return "InterruptedError";
    case EISDIR:
      return "IsADirectoryError";
    case ENOTDIR:
      return "NotADirectoryError";
    case EACCES:
    case EPERM:
      return "PermissionError";
    case ESRCH:
      return "ProcessLookupError";
    case ETIMEDOUT:
      return "TimeoutError";
    default:
      return "OSError";
  }
}

namespace {
std::string errno_text(int err, const std::string& filename) {
  std::string text = "[Errno " + std::to_string(err) + "] " + std::strerror(err);
  if (!filename.empty()) text += ": '" + filename + "'";
  return text;
}
}  // namespace

ErrnoError::ErrnoError(int err, const std::string& filename)
    : OSError(python_errno_class(err), errno_text(err, filename)), errno_(err) {}

void throw_if(const std::error_code& ec, const std::string& filename) {
  if (ec) throw ErrnoError(ec.value(), filename);
}

std::error_code last_error() noexcept { return {errno, std::system_category()}; }

void throw_last_error(const std::string& filename) { throw ErrnoError(errno, filename); }

}  // namespace mp::detail
