#pragma once
// The raw OS floors of benchmark cases: the least the operation a case times could cost, done with
// bare system calls in the case's own process (printed as `@sample floor.NAME ...`, bench.hpp).
// Each floor does what its operation must do at minimum and nothing else: no serialization, no
// framing beyond a length, no locks. mp's figure divided by its floor says how much of the cost is
// the runtime's own; a ratio below 1 means mp does less than the floor (e.g. batches messages).
//
// Floors that need a partner start it in the constructor (a forked child that uses only read,
// write, futex and _exit, on buffers allocated before the fork, so forking a multi-threaded
// process is safe) and stop and reap it in the destructor: nothing outlives the floor object, and
// a partner whose parent dies is killed (PR_SET_PDEATHSIG).
// The children close every descriptor they do not use, so they never keep an mp pipe open.
// A failing system call, or a partner that is gone, throws std::system_error: a broken floor must
// not pass for a fast one. SIGPIPE is ignored (as CPython and mp::Connection do) so a dead partner
// is an EPIPE error, not a killed case.

#include <cstddef>
#include <cstdint>
#include <sys/types.h>
#include <vector>

namespace parity::bench {

// n times: fork(), the child _exit(0)s at once, waitpid().
void fork_exit_wait(std::int64_t n);

// n times: posix_spawn() of this executable (/proc/self/exe) with exec_floor_flag, and waitpid().
// The program's main() must call exit_if_exec_floor(argc, argv) before anything else, so the
// child exits 0 as soon as it runs (after the dynamic loader and static initialization, as any
// exec of the program). std::system_error when the child exits otherwise.
void exec_exit_wait(std::int64_t n);
inline constexpr const char* exec_floor_flag = "--parity-exec-floor";
// _exit(0) when argv is exactly {program, exec_floor_flag}; returns otherwise.
void exit_if_exec_floor(int argc, char** argv);

// A child that echoes messages over two pipes: the raw pipe round trip. round_trips(n, bytes)
// sends n messages of `bytes` bytes (one write of an 8-byte length and the payload) and reads each
// payload back; the child reads a whole message before it answers, as a worker does. A 1-byte
// message is one write and one read on each side.
class PipeEcho {
 public:
  explicit PipeEcho(std::size_t max_message_bytes = 64 * 1024);
  ~PipeEcho();
  PipeEcho(const PipeEcho&) = delete;
  PipeEcho& operator=(const PipeEcho&) = delete;

  // std::invalid_argument when bytes is 0 or above max_message_bytes.
  void round_trips(std::int64_t n, std::size_t bytes);
  // `items` of item_bytes there and back in chunks of chunk_items (the last may be shorter): one
  // round trip per chunk, as Pool.map ships each chunk to a worker and its results back. A chunk
  // must fit in max_message_bytes.
  void chunked_round_trips(std::int64_t items, std::int64_t chunk_items, std::size_t item_bytes);

 private:
  std::size_t max_message_bytes_;
  std::vector<char> message_;
  int to_child_ = -1;
  int from_child_ = -1;
  pid_t child_ = -1;
};

// Pool.map's default chunksize for `items` on `workers` processes: ceil(items / (4 * workers)), as
// CPython computes it (and mp::Pool).
std::int64_t default_map_chunksize(std::int64_t items, int workers) noexcept;

// A child that streams bytes into a pipe when asked: transfer(n) asks for n items of item_bytes
// and reads them all. The child writes them back to back, each write() as large as a pipe holds
// (64 KiB) or one whole item when items are larger, and the parent reads with buffers of that
// size: raw pipe bandwidth for the same bytes, a bound no framing or batching can beat.
class PipeStream {
 public:
  explicit PipeStream(std::size_t item_bytes);
  ~PipeStream();
  PipeStream(const PipeStream&) = delete;
  PipeStream& operator=(const PipeStream&) = delete;

  void transfer(std::int64_t items);

 private:
  std::size_t item_bytes_;
  std::vector<char> buffer_;  // one write's worth
  int requests_ = -1;
  int stream_ = -1;
  pid_t child_ = -1;
};

// A futex word in MAP_SHARED memory, bounced with a child: the raw cross-process wake-up round
// trip (the parent stores "ping" and wakes the child, which stores "pong" and wakes the parent).
class FutexPingPong {
 public:
  FutexPingPong();
  ~FutexPingPong();
  FutexPingPong(const FutexPingPong&) = delete;
  FutexPingPong& operator=(const FutexPingPong&) = delete;

  void round_trips(std::int64_t n);

 private:
  void* page_ = nullptr;
  pid_t child_ = -1;
};

// A lock word in MAP_SHARED memory taken with a compare-and-swap and released with a store: the
// least a process-shared lock costs when nobody else wants it (no system call).
class SharedWordLock {
 public:
  SharedWordLock();
  ~SharedWordLock();
  SharedWordLock(const SharedWordLock&) = delete;
  SharedWordLock& operator=(const SharedWordLock&) = delete;

  void acquire_release(std::int64_t n);
  // n times: acquire, add 1 to a counter beside the word, release.
  void increment(std::int64_t n);
  std::int64_t counter() const noexcept;

 private:
  void* page_ = nullptr;
};

// `workers` pre-forked children that each run fn(task) on 8-byte tasks read from a pipe and write
// the 8-byte result back: the least a pool of processes costs. fn must not allocate (it runs in a
// forked child of a possibly multi-threaded process).
class RawWorkers {
 public:
  using Function = std::int64_t (*)(std::int64_t);
  RawWorkers(int workers, Function fn);
  ~RawWorkers();
  RawWorkers(const RawWorkers&) = delete;
  RawWorkers& operator=(const RawWorkers&) = delete;

  // fn over tasks, task i run by worker i % workers; results in input order.
  // At most a pipe's capacity of tasks per worker (8192): all are written before any is read.
  std::vector<std::int64_t> map(const std::vector<std::int64_t>& tasks);

 private:
  void stop() noexcept;
  struct Worker {
    int tasks = -1;
    int results = -1;
    pid_t pid = -1;
  };
  std::vector<Worker> workers_;
};

}  // namespace parity::bench
