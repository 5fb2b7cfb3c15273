// The client side of manager calls (detail/manager_protocol.hpp): one authenticated connection per
// thread and manager, frame I/O, and errors re-raised under their Python names.
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <memory>
#include <vector>

#include "manager_internal.hpp"
#include "mp/detail/fd_io.hpp"
#include "mp/detail/lifecycle.hpp"
#include "mp/detail/manager_protocol.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/process.hpp"

namespace mp::detail {

// ---- frames ------------------------------------------------------------------------------------

namespace {
constexpr std::size_t kReadChunk = 64 * 1024;
}  // namespace

bool FrameReader::fill(int fd, std::size_t bytes) {
  if (end_ - start_ >= bytes) return true;
  if (buffer_.size() < start_ + bytes) {
    // Move the partial frame to the front; grow when it still does not fit.
    std::memmove(buffer_.data(), buffer_.data() + start_, end_ - start_);
    end_ -= start_;
    consumed_ -= std::min(consumed_, start_);
    start_ = 0;
    if (buffer_.size() < bytes) buffer_.resize(std::max({bytes, 2 * buffer_.size(), kReadChunk}));
  }
  while (end_ - start_ < bytes) {
    const ssize_t n = retry_on_eintr([&] { return ::read(fd, buffer_.data() + end_, buffer_.size() - end_); });
    if (n < 0) throw_last_error();
    if (n == 0) {
      if (end_ == start_) return false;
      throw OSError("got end of file during message");
    }
    end_ += static_cast<std::size_t>(n);
  }
  return true;
}

std::string_view FrameReader::next(int fd) {
  start_ = consumed_;
  if (start_ == end_) {
    start_ = end_ = consumed_ = 0;
    // A large message made the buffer grow: give the memory back.
    if (buffer_.size() > 16 * kReadChunk) std::string().swap(buffer_);
  }
  if (buffer_.empty()) buffer_.resize(kReadChunk);
  if (!fill(fd, 4)) throw EOFError();
  std::size_t header = 4;
  std::uint64_t length = read_be(buffer_.data() + start_, 4);
  if (length == 0xffffffffu) {
    fill(fd, 12);
    header = 12;
    length = read_be(buffer_.data() + start_ + 4, 8);
  } else if (length > kShortFrameLimit) {
    throw OSError("bad message length");
  }
  fill(fd, header + length);
  consumed_ = start_ + header + length;
  return std::string_view(buffer_.data() + start_ + header, length);
}

void send_frame(int fd, std::string& frame) {
  const std::uint64_t payload = frame.size() - 4;
  if (payload > kShortFrameLimit) frame.insert(4, 8, '\0');
  write_frame_header(frame.data(), payload);
  iovec part{frame.data(), frame.size()};
  std::error_code ec;
  write_all(fd, &part, 1, ec);
  throw_if(ec);
}

[[noreturn]] void raise_remote_error(const std::string& type_name, const std::string& message) {
  using Raise = void (*)(const std::string&);
  static const std::pair<const char*, Raise> known[] = {
      {"KeyError", [](const std::string& m) { throw KeyError(m); }},
      {"IndexError", [](const std::string& m) { throw IndexError(m); }},
      {"ValueError", [](const std::string& m) { throw ValueError(m); }},
      {"TypeError", [](const std::string& m) { throw TypeError(m); }},
      {"RuntimeError", [](const std::string& m) { throw RuntimeError(m); }},
      {"AssertionError", [](const std::string& m) { throw AssertionError(m); }},
      {"EOFError", [](const std::string& m) { throw EOFError(m); }},
      {"Empty", [](const std::string& m) { throw Empty(m); }},
      {"Full", [](const std::string& m) { throw Full(m); }},
      {"BrokenBarrierError", [](const std::string& m) { throw BrokenBarrierError(m); }},
      {"TimeoutError", [](const std::string& m) { throw TimeoutError(m); }},
      {"ProcessError", [](const std::string& m) { throw ProcessError(m); }},
  };
  for (const auto& [name, raise] : known) {
    if (type_name == name) raise(message);
  }
  throw RemoteError(type_name, message);
}

// ---- this thread's connections -----------------------------------------------------------------

namespace {

// One authenticated connection to one manager's server.
struct Channel {
  std::string address;
  Connection connection;
  FrameReader reader;
};

// Bumped in every forked child: connections a child inherited belong to its parent's threads.
std::atomic<std::uint64_t> fork_generation{0};

struct ThreadChannels {
  std::uint64_t generation = 0;
  std::vector<std::unique_ptr<Channel>> channels;
  std::string request;
};

ThreadChannels& thread_channels() {
  static const bool hooked = [] {
    register_after_fork([] { fork_generation.fetch_add(1, std::memory_order_relaxed); });
    return true;
  }();
  (void)hooked;
  thread_local ThreadChannels state;
  const std::uint64_t generation = fork_generation.load(std::memory_order_relaxed);
  if (state.generation != generation) {
    // Inherited from the parent's thread: close this process's copies, never use them.
    state.channels.clear();
    state.generation = generation;
  }
  return state;
}

Channel& channel_for(ThreadChannels& state, const ProxyToken& token) {
  for (auto& channel : state.channels) {
    if (channel->address == token.address) return *channel;
  }
  // CPython's BaseProxy._connect: a new connection for this thread, authenticated both ways.
  const std::string& authkey = token.authkey.empty() ? current_process().authkey() : token.authkey;
  auto channel = std::make_unique<Channel>();
  channel->address = token.address;
  channel->connection = Client(token.address, authkey);
  state.channels.push_back(std::move(channel));
  return *state.channels.back();
}

}  // namespace

std::string& begin_request(ManagerOp op, std::uint64_t id, std::int64_t code) {
  std::string& request = thread_channels().request;
  request.clear();
  request.append(4, '\0');  // frame header, filled in by send_frame
  request.push_back(static_cast<char>(op));
  request.append(reinterpret_cast<const char*>(&id), sizeof id);
  request.append(reinterpret_cast<const char*>(&code), sizeof code);
  return request;
}

std::string_view round_trip(const ProxyToken& token, std::string& request) {
  if (token.address.empty()) throw ValueError("the proxy is not bound to a manager's object");
  Channel& channel = channel_for(thread_channels(), token);
  const int fd = channel.connection.fileno();
  send_frame(fd, request);
  std::string_view reply = channel.reader.next(fd);
  if (reply.empty()) throw OSError("bad message length");
  const auto kind = static_cast<ReplyKind>(reply[0]);
  reply.remove_prefix(1);
  if (kind == ReplyKind::error) {
    auto [type_name, message] = load_payload<std::pair<std::string, std::string>>(reply);
    raise_remote_error(type_name, message);
  }
  return reply;
}

}  // namespace mp::detail
