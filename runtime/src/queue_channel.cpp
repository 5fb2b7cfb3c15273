// The read side of a queue's pipe: a buffer in shared memory that every consumer reads through,
// so one read(2) can serve many small messages without any process keeping bytes to itself.
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "mp/detail/fd_io.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/detail/queue_core.hpp"

namespace mp::detail {

namespace {

// At the start of the segment. begin/end index data; both change only under the read lock, and
// are read without it only by poll() (an approximation, as Queue.empty() is).
struct ReadBufferHeader {
  std::atomic<std::uint32_t> begin;
  std::atomic<std::uint32_t> end;
};
constexpr std::size_t kDataOffset = 64;
constexpr std::size_t kCapacity = kReadBufferSegment - kDataOffset;

class BufferedReader {
 public:
  BufferedReader(const SharedMemory& memory, int fd)
      : header_(memory.at<ReadBufferHeader>()),
        data_(memory.at<char>(kDataOffset)),
        fd_(fd),
        begin_(header_->begin.load(std::memory_order_relaxed)),
        end_(header_->end.load(std::memory_order_relaxed)) {}
  ~BufferedReader() { publish(); }

  std::size_t available() const noexcept { return end_ - begin_; }

  // Makes at least n (<= kCapacity) bytes available, reading what the pipe has. Throws EOFError
  // when the pipe ends with nothing buffered, OSError "got end of file during message" when it
  // ends mid-message (`in_message`: some bytes of this message were already consumed).
  void fill(std::size_t n, bool in_message) {
    if (kCapacity - begin_ < n) compact();
    while (available() < n) {
      const ssize_t got = retry_on_eintr([&] { return ::read(fd_, data_ + end_, kCapacity - end_); });
      if (got < 0) {
        publish();
        throw_last_error();
      }
      if (got == 0) {
        if (available() == 0 && !in_message) throw EOFError();
        throw OSError("got end of file during message");
      }
      end_ += static_cast<std::size_t>(got);
    }
  }

  const char* take(std::size_t n) noexcept {
    const char* at = data_ + begin_;
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
    return at;
  }

  // Reads the rest of a message larger than what is buffered straight into out (only its bytes).
  void take_message(std::string& out, std::size_t size) {
    std::size_t have = available() < size ? available() : size;
    std::memcpy(out.data(), take(have), have);
    if (have < size) {
      publish();
      read_exact_or_throw_mid_message(out.data() + have, size - have);
    }
  }

 private:
  void compact() noexcept {
    std::memmove(data_, data_ + begin_, available());
    end_ -= begin_;
    begin_ = 0;
  }
  void publish() noexcept {
    header_->begin.store(static_cast<std::uint32_t>(begin_), std::memory_order_relaxed);
    header_->end.store(static_cast<std::uint32_t>(end_), std::memory_order_relaxed);
  }
  void read_exact_or_throw_mid_message(char* out, std::size_t size) {
    std::error_code ec;
    std::size_t got = read_exact(fd_, out, size, ec);
    throw_if(ec);
    if (got < size) throw OSError("got end of file during message");
  }

  ReadBufferHeader* header_;
  char* data_;
  int fd_;
  std::size_t begin_;
  std::size_t end_;
};

}  // namespace

std::string QueueChannel::recv_locked(std::size_t split, std::string* head) {
  BufferedReader in(read_buffer, reader.fileno());
  in.fill(4, false);
  auto size = static_cast<std::int64_t>(
      static_cast<std::int32_t>(static_cast<std::uint32_t>(read_be(in.take(4), 4))));
  if (size == -1) {
    in.fill(8, true);
    size = static_cast<std::int64_t>(read_be(in.take(8), 8));
  } else if (size < 0) {
    size = 0;
  }
  auto rest = static_cast<std::size_t>(size);
  if (head != nullptr && split > 0 && split <= rest && split <= kCapacity) {
    in.fill(split, true);
    head->assign(in.take(split), split);
    rest -= split;
  }
  std::string payload(rest, '\0');
  if (rest <= kCapacity) in.fill(rest, true);
  in.take_message(payload, rest);
  return payload;
}

bool QueueChannel::poll(std::optional<std::chrono::duration<double>> timeout) {
  const auto* header = read_buffer.at<ReadBufferHeader>();
  if (header->begin.load(std::memory_order_relaxed) != header->end.load(std::memory_order_relaxed)) {
    return true;
  }
  return reader.poll(timeout);
}

}  // namespace mp::detail
