// The raw OS floors of benchmark cases (parity/bench_floor.hpp).

#include "parity/bench_floor.hpp"

#include <fcntl.h>
#include <linux/futex.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>

extern char** environ;

namespace parity::bench {
namespace {

constexpr std::size_t kPageBytes = 4096;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Writes all of data; false (errno set) on an error. Async-signal-safe.
bool write_all(int fd, const char* data, std::size_t size) noexcept {
  while (size > 0) {
    const ssize_t put = ::write(fd, data, size);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return false;
    data += put;
    size -= static_cast<std::size_t>(put);
  }
  return true;
}

// Reads at least `least` bytes into out (at most `most`); the count read, or 0 on end of stream
// before `least` (errno 0) or an error (errno set). Async-signal-safe.
std::size_t read_at_least(int fd, char* out, std::size_t least, std::size_t most) noexcept {
  std::size_t done = 0;
  while (done < least) {
    const ssize_t got = ::read(fd, out + done, most - done);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      if (got == 0) errno = 0;
      return 0;
    }
    done += static_cast<std::size_t>(got);
  }
  return done;
}

void send_or_throw(int fd, const char* data, std::size_t size, const char* what) {
  if (!write_all(fd, data, size)) throw_errno(what);
}

void receive_or_throw(int fd, char* out, std::size_t size, const char* what) {
  if (read_at_least(fd, out, size, size) != size) {
    if (errno == 0) errno = EPIPE;  // the partner is gone
    throw_errno(what);
  }
}

void ignore_sigpipe() noexcept {
  struct sigaction current {};
  if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
}

std::array<int, 2> make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
  return {fds[0], fds[1]};
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// In a forked child: closes every descriptor above 2 except `keep`. Async-signal-safe.
void close_other_fds(std::initializer_list<int> keep) noexcept {
  std::array<int, 8> sorted{};
  std::size_t count = 0;
  for (int fd : keep) sorted[count++] = fd;
  std::sort(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(count));
  unsigned int first = 3;
  for (std::size_t index = 0; index < count; ++index) {
    const auto fd = static_cast<unsigned int>(sorted[index]);
    if (fd > first) ::syscall(SYS_close_range, first, fd - 1, 0);
    if (fd + 1 > first) first = fd + 1;
  }
  ::syscall(SYS_close_range, first, ~0U, 0);
}

// fork(); in the child runs body() (which must not return) with only `keep` open above 2.
template <class Body>
pid_t fork_partner(std::initializer_list<int> keep, Body body) {
  ignore_sigpipe();
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork");
  if (pid == 0) {
    // A partner never outlives the case, even one killed at its timeout.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(1);
    close_other_fds(keep);
    body();
    ::_exit(0);
  }
  return pid;
}

// Waits for pid; kill_first sends SIGKILL before (a partner that never stops on its own).
void reap(pid_t& pid, bool kill_first) noexcept {
  if (pid <= 0) return;
  if (kill_first) ::kill(pid, SIGKILL);
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid = -1;
}

void* map_shared_page() {
  void* page = ::mmap(nullptr, kPageBytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) throw_errno("mmap");
  return page;
}

long futex(std::atomic<std::uint32_t>* word, int op, std::uint32_t value) noexcept {
  return ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), op, value, nullptr, nullptr, 0);
}

// The futex ping-pong states.
constexpr std::uint32_t kIdle = 0, kPing = 1, kPong = 2, kStop = 3;

}  // namespace

// ---- process start ------------------------------------------------------------------------------

void fork_exit_wait(std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) {
    const pid_t pid = ::fork();
    if (pid < 0) throw_errno("fork");
    if (pid == 0) ::_exit(0);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) throw_errno("waitpid");
    }
  }
}

void exec_exit_wait(std::int64_t n) {
  std::string exe = "/proc/self/exe";
  std::string flag = exec_floor_flag;
  char* argv[] = {exe.data(), flag.data(), nullptr};
  for (std::int64_t i = 0; i < n; ++i) {
    pid_t pid = 0;
    if (const int error = ::posix_spawn(&pid, exe.c_str(), nullptr, nullptr, argv, environ); error != 0) {
      throw std::system_error(error, std::generic_category(), "posix_spawn");
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
      if (errno != EINTR) throw_errno("waitpid");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      throw std::runtime_error("exec floor: the child did not exit 0 (does main() call exit_if_exec_floor?)");
    }
  }
}

void exit_if_exec_floor(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], exec_floor_flag) == 0) ::_exit(0);
}

// ---- PipeEcho -----------------------------------------------------------------------------------

