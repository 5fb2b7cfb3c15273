#include "captured_output.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "eintr.hpp"

namespace parity {

CapturedOutput::CapturedOutput(const char* name, std::error_code& ec) noexcept
    : fd_(::memfd_create(name, MFD_CLOEXEC)) {
  // O_APPEND: every process of the tree shares this file description, and without it two
  // processes writing at once can land at the same offset and overwrite each other's lines.
  if (fd_ < 0 || ::fcntl(fd_, F_SETFL, O_APPEND) != 0) {
    ec = std::error_code(errno, std::system_category());
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    return;
  }
  ec = std::error_code();
}

CapturedOutput::CapturedOutput(const char* name) {
  std::error_code ec;
  fd_ = CapturedOutput(name, ec).release();
  if (ec) throw std::system_error(ec, "memfd_create");
}

CapturedOutput::~CapturedOutput() {
  if (fd_ >= 0) ::close(fd_);
}

int CapturedOutput::release() noexcept {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

std::uint64_t CapturedOutput::size() const noexcept {
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0) return 0;
  return static_cast<std::uint64_t>(st.st_size);
}

std::string CapturedOutput::read(std::size_t max_bytes) const {
  std::string text;
  if (fd_ < 0) return text;
  char buffer[65536];
  off_t offset = 0;
  while (text.size() <= max_bytes) {
    ssize_t n = retry_on_eintr([&] { return ::pread(fd_, buffer, sizeof buffer, offset); });
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
    offset += n;
  }
  if (text.size() > max_bytes) {
    text.resize(max_bytes);
    text += "\n[parity: output truncated at " + std::to_string(max_bytes) + " bytes]\n";
  }
  return text;
}

}  // namespace parity
