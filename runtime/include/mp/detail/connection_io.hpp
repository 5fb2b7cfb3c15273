#pragma once
// Blocking descriptor I/O under Connection and Queue (retrying EINTR and partial transfers).

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

namespace mp::detail {

// Sets SIGPIPE to ignored (if it has the default disposition) once per process, as CPython does at
// startup: writing to a pipe without readers then fails with EPIPE (BrokenPipeError).
void ignore_sigpipe_once() noexcept;

// Writes every byte of parts[0..count).
void write_all(int fd, const iovec* parts, int count, std::error_code& ec) noexcept;

// Reads until `size` bytes or end of stream; returns the bytes read.
std::size_t read_exact(int fd, char* out, std::size_t size, std::error_code& ec) noexcept;

// Reads exactly `size` bytes: EOFError when the stream ends before the first byte, OSError "got
// end of file during message" when it ends after it, ErrnoError on a read error.
void read_exact_or_throw(int fd, char* out, std::size_t size);

// Reads a frame header (4 bytes, or 4 + 8 for the extended form) and returns the payload length.
std::int64_t read_frame_length(int fd);

// Python's repr of a bytes object: b'abc', b"it's", b'\x00'.
std::string python_bytes_repr(std::string_view bytes);

}  // namespace mp::detail
