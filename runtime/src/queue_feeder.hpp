#pragma once
// The feeder of a Queue in one process (CPython's Queue._feed thread and its buffer), private to
// src/queue_*.cpp.
//
// Items put are written to the pipe by whoever holds the feeder's flush token: normally the
// feeder thread; or a thread of this process about to read a Queue (get(), get_nowait(), empty())
// or to block on another process, which first writes the small batches still pending in this
// process (help_flush_pending_feeders) so a put followed by a get does not wait for the feeder
// thread to be scheduled. put() never writes, so an item is never readable before put() has
// returned. get_nowait() right after put() in the same process thus finds the items whenever the
// batch fits one atomic pipe write and no other writer holds the queue's write lock, where
// CPython's feeder thread, which needs the GIL, usually has not written them yet (the case
// queues/get_nowait_after_put documents the difference). Large items and items put in another
// process are still written only by their feeder thread: a process cannot exit before its feeder
// has flushed them (Joining processes that use queues).
//
// Waking the feeder thread for every put costs more than a whole pipe round trip on a loaded
// machine, so while puts keep coming the feeder thread polls (every kPollInterval) instead of
// being woken; after kIdleWindow without puts it sleeps until the next put wakes it. An item put
// is thus written within one poll interval even if nobody helps.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "mp/detail/queue_core.hpp"

namespace mp::detail {

struct Feeder {
  std::mutex mutex;
  std::condition_variable wake;
  std::unique_ptr<FeederBuffer> buffer;
  std::string carried;      // frames a helper serialized but could not write: written first
  bool flushing = false;    // the flush token: a thread holds the batch and writes it
  bool sentinel = false;    // close(): flush, close this process's pipe ends, stop
  bool registered = false;  // listed for help_flush_pending_feeders()
  std::atomic<bool> has_work{false};  // pending items or carried frames (read without the mutex)
  bool sleeping = false;                // the feeder thread waits for a notify (not polling)
  std::atomic<std::uint64_t> puts{0};   // items put so far (the feeder's activity signal)

  // What writing needs (the feeder thread and helpers share them).
  Connection reader;
  Connection writer;
  Lock wlock{SemLock{}};
  BoundedSemaphore sem{1};

  std::mutex done_mutex;
  std::condition_variable done;
  bool finished = false;
  // The exit finalizer that joins this feeder thread (guarded by done_mutex). The thread cancels
  // it as it ends, so the finalizer lives exactly as long as the thread, as CPython ties
  // Queue._jointhread to the thread object: a finished feeder leaves nothing registered.
  std::optional<FinalizerId> join_finalizer;

  // A second, non-blocking open file description of the pipe's write end, for helpers (who must
  // never block) while the feeder thread writes through the blocking one. Opened by the first
  // helper (through /proc/self/fd); -1 until then, or if that is impossible (helpers then leave
  // everything to the feeder thread). Guarded by the flush token.
  int helper_fd = -1;
  bool helper_fd_failed = false;

  Feeder(std::unique_ptr<FeederBuffer> items, const QueueChannel& channel,
         const BoundedSemaphore& semaphore);
  ~Feeder();
  Feeder(const Feeder&) = delete;
  Feeder& operator=(const Feeder&) = delete;
  void close_helper_fd() noexcept;

  void send_sentinel();
  void join();
  // The thread's last step: wakes join() and cancels join_finalizer.
  void mark_finished();
  // A serialization or write error: the item's slot is given back, the error printed to stderr
  // as a traceback (CPython's _on_queue_feeder_error).
  void report_error(const std::exception& error);
};

// Lists feeder (which just got pending items) for the next help_flush_pending_feeders().
void register_pending_feeder(const std::shared_ptr<Feeder>& feeder);
// Takes feeder off that list (its thread stopped: nothing more will be put).
void unregister_pending_feeder(const Feeder* feeder);

// help_flush_pending_feeders() (queue_core.hpp) writes the pending batches of this process's
// feeders that fit one atomic pipe write and whose write lock is free; everything else is left to
// the feeder threads.

// The feeder thread's body.
void run_feeder(std::shared_ptr<Feeder> feeder);

}  // namespace mp::detail