PipeEcho::PipeEcho(std::size_t max_message_bytes)
    : max_message_bytes_(max_message_bytes), message_(sizeof(std::uint64_t) + max_message_bytes, 'x') {
  const auto requests = make_pipe();
  const auto replies = make_pipe();
  std::vector<char>& buffer = message_;  // the child's copy of it is its own buffer
  child_ = fork_partner({requests[0], replies[1]}, [&] {
    for (;;) {
      // One read usually holds the whole message (the parent writes it at once).
      std::size_t got = read_at_least(requests[0], buffer.data(), sizeof(std::uint64_t), buffer.size());
      if (got == 0) return;  // the parent closed: done
      std::uint64_t bytes = 0;
      std::memcpy(&bytes, buffer.data(), sizeof bytes);
      const std::size_t total = sizeof bytes + bytes;
      if (got < total && read_at_least(requests[0], buffer.data() + got, total - got, total - got) == 0) ::_exit(1);
      if (!write_all(replies[1], buffer.data() + sizeof bytes, bytes)) ::_exit(1);
    }
  });
  ::close(requests[0]);
  ::close(replies[1]);
  to_child_ = requests[1];
  from_child_ = replies[0];
}

PipeEcho::~PipeEcho() {
  close_fd(to_child_);  // the child reads end of stream and exits
  close_fd(from_child_);
  reap(child_, false);
}

void PipeEcho::round_trips(std::int64_t n, std::size_t bytes) {
  if (bytes == 0 || bytes > max_message_bytes_) throw std::invalid_argument("PipeEcho: message size out of range");
  const std::uint64_t header = bytes;
  std::memcpy(message_.data(), &header, sizeof header);
  const std::size_t total = sizeof header + bytes;
  for (std::int64_t i = 0; i < n; ++i) {
    send_or_throw(to_child_, message_.data(), total, "PipeEcho: write");
    receive_or_throw(from_child_, message_.data() + sizeof header, bytes, "PipeEcho: read");
  }
}

void PipeEcho::chunked_round_trips(std::int64_t items, std::int64_t chunk_items, std::size_t item_bytes) {
  for (std::int64_t done = 0; done < items; done += chunk_items) {
    round_trips(1, static_cast<std::size_t>(std::min(chunk_items, items - done)) * item_bytes);
  }
}

std::int64_t default_map_chunksize(std::int64_t items, int workers) noexcept {
  const std::int64_t per = 4 * static_cast<std::int64_t>(workers);
  return std::max<std::int64_t>(1, (items + per - 1) / per);
}

// ---- PipeStream ---------------------------------------------------------------------------------

namespace {
constexpr std::size_t kPipeCapacity = 64 * 1024;
}  // namespace

PipeStream::PipeStream(std::size_t item_bytes)
    : item_bytes_(item_bytes), buffer_(std::max(item_bytes, kPipeCapacity), 'x') {
  if (item_bytes == 0) throw std::invalid_argument("PipeStream: items of 0 bytes");
  const auto requests = make_pipe();
  const auto stream = make_pipe();
  const std::vector<char>& buffer = buffer_;
  child_ = fork_partner({requests[0], stream[1]}, [&] {
    std::int64_t count = 0;
    while (read_at_least(requests[0], reinterpret_cast<char*>(&count), sizeof count, sizeof count) != 0) {
      for (std::size_t left = static_cast<std::size_t>(count) * item_bytes; left > 0;) {
        const std::size_t chunk = std::min(left, buffer.size());
        if (!write_all(stream[1], buffer.data(), chunk)) ::_exit(1);
        left -= chunk;
      }
    }
  });
  ::close(requests[0]);
  ::close(stream[1]);
  requests_ = requests[1];
  stream_ = stream[0];
}

PipeStream::~PipeStream() {
  close_fd(requests_);
  close_fd(stream_);  // a child still writing gets EPIPE and exits
  reap(child_, false);
}

void PipeStream::transfer(std::int64_t items) {
  send_or_throw(requests_, reinterpret_cast<const char*>(&items), sizeof items, "PipeStream: write");
  for (std::size_t left = static_cast<std::size_t>(items) * item_bytes_; left > 0;) {
    const std::size_t got = read_at_least(stream_, buffer_.data(), 1, std::min(left, buffer_.size()));
    if (got == 0) {
      if (errno == 0) errno = EPIPE;  // the partner is gone
      throw_errno("PipeStream: read");
    }
    left -= got;
  }
}

// ---- FutexPingPong ------------------------------------------------------------------------------

