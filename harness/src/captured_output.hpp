#pragma once
// An anonymous in-memory file (memfd) that a child writes its stdout or stderr into. Unlike a pipe
// nobody has to drain it while the child runs, and a leaked grandchild still holding the
// descriptor cannot make the reader block: read() returns what was written so far.

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

namespace parity {

class CapturedOutput {
 public:
  // name: shown in /proc/PID/fd links, for debugging. Throws std::system_error if no memfd can be
  // created; the error_code twin reports it instead (fd() is then -1).
  explicit CapturedOutput(const char* name);
  CapturedOutput(const char* name, std::error_code& ec) noexcept;
  ~CapturedOutput();
  CapturedOutput(const CapturedOutput&) = delete;
  CapturedOutput& operator=(const CapturedOutput&) = delete;

  // Close-on-exec descriptor; dup2 it onto the child's 1 or 2.
  int fd() const noexcept { return fd_; }

  // Everything written so far, at most max_bytes (then a truncation note is appended).
  std::string read(std::size_t max_bytes) const;
  // How many bytes were written in all (0 if unknown).
  std::uint64_t size() const noexcept;

 private:
  int release() noexcept;
  int fd_ = -1;
};

}  // namespace parity
