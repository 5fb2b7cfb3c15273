#pragma once
// Internals shared by the manager's implementation files (not a public header): frame I/O on a
// manager connection, the remote-error mapping, and the server process's entry point.

#include <cstdint>
#include <string>
#include <string_view>

#include "mp/connection.hpp"
#include "owner_watch.hpp"

namespace mp::detail {

// Reads frames (wire.hpp) from a stream socket through a buffer: a small request or reply costs
// one read(). Not thread-safe.
class FrameReader {
 public:
  // The next frame's payload, valid until the next call. EOFError when the stream ends between
  // frames; OSError "got end of file during message" when it ends inside one; ErrnoError.
  std::string_view next(int fd);

 private:
  // False when the stream ended before any byte of a new frame; otherwise reads until `bytes`
  // bytes from start_ are buffered.
  bool fill(int fd, std::size_t bytes);

  std::string buffer_;
  std::size_t start_ = 0;     // first byte of the current frame
  std::size_t end_ = 0;       // end of the bytes read
  std::size_t consumed_ = 0;  // end of the frame last returned
};

// Fills in the 4-byte frame header at the front of `frame` (reserved by begin_request or the
// server) and writes the whole frame. ErrnoError (BrokenPipeError, ...) when the write fails.
void send_frame(int fd, std::string& frame);

// Throws the mp exception named `type_name` (KeyError, IndexError, Empty, ...) with `message`;
// RemoteError(type_name, message) for a name mp has no class for.
[[noreturn]] void raise_remote_error(const std::string& type_name, const std::string& message);

// The server process's target: listens on a fresh Unix socket in a private 0700 directory, sends
// its address through address_writer, serves each connection on its own thread, and returns
// (after removing the socket and its directory) on a shutdown request, when the owner ends, or on
// SIGTERM / SIGHUP.
void serve_manager(Connection address_writer, OwnerWatch owner);

}  // namespace mp::detail
