#pragma once
// Internals shared by the pool implementation files (not a public header).

#include <mutex>
#include <string>
#include <utility>

#include "mp/connection.hpp"
#include "mp/detail/pool_core.hpp"
#include "mp/detail/shared_memory.hpp"
#include "owner_watch.hpp"

namespace mp::detail {

// A worker's count of the tasks it has started, in shared memory the pool reads once the worker
// has ended: a task sent but never started (the worker died first, even after reading its frame)
// is run by another worker instead of being reported lost. Counters are kStartedSlotBytes apart.
inline constexpr std::size_t kStartedSlotBytes = 64;
struct WorkerCounter {
  SharedMemory memory;
  std::size_t offset = 0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(memory, offset);
  }
};

// The target of every pool worker process (CPython's pool.worker): runs the initializer, then
// tasks read from `tasks` until end of stream or `maxtasks` tasks (0: no limit), counting each in
// `started` before running it and writing each outcome to `results`. Returns normally (exit
// code 0). Killed (SIGKILL) as soon as `owner`, the process that made the pool, has ended, even in
// the middle of a task: nobody can read its results any more.
void pool_worker_main(Connection tasks, Connection results, PoolInitializer initializer, int maxtasks,
                      WorkerCounter started, OwnerWatch owner);

// Descriptors a forked worker must not keep: the parent's ends of every pool's worker channels.
// add/remove are called by the parent; close_pool_parent_fds by a forked worker before anything
// else (spawn and forkserver workers start with none of them).
void add_pool_parent_fd(int fd);
void remove_pool_parent_fd(int fd);
void close_pool_parent_fds(int keep_fd);
// Held while a pool forks a worker, so that the child's copy of the registry is consistent.
std::unique_lock<std::mutex> lock_pool_parent_fds();

// "Type", "message" of the exception in flight (mp errors by their Python names).
std::pair<std::string, std::string> describe_current_exception();

}  // namespace mp::detail
