#pragma once
// The pool proper's state (detail/pool_core.hpp), shared by its implementation files: worker processes with two pipes each (tasks in, results
// out; pipes wake a reader about twice as fast as a socketpair here), the queue of tasks waiting
// for an idle worker, and the result thread.
//
// Each worker runs at most one task at a time. A task goes straight from the submitting thread to
// an idle worker's socket (one send per task, whatever its chunk size); otherwise it waits in
// `pending` and whoever reads a worker's result hands that worker the next one. Because a worker
// has at most one task in flight, the pool always knows which task a dead worker took with it: that
// task fails with BrokenProcessPool and the worker is replaced. A task the worker never started
// (each worker counts the tasks it starts in shared memory) goes to another worker instead.
//
// Writing tasks: a task frame is written without blocking (the parent's ends of task pipes are
// non-blocking); what the pipe cannot take yet, the result thread writes as the pipe drains, so a
// frame larger than the pipe never stalls the reading of other workers' results.
//
// Reading results: the result thread waits in epoll for every worker's exit (its sentinel), for
// the channels (result pipes) of busy workers, and for room in the task pipes of workers whose
// task frame is not yet all written. A task of a job a caller may wait for directly
// (apply_async without callbacks) that goes to an idle worker while nothing else is queued is sent
// "lazily": its channel stays out of the epoll set, and the thread that calls get() "claims" the
// worker and reads the result itself. A round trip then costs about what a raw pipe round trip
// costs: two wake-ups, no hop through the result thread. Lazy workers are handed back
// to the result thread (their channels watched) as soon as other work queues up, the pool closes,
// or a timed wait gives up, so a result nobody waits for is still collected.
//
// Files: pool_core.cpp (the PoolCore calls, close and terminate), pool_maintenance.cpp (starting,
// retiring and replacing workers), pool_dispatch.cpp (handing tasks to idle workers),
// pool_results.cpp (reading results: the result thread and direct reads by a waiting thread).
// Not a public header.

#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "mp/detail/lifecycle.hpp"
#include "mp/detail/pool_core.hpp"
#include "mp/process.hpp"
#include "pool_internal.hpp"

namespace mp::detail {

struct Queued {
  std::shared_ptr<Job> job;
  PoolTask task;
  int untaken = 0;  // workers that ended before taking this task
};

// A task is offered to this many workers that each end before taking it (a failing initializer
// ends every worker at start) before it fails with BrokenProcessPool.
constexpr int kMaxUntaken = 3;

struct Delivery {
  std::shared_ptr<Job> job;
  std::uint32_t index;
  TaskOutcome outcome;
};

struct Worker {
  std::uint64_t id = 0;  // epoll key: id << 2 | EpollKind
  std::unique_ptr<Process> process;
  Connection tasks;    // the parent's end of the task pipe (writes)
  Connection results;  // the parent's end of the result pipe (reads, non-blocking)
  int task_fd = -1;
  int fd = -1;         // results.fileno()
  int sentinel = -1;
  int pid = 0;
  std::optional<Queued> running;
  int tasks_sent = 0;
  std::size_t frame_sent = 0;     // bytes of running->task.frame written so far
  std::size_t slot = 0;           // its counter in State::started (pool_internal.hpp)
  bool eof = false;               // the worker closed its end; its exit is next
  bool claimed = false;           // a waiting thread reads this channel (not the result thread)
  bool lazy = false;              // running a task whose result the result thread does not watch
  // In the epoll set; always when running && !claimed && !lazy && !eof.
  bool channel_watched = false;
  bool sentinel_watched = false;  // in the epoll set
  bool task_pipe_watched = false; // in the epoll set (for room to write the rest of the frame)
  std::string inbox;
  std::size_t inbox_used = 0;
};

// The Process class name of a worker under `method` ("ForkProcess", ...); ValueError for an
// unknown method.
const char* process_class_for(const std::string& method);

// ", SIGKILL" for exit code -9; empty for a code that is not a signal.
std::string signal_suffix(int exitcode);

// Completes each delivery's task (outside the pool's mutex: completion runs callbacks).
void deliver(std::vector<Delivery>& deliveries);

// What an epoll key (Worker::id << 2 | kind) is about; key 0 is the wake eventfd.
enum class EpollKind : std::uint64_t { channel = 0, sentinel = 1, task_pipe = 2 };

struct PoolCore::State final : JobAwaiter {
  enum class Phase { run, close, terminate };

  explicit State(PoolCoreOptions opts) : options(std::move(opts)) {}
  ~State() override {
    if (wake_fd >= 0) ::close(wake_fd);
    if (epoll_fd >= 0) ::close(epoll_fd);
  }

