#pragma once
// The runtime's blocking I/O on descriptors, in one place: noexcept primitives that report a
// failure as a std::error_code (errno becomes one only through last_error(), os_error.hpp), their
// throwing twins (ErrnoError, EOFError, OSError, as CPython raises them), the one EINTR retry, and
// the one frame format of every mp channel (CPython's Connection frames, wire.hpp).
//
// Short transfers are continued and EINTR is retried; nothing here has a timeout (poll first).
// write_all expects SIGPIPE ignored (ignore_sigpipe_once(), as CPython at start-up), so that a
// write without a reader fails with EPIPE (BrokenPipeError); send_all never raises SIGPIPE.

#include <errno.h>
#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace mp::detail {

// Calls `call` (a system call: -1 and errno on failure) again while it fails with EINTR, and
// returns its last result. A call with a timeout computes what is left of it on each call.
template <class Call>
auto retry_on_eintr(Call&& call) -> decltype(call()) {
  for (;;) {
    auto result = call();
    if (result != -1 || errno != EINTR) return result;
  }
}

// Sets SIGPIPE to ignored (if it has the default disposition) once per process, as CPython does at
// startup: writing to a pipe without readers then fails with EPIPE (BrokenPipeError).
void ignore_sigpipe_once() noexcept;

// ---- noexcept primitives: `ec` is cleared, or set to the failure -------------------------------

// Writes every byte of parts[0..count) (write, or writev for several parts).
void write_all(int fd, const iovec* parts, int count, std::error_code& ec) noexcept;

// Writes every byte of `bytes`: send(MSG_NOSIGNAL) on a socket, write otherwise.
void send_all(int fd, std::string_view bytes, std::error_code& ec) noexcept;

// Reads until `size` bytes or end of stream; returns the bytes read.
std::size_t read_exact(int fd, char* out, std::size_t size, std::error_code& ec) noexcept;

// ---- throwing twins --------------------------------------------------------------------------

// send_all; ErrnoError (BrokenPipeError, ...) when it fails.
void send_all(int fd, std::string_view bytes);

// Reads exactly `size` bytes; false when the stream ends before the first byte. OSError "got end
// of file during message" when it ends after it; ErrnoError on a read error.
bool read_exact(int fd, void* out, std::size_t size);

// As read_exact, with EOFError when the stream ends before the first byte.
void read_exact_or_throw(int fd, char* out, std::size_t size);

// ---- frames (wire.hpp) -----------------------------------------------------------------------

// Reads a frame header (4 bytes, or 4 + 8 for the extended form) and returns the payload length.
std::int64_t read_frame_length(int fd);

// One frame (header and payload) with send_all; ErrnoError when it fails.
void write_frame(int fd, std::string_view payload);

// The payload of the next frame; EOFError when the stream ends before it.
std::string read_frame(int fd);

}  // namespace mp::detail
