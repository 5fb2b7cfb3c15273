// Blocking I/O on descriptors (fd_io.hpp).
#include "mp/detail/fd_io.hpp"

#include <limits.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <vector>

#include "mp/detail/os_error.hpp"
#include "mp/detail/wire.hpp"
#include "mp/errors.hpp"

namespace mp::detail {

void ignore_sigpipe_once() noexcept {
  // CPython ignores SIGPIPE at startup, so a write to a pipe nobody reads raises BrokenPipeError
  // instead of killing the process. Only a default disposition is changed.
  static const bool done = [] {
    struct sigaction current {};
    if (sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) {
      signal(SIGPIPE, SIG_IGN);
    }
    return true;
  }();
  (void)done;
}

void write_all(int fd, const iovec* parts, int count, std::error_code& ec) noexcept {
  ec.clear();
  iovec local[4];
  std::vector<iovec> many;
  iovec* iov = local;
  if (count > 4) {
    many.assign(parts, parts + count);
    iov = many.data();
  } else {
    std::memcpy(local, parts, sizeof(iovec) * static_cast<std::size_t>(count));
  }
  while (count > 0) {
    const ssize_t n = retry_on_eintr([&] {
      return count == 1 ? ::write(fd, iov[0].iov_base, iov[0].iov_len) : ::writev(fd, iov, count < IOV_MAX ? count : IOV_MAX);
    });
    if (n < 0) {
      ec = last_error();
      return;
    }
    auto written = static_cast<std::size_t>(n);
    while (count > 0 && written >= iov[0].iov_len) {
      written -= iov[0].iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov[0].iov_base = static_cast<char*>(iov[0].iov_base) + written;
      iov[0].iov_len -= written;
    }
    // Skip empty parts so a finished write never issues a zero-length write.
    while (count > 0 && iov[0].iov_len == 0) {
      ++iov;
      --count;
    }
  }
}

void send_all(int fd, std::string_view bytes, std::error_code& ec) noexcept {
  ec.clear();
  const char* p = bytes.data();
  std::size_t size = bytes.size();
  while (size > 0) {
    ssize_t n = retry_on_eintr([&] { return ::send(fd, p, size, MSG_NOSIGNAL); });
    if (n < 0 && errno == ENOTSOCK) n = retry_on_eintr([&] { return ::write(fd, p, size); });
    if (n < 0) {
      ec = last_error();
      return;
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

std::size_t read_exact(int fd, char* out, std::size_t size, std::error_code& ec) noexcept {
  ec.clear();
  std::size_t got = 0;
  while (got < size) {
    const ssize_t n = retry_on_eintr([&] { return ::read(fd, out + got, size - got); });
    if (n < 0) {
      ec = last_error();
      return got;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  return got;
}

void send_all(int fd, std::string_view bytes) {
  std::error_code ec;
  send_all(fd, bytes, ec);
  throw_if(ec);
}

bool read_exact(int fd, void* out, std::size_t size) {
  std::error_code ec;
  const std::size_t got = read_exact(fd, static_cast<char*>(out), size, ec);
  throw_if(ec);
  if (got == size) return true;
  if (got == 0) return false;
  throw OSError("got end of file during message");
}

void read_exact_or_throw(int fd, char* out, std::size_t size) {
  if (!read_exact(fd, out, size) && size > 0) throw EOFError();
}

std::int64_t read_frame_length(int fd) {
  char header[8];
  read_exact_or_throw(fd, header, 4);
  auto size = static_cast<std::int32_t>(static_cast<std::uint32_t>(read_be(header, 4)));
  if (size == -1) {
    read_exact_or_throw(fd, header, 8);
    return static_cast<std::int64_t>(read_be(header, 8));
  }
  // CPython reads a negative length as an empty message.
  return size < 0 ? 0 : size;
}

void write_frame(int fd, std::string_view payload) {
  std::string frame(frame_header_size(payload.size()), '\0');
  write_frame_header(frame.data(), payload.size());
  frame.append(payload);
  send_all(fd, frame);
}

std::string read_frame(int fd) {
  std::string payload(static_cast<std::size_t>(read_frame_length(fd)), '\0');
  if (!payload.empty()) read_exact_or_throw(fd, payload.data(), payload.size());
  return payload;
}

}  // namespace mp::detail