  const PoolCoreOptions options;
  mutable std::mutex mutex;
  std::condition_variable unclaimed;  // a claim ended
  Phase phase = Phase::run;
  std::vector<std::unique_ptr<Worker>> workers;
  std::deque<Queued> pending;
  int wake_fd = -1;
  int epoll_fd = -1;
  std::uint64_t next_worker_id = 1;
  std::thread result_thread;
  std::mutex join_mutex;
  bool start_failed = false;  // the last replacement failed: retry after a pause
  sigset_t creator_signal_mask{};  // the mask the result thread started with (its creator's)
  FinalizerId exit_finalizer = 0;
  // One started-task counter per worker slot (pool_internal.hpp); a slot is reused by the
  // worker that replaces its holder.
  const std::size_t slots = static_cast<std::size_t>(std::max(options.processes, 1));  // checked later
  SharedMemory started = SharedMemory::create(slots * kStartedSlotBytes, "mp-pool");
  std::vector<bool> slot_taken = std::vector<bool>(slots);

  std::atomic<std::uint32_t>& started_tasks(std::size_t slot) const {
    return *started.at<std::atomic<std::uint32_t>>(slot * kStartedSlotBytes);
  }

  void wake() const {
    std::uint64_t one = 1;
    (void)!::write(wake_fd, &one, sizeof one);
  }

  bool busy_locked() const {
    if (!pending.empty()) return true;
    return std::any_of(workers.begin(), workers.end(), [](const auto& w) { return w->running.has_value(); });
  }

  Worker* find(std::uint64_t id) const {
    for (const auto& worker : workers) {
      if (worker->id == id) return worker.get();
    }
    return nullptr;
  }

  // ---- the epoll set -------------------------------------------------------------------------

  void watch(int fd, Worker& w, EpollKind kind, bool& watched, bool on) {
    if (watched == on || fd < 0) return;
    epoll_event event{};
    event.events = kind == EpollKind::task_pipe ? EPOLLOUT : EPOLLIN;
    event.data.u64 = w.id << 2 | static_cast<std::uint64_t>(kind);
    ::epoll_ctl(epoll_fd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &event);
    watched = on;
  }
  void watch_channel(Worker& w, bool on) {
    watch(w.fd, w, EpollKind::channel, w.channel_watched, on && !w.eof && !w.claimed);
  }
  void watch_sentinel(Worker& w, bool on) { watch(w.sentinel, w, EpollKind::sentinel, w.sentinel_watched, on); }
  void watch_task_pipe(Worker& w, bool on) { watch(w.task_fd, w, EpollKind::task_pipe, w.task_pipe_watched, on); }

  // ---- workers -------------------------------------------------------------------------------

  std::unique_ptr<Worker> start_worker();

  // Gives an idle worker the next pending task. Only the task of `submitted`, sent by the thread
  // submitting it with nothing else queued, may go lazily: no one can be waiting for it yet, so the
  // first waiter will find it running and read it (a task dispatched later might already have a
  // waiter blocked on its job, who would never read it).
  void dispatch(Worker& worker, const Job* submitted = nullptr);

  // Writes what the task pipe takes of the running task's frame without blocking; the rest when
  // the pipe has room again (the result thread watches it until the frame is all written).
  void send_more(Worker& worker);

  // Whether the (ended) worker started its running task: a task it never started (its frame
  // unread, or read by a worker already killed) had no effect and may run elsewhere.
  bool task_started(const Worker& worker) const;

  void dispatch_all(const Job* submitted = nullptr);

  void unlazy_all();

  // Reads what the worker wrote (without blocking); each whole result completes its running task.
  void drain(Worker& worker, std::vector<Delivery>& deliveries);

  // Each whole result in the inbox completes the running task; the worker then takes the next one.
  void parse(Worker& worker, std::vector<Delivery>& deliveries);

  // The worker's process ended: collect what it sent, fail the task it took with it (or queue
  // again, first in line, a task it never took), forget it.
  void retire(Worker& worker, std::vector<Delivery>& deliveries);

  void forget(Worker& worker);

  // CPython's _maintain_pool: back to full size while the pool runs, or is closed with work left.
  void maintain();

  // ---- direct reading by a waiting thread (JobAwaiter) ---------------------------------------

  void look(Job& job) override { read_directly(job, std::chrono::steady_clock::time_point::min()); }
  void await(Job& job, std::optional<std::chrono::steady_clock::time_point> deadline) override;

  // Claims the worker running the task of `job` and reads its channel until the job's result is
  // in, the worker ends, or `deadline` passes (time_point::min(): look once, without waiting).
  void read_directly(Job& job, std::optional<std::chrono::steady_clock::time_point> deadline);

  // ---- the result thread ---------------------------------------------------------------------

  void result_loop();

  // close() and every task done: end of stream for each worker, then wait for them to exit.
  void shut_down(std::unique_lock<std::mutex>& lock);
};

// PoolCore::terminate(), for the pool's destructor and its exit finalizer. Idempotent.
void terminate_pool(PoolCore::State& s);

}  // namespace mp::detail
