// The pool worker process (CPython's multiprocessing.pool.worker) and the registry of descriptors
// a forked worker closes.
#include <errno.h>
#include <malloc.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <set>
#include <typeinfo>

#include "mp/detail/fd_io.hpp"
#include "mp/detail/function_identity.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/detail/wire.hpp"
#include "pool_internal.hpp"

namespace mp::detail {
namespace {

// Immortal: pools may be torn down by exit finalizers after static destructors have run.
std::mutex& registry_mutex() {
  static auto* mutex = new std::mutex;
  return *mutex;
}
std::set<int>& registry() {
  static auto* fds = new std::set<int>;
  return *fds;
}

// Reads whole task frames from the channel, buffering what one recv() brings.
class TaskReader {
 public:
  explicit TaskReader(int fd) : fd_(fd) { buffer_.resize(64 * 1024); }

  // The next task body (trampoline + payload); false at end of stream.
  bool next(std::string_view& body) {
    discard_consumed();
    for (;;) {
      const char* frame = buffer_.data() + begin_;
      const std::size_t have = used_ - begin_;
      std::size_t need = 4;  // bytes of this frame needed to go on: its header, then all of it
      if (have >= 4) {
        std::size_t header = 4;
        std::uint64_t size = read_be(frame, 4);
        if (size == 0xffffffffu) {
          header = need = 12;
          if (have >= 12) size = read_be(frame + 4, 8);
        }
        if (have >= header) {
          need = header + static_cast<std::size_t>(size);
          if (have >= need) {
            body = std::string_view(frame + header, static_cast<std::size_t>(size));
            consumed_ = need;
            return true;
          }
        }
      }
      if (buffer_.size() - begin_ < need) {
        compact();
        if (buffer_.size() < need) buffer_.resize(need);
      }
      const ssize_t n = retry_on_eintr([&] { return ::read(fd_, buffer_.data() + used_, buffer_.size() - used_); });
      if (n < 0) throw_last_error();
      if (n == 0) return false;
      used_ += static_cast<std::size_t>(n);
    }
  }

 private:
  void discard_consumed() {
    begin_ += consumed_;
    consumed_ = 0;
    if (begin_ == used_) begin_ = used_ = 0;
  }
  void compact() {
    std::memmove(buffer_.data(), buffer_.data() + begin_, used_ - begin_);
    used_ -= begin_;
    begin_ = 0;
  }

  int fd_;
  std::string buffer_;
  std::size_t begin_ = 0, used_ = 0, consumed_ = 0;
};

// Writes header then body with as few system calls as the pipe allows (one, usually). SIGPIPE is
// ignored (Connection): EPIPE instead.
void write_all_parts(int fd, std::string_view header, std::string_view body) {
  const iovec parts[2] = {{const_cast<char*>(header.data()), header.size()},
                          {const_cast<char*>(body.data()), body.size()}};
  std::error_code ec;
  write_all(fd, parts, body.empty() ? 1 : 2, ec);
  throw_if(ec);
}

// A worker allocates and frees about the same memory for each task (its items, its results, their
// frames): let malloc keep what was freed rather than give it back to the kernel and fault it in
// again for the next task (glibc maps blocks from 128 KiB on, unmaps them when freed, and trims the
// heap above 128 KiB of free space). A worker keeps up to kKeptFreeBytes of freed memory.
constexpr int kKeptFreeBytes = 64 << 20;
void keep_freed_memory() noexcept {
  ::mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest on 64-bit; larger blocks are still mapped
  ::mallopt(M_TRIM_THRESHOLD, kKeptFreeBytes);
}

}  // namespace

void add_pool_parent_fd(int fd) {
  std::lock_guard lock(registry_mutex());
  registry().insert(fd);
}

void remove_pool_parent_fd(int fd) {
  std::lock_guard lock(registry_mutex());
  registry().erase(fd);
}

std::unique_lock<std::mutex> lock_pool_parent_fds() { return std::unique_lock(registry_mutex()); }

void close_pool_parent_fds(int keep_fd) {
  // Not locked: a forked child's copy of the mutex is held by the parent thread that forked it.
  for (int fd : registry()) {
    if (fd != keep_fd) ::close(fd);
  }
  registry().clear();
}

std::pair<std::string, std::string> describe_current_exception() {
  try {
    throw;
  } catch (const Error& e) {
    return {e.type_name(), e.what()};
  } catch (const std::exception& e) {
    return {type_name_of(typeid(e)), e.what()};
  } catch (...) {
    return {"BaseException", "exception of unknown type"};
  }
}

void pool_worker_main(Connection tasks, Connection results, PoolInitializer initializer, int maxtasks,
                      WorkerCounter started, OwnerWatch owner) {
  const int task_fd = tasks.fileno();
  const int fd = results.fileno();
  close_pool_parent_fds(-1);
  die_with_owner(owner);
  keep_freed_memory();
  if (initializer) initializer();

  auto& started_tasks = *started.memory.at<std::atomic<std::uint32_t>>(started.offset);
  TaskReader reader(task_fd);
  std::string_view body;
  for (int completed = 0; maxtasks <= 0 || completed < maxtasks; ++completed) {
    if (!reader.next(body)) break;
    started_tasks.store(static_cast<std::uint32_t>(completed + 1), std::memory_order_release);
    std::int64_t trampoline = 0;
    std::memcpy(&trampoline, body.data(), 8);
    const std::string_view payload = body.substr(8);
    auto kind = TaskOutcome::Kind::value;
    std::string result;
    try {
      result = function_at<std::string(std::string_view)>(trampoline)(payload);
    } catch (...) {
      kind = TaskOutcome::Kind::remote_error;
      auto [type, message] = describe_current_exception();
      result = dumps(std::tuple<std::string, std::string>(type, message));
    }
    const std::uint64_t size = 1 + result.size();
    char header[12 + 1];
    const std::size_t header_size = frame_header_size(size);
    write_frame_header(header, size);
    header[header_size] = static_cast<char>(kind);
    write_all_parts(fd, std::string_view(header, header_size + 1), result);
  }
}

}  // namespace mp::detail