FutexPingPong::FutexPingPong() : page_(map_shared_page()) {
  auto* word = new (page_) std::atomic<std::uint32_t>(kIdle);
  try {
    child_ = fork_partner({}, [word] {
      for (;;) {
        const std::uint32_t seen = word->load();
        if (seen == kStop) return;
        if (seen == kPing) {
          word->store(kPong);
          futex(word, FUTEX_WAKE, 1);
          continue;
        }
        futex(word, FUTEX_WAIT, seen);
      }
    });
  } catch (...) {
    ::munmap(page_, kPageBytes);
    throw;
  }
}

FutexPingPong::~FutexPingPong() {
  auto* word = static_cast<std::atomic<std::uint32_t>*>(page_);
  word->store(kStop);
  futex(word, FUTEX_WAKE, 1);
  reap(child_, false);
  ::munmap(page_, kPageBytes);
}

void FutexPingPong::round_trips(std::int64_t n) {
  auto* word = static_cast<std::atomic<std::uint32_t>*>(page_);
  for (std::int64_t i = 0; i < n; ++i) {
    word->store(kPing);
    futex(word, FUTEX_WAKE, 1);
    std::uint32_t seen;
    while ((seen = word->load()) != kPong) futex(word, FUTEX_WAIT, seen);
  }
}

// ---- SharedWordLock -----------------------------------------------------------------------------

namespace {
struct LockWord {
  std::atomic<std::uint32_t> word;
  std::int64_t counter;
};
}  // namespace

SharedWordLock::SharedWordLock() : page_(map_shared_page()) { new (page_) LockWord{{0}, 0}; }

SharedWordLock::~SharedWordLock() { ::munmap(page_, kPageBytes); }

void SharedWordLock::acquire_release(std::int64_t n) {
  auto* lock = static_cast<LockWord*>(page_);
  for (std::int64_t i = 0; i < n; ++i) {
    std::uint32_t expected = 0;
    while (!lock->word.compare_exchange_weak(expected, 1, std::memory_order_acquire)) expected = 0;
    lock->word.store(0, std::memory_order_release);
  }
}

void SharedWordLock::increment(std::int64_t n) {
  auto* lock = static_cast<LockWord*>(page_);
  for (std::int64_t i = 0; i < n; ++i) {
    std::uint32_t expected = 0;
    while (!lock->word.compare_exchange_weak(expected, 1, std::memory_order_acquire)) expected = 0;
    lock->counter = lock->counter + 1;
    lock->word.store(0, std::memory_order_release);
  }
}

std::int64_t SharedWordLock::counter() const noexcept { return static_cast<const LockWord*>(page_)->counter; }

// ---- RawWorkers ---------------------------------------------------------------------------------

RawWorkers::RawWorkers(int workers, Function fn) {
  if (workers < 1) throw std::invalid_argument("RawWorkers: at least one worker");
  try {
    for (int index = 0; index < workers; ++index) {
      const auto tasks = make_pipe();
      const auto results = make_pipe();
      Worker worker;
      worker.pid = fork_partner({tasks[0], results[1]}, [&] {
        std::int64_t task = 0;
        while (read_at_least(tasks[0], reinterpret_cast<char*>(&task), sizeof task, sizeof task) != 0) {
          const std::int64_t result = fn(task);
          if (!write_all(results[1], reinterpret_cast<const char*>(&result), sizeof result)) ::_exit(1);
        }
      });
      ::close(tasks[0]);
      ::close(results[1]);
      worker.tasks = tasks[1];
      worker.results = results[0];
      workers_.push_back(worker);
    }
  } catch (...) {
    stop();
    throw;
  }
}

RawWorkers::~RawWorkers() { stop(); }

void RawWorkers::stop() noexcept {
  for (Worker& worker : workers_) {
    close_fd(worker.tasks);
    close_fd(worker.results);
  }
  for (Worker& worker : workers_) reap(worker.pid, false);
  workers_.clear();
}

std::vector<std::int64_t> RawWorkers::map(const std::vector<std::int64_t>& tasks) {
  const std::size_t count = workers_.size();
  for (std::size_t index = 0; index < tasks.size(); ++index) {
    send_or_throw(workers_[index % count].tasks, reinterpret_cast<const char*>(&tasks[index]), sizeof(std::int64_t),
                  "RawWorkers: write");
  }
  std::vector<std::int64_t> results(tasks.size());
  for (std::size_t index = 0; index < tasks.size(); ++index) {
    receive_or_throw(workers_[index % count].results, reinterpret_cast<char*>(&results[index]), sizeof(std::int64_t),
                     "RawWorkers: read");
  }
  return results;
}

}  // namespace parity::bench
