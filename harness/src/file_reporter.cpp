// FileReporter and write_file_atomically: render into memory; temp file in the target's
// directory, fsync, rename.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <sstream>
#include <system_error>

#include "eintr.hpp"
#include "reporter.hpp"

namespace parity {
namespace fs = std::filesystem;

void write_file_atomically(const fs::path& file, const std::string& text) {
  fs::path parent = file.parent_path();
  if (!parent.empty()) fs::create_directories(parent);
  fs::path temporary = file;
  temporary += ".tmp." + std::to_string(::getpid());
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "open " + temporary.string());
  const char* data = text.data();
  std::size_t left = text.size();
  while (left > 0) {
    ssize_t written = retry_on_eintr([&] { return ::write(fd, data, left); });
    if (written < 0) {
      int error = errno;
      ::close(fd);
      ::unlink(temporary.c_str());
      throw std::system_error(error, std::generic_category(), "write " + temporary.string());
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  int sync_error = ::fsync(fd) != 0 ? errno : 0;
  int close_error = ::close(fd) != 0 ? errno : 0;
  if (sync_error != 0 || close_error != 0) {
    int error = sync_error != 0 ? sync_error : close_error;
    ::unlink(temporary.c_str());
    throw std::system_error(error, std::generic_category(), "sync " + temporary.string());
  }
  if (::rename(temporary.c_str(), file.c_str()) != 0) {
    int error = errno;
    ::unlink(temporary.c_str());
    throw std::system_error(error, std::generic_category(), "rename to " + file.string());
  }
}

void FileReporter::write(const fs::path& file,
                         const std::function<void(std::ostream&)>& render) const {
  std::ostringstream content;
  render(content);
  write_file_atomically(file, content.str());
}

}  // namespace parity
