// Connection and Pipe on POSIX descriptors: framing, reads and writes, poll.
#include "mp/connection.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

#include "mp/detail/fd_io.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/detail/queue_core.hpp"

namespace mp {

namespace detail {

std::string python_bytes_repr(std::string_view bytes) {
  const bool has_single = bytes.find('\'') != std::string_view::npos;
  const bool has_double = bytes.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out = "b";
  out.push_back(quote);
  static const char* hex = "0123456789abcdef";
  for (char c : bytes) {
    auto u = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (u < 0x20 || u >= 0x7f) {
      out += "\\x";
      out.push_back(hex[u >> 4]);
      out.push_back(hex[u & 0xf]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back(quote);
  return out;
}

}  // namespace detail

void Connection::State::close() noexcept {
  if (fd >= 0) ::close(fd);
  if (write_fd >= 0) ::close(write_fd);
  fd = write_fd = -1;
}

Connection::Connection(int fd, bool readable, bool writable) {
  if (fd < 0) throw ValueError("invalid handle");
  if (!readable && !writable) {
    throw ValueError("at least one of `readable` and `writable` must be True");
  }
  detail::ignore_sigpipe_once();
  state_ = std::make_shared<State>();
  state_->fd = fd;
  state_->readable = readable;
  state_->writable = writable;
}

void Connection::check_open() const {
  if (!state_ || state_->fd < 0) throw OSError("handle is closed");
}

void Connection::check_readable() const {
  check_open();
  if (!state_->readable) throw OSError("connection is write-only");
}

void Connection::check_writable() const {
  check_open();
  if (!state_->writable) throw OSError("connection is read-only");
}

bool Connection::closed() const noexcept { return !state_ || state_->fd < 0; }
bool Connection::readable() const noexcept { return state_ ? state_->readable : true; }
bool Connection::writable() const noexcept { return state_ ? state_->writable : true; }

int Connection::fileno() const {
  check_open();
  return state_->fd;
}

void Connection::close() noexcept {
  if (state_) state_->close();
}

Connection::Connection(int read_fd, int write_fd) : Connection(read_fd) {
  state_->write_fd = write_fd;
}

int Connection::send_fileno() const {
  check_open();
  return state_->out();
}

void Connection::send_frame(std::string_view frame) {
  check_writable();
  iovec part{const_cast<char*>(frame.data()), frame.size()};
  std::error_code ec;
  detail::write_all(state_->out(), &part, 1, ec);
  detail::throw_if(ec);
}

void Connection::send_bytes(std::string_view data, std::ptrdiff_t offset,
                            std::optional<std::ptrdiff_t> size) {
  check_writable();
  // CPython's checks in its order; comparing size with what is left cannot overflow.
  if (offset < 0) throw ValueError("offset is negative");
  if (data.size() < static_cast<std::size_t>(offset)) throw ValueError("buffer length < offset");
  const std::size_t left = data.size() - static_cast<std::size_t>(offset);
  if (size && *size < 0) throw ValueError("size is negative");
  if (size && static_cast<std::size_t>(*size) > left) throw ValueError("buffer length < offset + size");
  const std::size_t n = size ? static_cast<std::size_t>(*size) : left;
  const char* payload = data.data() + offset;
  char header[12];
  detail::write_frame_header(header, n);
  std::error_code ec;
  if (n <= 16384) {
    // One write, so a small message never reaches the peer as two segments.
    char frame[4 + 16384];
    std::memcpy(frame, header, 4);
    std::memcpy(frame + 4, payload, n);
    iovec part{frame, 4 + n};
    detail::write_all(state_->out(), &part, 1, ec);
  } else {
    iovec parts[2] = {{header, detail::frame_header_size(n)}, {const_cast<char*>(payload), n}};
    detail::write_all(state_->out(), parts, 2, ec);
  }
  detail::throw_if(ec);
}

std::string Connection::recv_bytes(std::optional<std::size_t> maxlength) {
  check_readable();
  detail::help_flush_pending_feeders();
  const std::int64_t size = detail::read_frame_length(state_->fd);
  if (maxlength && static_cast<std::uint64_t>(size) > *maxlength) {
    // CPython's _bad_message_length: the stream position is lost, so stop reading from it.
    if (state_->writable) {
      state_->readable = false;
    } else {
      close();
    }
    throw OSError("bad message length");
  }
  std::string payload(static_cast<std::size_t>(size), '\0');
  detail::read_exact_or_throw(state_->fd, payload.data(), payload.size());
  return payload;
}

std::size_t Connection::recv_bytes_into(std::span<std::byte> buffer, std::ptrdiff_t offset) {
  check_readable();
  detail::help_flush_pending_feeders();
  if (offset < 0) throw ValueError("negative offset");
  if (static_cast<std::size_t>(offset) > buffer.size()) throw ValueError("offset too large");
  const auto size = static_cast<std::size_t>(detail::read_frame_length(state_->fd));
  if (buffer.size() - static_cast<std::size_t>(offset) >= size) {
    detail::read_exact_or_throw(state_->fd, reinterpret_cast<char*>(buffer.data()) + offset, size);
    return size;
  }
  std::string payload(size, '\0');
  detail::read_exact_or_throw(state_->fd, payload.data(), size);
  throw BufferTooShort(detail::python_bytes_repr(payload));
}

bool Connection::poll(std::optional<std::chrono::duration<double>> timeout) {
  check_readable();
  const int fd = state_->fd;
  return !detail::wait_ready(std::span<const int>(&fd, 1), timeout).empty();
}

std::pair<Connection, Connection> Pipe(bool duplex) {
  int there[2], back[2];
  if (::pipe2(there, O_CLOEXEC) != 0) detail::throw_last_error();
  if (!duplex) return {Connection(there[0], true, false), Connection(there[1], false, true)};
  if (::pipe2(back, O_CLOEXEC) != 0) {
    std::error_code ec = detail::last_error();
    ::close(there[0]);
    ::close(there[1]);
    detail::throw_if(ec);
  }
  return {Connection(back[0], there[1]), Connection(there[0], back[1])};
}

}  // namespace mp
