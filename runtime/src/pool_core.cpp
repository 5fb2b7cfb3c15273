// The pool proper (detail/pool_core.hpp): worker processes with two pipes each (tasks in, results
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
// Reading results: the result thread waits in epoll for every worker's exit (its sentinel) and for
// the channels (result pipes) of busy workers. A task of a job a caller may wait for directly
// (apply_async without callbacks) that goes to an idle worker while nothing else is queued is sent
// "lazily": its channel stays out of the epoll set, and the thread that calls get() "claims" the
// worker and reads the result itself. A round trip then costs about what a raw pipe round trip
// costs: two wake-ups, no hop through the result thread. Lazy workers are handed back
// to the result thread (their channels watched) as soon as other work queues up, the pool closes,
// or a timed wait gives up, so a result nobody waits for is still collected.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "mp/detail/fd_io.hpp"
#include "mp/detail/lifecycle.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/detail/wire.hpp"
#include "mp/process.hpp"
#include "pool_internal.hpp"

namespace mp::detail {
namespace {

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
  std::uint64_t id = 0;  // epoll key: id << 1 | (1 for the sentinel)
  std::unique_ptr<Process> process;
  Connection tasks;    // the parent's end of the task pipe (writes)
  Connection results;  // the parent's end of the result pipe (reads, non-blocking)
  int task_fd = -1;
  int fd = -1;         // results.fileno()
  int sentinel = -1;
  int pid = 0;
  std::optional<Queued> running;
  int tasks_sent = 0;
  std::size_t slot = 0;           // its counter in State::started (pool_internal.hpp)
  bool eof = false;               // the worker closed its end; its exit is next
  bool claimed = false;           // a waiting thread reads this channel (not the result thread)
  bool lazy = false;              // running a task whose result the result thread does not watch
  // In the epoll set; always when running && !claimed && !lazy && !eof.
  bool channel_watched = false;
  bool sentinel_watched = false;  // in the epoll set
  std::string inbox;
  std::size_t inbox_used = 0;
};

const char* process_class_for(const std::string& method) {
  if (method == "fork") return "ForkProcess";
  if (method == "spawn") return "SpawnProcess";
  if (method == "forkserver") return "ForkServerProcess";
  throw ValueError("cannot find context for '" + method + "'");
}

std::string signal_suffix(int exitcode) {
  if (exitcode >= 0) return {};
  const char* abbrev = ::sigabbrev_np(-exitcode);
  return abbrev ? std::string(", SIG") + abbrev : std::string();
}

void deliver(std::vector<Delivery>& deliveries) {
  for (Delivery& d : deliveries) d.job->deliver(d.index, std::move(d.outcome));
  deliveries.clear();
}

}  // namespace

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

  void watch(int fd, std::uint64_t key, bool& watched, bool on) {
    if (watched == on || fd < 0) return;
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = key;
    ::epoll_ctl(epoll_fd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &event);
    watched = on;
  }
  void watch_channel(Worker& w, bool on) { watch(w.fd, w.id << 1, w.channel_watched, on && !w.eof && !w.claimed); }
  void watch_sentinel(Worker& w, bool on) { watch(w.sentinel, (w.id << 1) | 1, w.sentinel_watched, on); }

  // ---- workers -------------------------------------------------------------------------------

  std::unique_ptr<Worker> start_worker() {
    auto [task_in, task_out] = Pipe(false);
    auto [result_in, result_out] = Pipe(false);
    auto worker = std::make_unique<Worker>();
    worker->id = next_worker_id++;
    worker->slot = static_cast<std::size_t>(std::find(slot_taken.begin(), slot_taken.end(), false) - slot_taken.begin());
    started_tasks(worker->slot).store(0, std::memory_order_relaxed);
    ContextProcessTag tag{process_class_for(options.start_method), options.start_method};
    const OwnerWatch owner = watch_this_process();
    const auto close_owner = [&] { ::close(owner.pidfd); };  // the worker has its own copy once started
    worker->process = std::make_unique<Process>(tag, ProcessOptions{.daemon = true}, &pool_worker_main, task_in,
                                                result_out, options.initializer, options.maxtasksperchild,
                                                WorkerCounter{started, worker->slot * kStartedSlotBytes}, owner);
    std::string name = worker->process->name();
    if (auto at = name.find("Process"); at != std::string::npos) name.replace(at, 7, "PoolWorker");
    worker->process->set_name(name);
    worker->tasks = task_out;
    worker->results = result_in;
    worker->task_fd = task_out.fileno();
    worker->fd = result_in.fileno();
    ::fcntl(worker->fd, F_SETFL, ::fcntl(worker->fd, F_GETFL) | O_NONBLOCK);
    add_pool_parent_fd(worker->task_fd);
    add_pool_parent_fd(worker->fd);
    try {
      auto registry = lock_pool_parent_fds();
      worker->process->start();
    } catch (...) {
      close_owner();
      remove_pool_parent_fd(worker->task_fd);
      remove_pool_parent_fd(worker->fd);
      throw;
    }
    close_owner();
    // The worker holds the only copies now: its exit is our end of stream.
    task_in.close();
    result_out.close();
    worker->pid = worker->process->pid().value_or(0);
    worker->sentinel = worker->process->sentinel();
    watch_sentinel(*worker, true);
    slot_taken[worker->slot] = true;
    return worker;
  }

  // Gives an idle worker the next pending task. Only the task of `submitted`, sent by the thread
  // submitting it with nothing else queued, may go lazily: no one can be waiting for it yet, so the
  // first waiter will find it running and read it (a task dispatched later might already have a
  // waiter blocked on its job, who would never read it).
  void dispatch(Worker& worker, const Job* submitted = nullptr) {
    if (worker.running || worker.eof || pending.empty()) return;
    if (options.maxtasksperchild > 0 && worker.tasks_sent >= options.maxtasksperchild) return;
    worker.running = std::move(pending.front());
    pending.pop_front();
    ++worker.tasks_sent;
    worker.lazy = pending.empty() && worker.running->job.get() == submitted && submitted->has_awaiter();
    watch_channel(worker, !worker.lazy);
    const std::string& frame = worker.running->task.frame;
    const iovec whole{const_cast<char*>(frame.data()), frame.size()};
    std::error_code ec;
    write_all(worker.task_fd, &whole, 1, ec);
    if (ec) {
      // The worker is gone (EPIPE; SIGPIPE is ignored) and never got the task: its exit, next,
      // hands the task to another worker (retire()).
      worker.eof = true;
      watch_channel(worker, false);
    }
  }

  // Whether the (ended) worker started its running task: a task it never started (its frame
  // unread, or read by a worker already killed) had no effect and may run elsewhere.
  bool task_started(const Worker& worker) const {
    return started_tasks(worker.slot).load(std::memory_order_acquire) >= static_cast<std::uint32_t>(worker.tasks_sent);
  }

  void dispatch_all(const Job* submitted = nullptr) {
    for (auto& worker : workers) {
      if (pending.empty()) break;
      dispatch(*worker, submitted);
    }
    if (!pending.empty()) unlazy_all();  // queued work needs every result read promptly
  }

  void unlazy_all() {
    for (auto& worker : workers) {
      if (!worker->lazy) continue;
      worker->lazy = false;
      if (worker->running) watch_channel(*worker, true);
    }
  }

  // Reads what the worker wrote (without blocking); each whole result completes its running task.
  void drain(Worker& worker, std::vector<Delivery>& deliveries) {
    if (!worker.eof) {
      for (;;) {
        if (worker.inbox.size() - worker.inbox_used < 64 * 1024) worker.inbox.resize(worker.inbox_used + 64 * 1024);
        const ssize_t n = retry_on_eintr([&] {
          return ::read(worker.fd, worker.inbox.data() + worker.inbox_used, worker.inbox.size() - worker.inbox_used);
        });
        if (n > 0) {
          worker.inbox_used += static_cast<std::size_t>(n);
          if (worker.inbox_used < worker.inbox.size()) break;  // took all there was
          continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) {
          worker.eof = true;
          watch_channel(worker, false);
        }
        break;
      }
    }
    parse(worker, deliveries);
  }

  // Each whole result in the inbox completes the running task; the worker then takes the next one.
  void parse(Worker& worker, std::vector<Delivery>& deliveries) {
    std::size_t at = 0;
    while (worker.inbox_used - at >= 4) {
      const char* frame = worker.inbox.data() + at;
      const std::size_t have = worker.inbox_used - at;
      std::size_t header = 4;
      std::uint64_t size = read_be(frame, 4);
      if (size == 0xffffffffu) {
        if (have < 12) break;
        header = 12;
        size = read_be(frame + 4, 8);
      }
      if (size == 0) {  // not a frame a worker writes: stop reading it; its exit reports the task
        worker.eof = true;
        watch_channel(worker, false);
        break;
      }
      if (have < header + size) break;
      TaskOutcome outcome;
      outcome.kind = static_cast<TaskOutcome::Kind>(frame[header]);
      outcome.bytes.assign(frame + header + 1, static_cast<std::size_t>(size - 1));
      at += header + static_cast<std::size_t>(size);
      if (worker.running) {
        deliveries.push_back({std::move(worker.running->job), worker.running->task.index, std::move(outcome)});
        worker.running.reset();
        worker.lazy = false;
      }
    }
    if (at > 0) {
      std::memmove(worker.inbox.data(), worker.inbox.data() + at, worker.inbox_used - at);
      worker.inbox_used -= at;
    }
    dispatch(worker);
  }

  // The worker's process ended: collect what it sent, fail the task it took with it (or queue
  // again, first in line, a task it never took), forget it.
  void retire(Worker& worker, std::vector<Delivery>& deliveries) {
    drain(worker, deliveries);
    worker.process->join();
    if (worker.running) {
      const bool taken = task_started(worker);
      Queued task = std::move(*worker.running);
      worker.running.reset();
      if (!taken && ++task.untaken < kMaxUntaken) {
        pending.push_front(std::move(task));
      } else {
        const int code = worker.process->exitcode().value_or(0);
        std::string message = "A pool worker, " + worker.process->name() + " (pid " + std::to_string(worker.pid) +
                              "), terminated abruptly (exitcode " + std::to_string(code) + signal_suffix(code) + ")";
        message += taken ? " while running a task of this job"
                         : " before taking a task of this job (" + std::to_string(kMaxUntaken) + " workers in a row did)";
        deliveries.push_back({std::move(task.job), task.task.index,
                              TaskOutcome{TaskOutcome::Kind::local_error, {},
                                          std::make_exception_ptr(BrokenProcessPool(message))}});
      }
    }
    forget(worker);
    std::erase_if(workers, [&](const auto& w) { return w.get() == &worker; });
  }

  void forget(Worker& worker) {
    slot_taken[worker.slot] = false;
    watch_channel(worker, false);
    watch_sentinel(worker, false);
    remove_pool_parent_fd(worker.task_fd);
    remove_pool_parent_fd(worker.fd);
    worker.tasks.close();
    worker.results.close();
    worker.task_fd = worker.fd = -1;
  }

  // CPython's _maintain_pool: back to full size while the pool runs, or is closed with work left.
  void maintain() {
    start_failed = false;
    while (workers.size() < static_cast<std::size_t>(options.processes) &&
           (phase == Phase::run || (phase == Phase::close && busy_locked()))) {
      try {
        // A child inherits the starting thread's signal mask: give it the pool creator's, not
        // this thread's (which blocks everything, SIGTERM included).
        sigset_t blocked;
        pthread_sigmask(SIG_SETMASK, &creator_signal_mask, &blocked);
        try {
          workers.push_back(start_worker());
        } catch (...) {
          pthread_sigmask(SIG_SETMASK, &blocked, nullptr);
          throw;
        }
        pthread_sigmask(SIG_SETMASK, &blocked, nullptr);
      } catch (const std::exception& e) {
        std::string text = std::string("mp.Pool: cannot start a replacement worker: ") + e.what() + "\n";
        (void)!::write(2, text.data(), text.size());
        start_failed = true;
        return;
      }
      dispatch(*workers.back());
    }
  }

  // ---- direct reading by a waiting thread (JobAwaiter) ---------------------------------------

  void look(Job& job) override { read_directly(job, std::chrono::steady_clock::time_point::min()); }
  void await(Job& job, std::optional<std::chrono::steady_clock::time_point> deadline) override {
    read_directly(job, deadline);
  }

  // Claims the worker running the task of `job` and reads its channel until the job's result is
  // in, the worker ends, or `deadline` passes (time_point::min(): look once, without waiting).
  void read_directly(Job& job, std::optional<std::chrono::steady_clock::time_point> deadline) {
    const bool look_only = deadline == std::chrono::steady_clock::time_point::min();
    std::unique_lock lock(mutex);
    if (phase == Phase::terminate) return;
    auto owner = std::find_if(workers.begin(), workers.end(), [&](const auto& w) {
      return w->running && w->running->job.get() == &job && !w->claimed && !w->eof;
    });
    if (owner == workers.end()) return;
    Worker& worker = **owner;
    watch_channel(worker, false);
    worker.claimed = true;
    const int fd = worker.fd;
    const int sentinel = worker.sentinel;
    std::vector<Delivery> deliveries;
    auto mine = [&] { return worker.running && worker.running->job.get() == &job && !worker.eof; };
    // Milliseconds left until the deadline; -1: none.
    auto timeout_ms = [&] {
      if (look_only) return 0;
      if (!deadline) return -1;
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - std::chrono::steady_clock::now());
      return static_cast<int>(std::max<std::int64_t>(0, left.count()));
    };
    while (mine()) {
      lock.unlock();
      pollfd fds[2] = {{fd, POLLIN, 0}, {sentinel, POLLIN, 0}};
      const int n = retry_on_eintr([&] { return ::poll(fds, 2, timeout_ms()); });
      lock.lock();
      if (n > 0 && fds[0].revents != 0) drain(worker, deliveries);
      if (n > 0 && fds[1].revents != 0 && mine()) {
        drain(worker, deliveries);  // what it sent before it ended; the result thread retires it
        break;
      }
      if (n <= 0 || look_only) break;  // timed out
    }
    if (mine() && deadline && !look_only) worker.lazy = false;  // gave up waiting: the result thread collects it
    worker.claimed = false;
    if (phase != Phase::terminate) {
      if (worker.running && !worker.lazy) watch_channel(worker, true);
      watch_sentinel(worker, true);
    }
    lock.unlock();
    unclaimed.notify_all();
    deliver(deliveries);
  }

  // ---- the result thread ---------------------------------------------------------------------

  void result_loop() {
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &creator_signal_mask);  // signals go to the threads the program owns
    std::vector<epoll_event> events(64);
    std::vector<Delivery> deliveries;
    for (;;) {
      int timeout_ms = -1;
      {
        std::unique_lock lock(mutex);
        if (phase == Phase::terminate) return;
        if (phase == Phase::close && !busy_locked()) {
          shut_down(lock);
          return;
        }
        if (start_failed) timeout_ms = 100;
      }
      const int n =
          retry_on_eintr([&] { return ::epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), timeout_ms); });
      if (n < 0) throw_last_error();
      {
        std::lock_guard lock(mutex);
        if (phase == Phase::terminate) return;
        std::vector<std::uint64_t> ended;
        for (int i = 0; i < n; ++i) {
          const std::uint64_t key = events[i].data.u64;
          if (key == 0) {
            std::uint64_t count = 0;
            (void)!::read(wake_fd, &count, sizeof count);
            continue;
          }
          Worker* worker = find(key >> 1);
          if (worker == nullptr) continue;
          if (key & 1) {
            ended.push_back(worker->id);
          } else if (!worker->claimed) {
            drain(*worker, deliveries);
          }
        }
        for (std::uint64_t id : ended) {
          Worker* worker = find(id);
          if (worker == nullptr) continue;
          if (worker->claimed) {
            watch_sentinel(*worker, false);  // the claiming thread sees the exit too and hands it back
          } else {
            retire(*worker, deliveries);
          }
        }
        maintain();
        dispatch_all();
      }
      deliver(deliveries);
    }
  }

  // close() and every task done: end of stream for each worker, then wait for them to exit.
  void shut_down(std::unique_lock<std::mutex>& lock) {
    unclaimed.wait(lock, [&] {
      return std::none_of(workers.begin(), workers.end(), [](const auto& w) { return w->claimed; });
    });
    std::vector<std::unique_ptr<Worker>> leaving = std::move(workers);
    workers.clear();
    for (auto& worker : leaving) {
      watch_channel(*worker, false);
      watch_sentinel(*worker, false);
      remove_pool_parent_fd(worker->task_fd);
      worker->tasks.close();  // end of stream: the worker returns
      worker->task_fd = -1;
    }
    lock.unlock();
    for (auto& worker : leaving) {
      worker->process->join();
      remove_pool_parent_fd(worker->fd);
      worker->results.close();
    }
  }
};

void terminate_pool(PoolCore::State& s);

PoolCore::PoolCore(PoolCoreOptions options) : options_(options), state_(std::make_shared<State>(std::move(options))) {
  // Any process forked from here on (a Process under fork, a forkserver-less child) must not keep
  // the pools' ends of worker pipes open, or workers would not see the end of their task stream.
  static std::once_flag after_fork_registered;
  std::call_once(after_fork_registered, [] { register_after_fork([] { close_pool_parent_fds(-1); }); });
  if (options_.processes < 1) throw ValueError("Number of processes must be at least 1");
  if (options_.maxtasksperchild < 0) throw ValueError("maxtasksperchild must be a positive int or None");
  process_class_for(options_.start_method);
  state_->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (state_->wake_fd < 0) throw_last_error();
  state_->epoll_fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (state_->epoll_fd < 0) throw_last_error();
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = 0;
  ::epoll_ctl(state_->epoll_fd, EPOLL_CTL_ADD, state_->wake_fd, &event);
  try {
    std::lock_guard lock(state_->mutex);
    for (int i = 0; i < options_.processes; ++i) state_->workers.push_back(state_->start_worker());
  } catch (...) {
    // As CPython: terminate the workers already started, join them, re-raise.
    for (auto& worker : state_->workers) {
      worker->process->terminate();
      worker->process->join();
      state_->forget(*worker);
    }
    state_->workers.clear();
    throw;
  }
  state_->result_thread = std::thread([state = state_.get()] { state->result_loop(); });
  // At exit, a pool still running is terminated before children are joined, as by CPython's
  // Finalize(self, _terminate_pool, exitpriority=15).
  state_->exit_finalizer = register_finalizer(15, [weak = std::weak_ptr<State>(state_)] {
    if (auto state = weak.lock()) terminate_pool(*state);
  });
}

PoolCore::~PoolCore() {
  cancel_finalizer(state_->exit_finalizer);
  try {
    terminate();
    join();
  } catch (...) {
  }
}

std::weak_ptr<JobAwaiter> PoolCore::awaiter() const { return state_; }

void PoolCore::check_running() const {
  std::lock_guard lock(state_->mutex);
  if (state_->phase != State::Phase::run) throw ValueError("Pool not running");
}

void PoolCore::submit(const std::shared_ptr<Job>& job, std::vector<PoolTask> tasks) {
  std::lock_guard lock(state_->mutex);
  if (state_->phase != State::Phase::run) throw ValueError("Pool not running");
  for (PoolTask& task : tasks) state_->pending.push_back({job, std::move(task)});
  state_->dispatch_all(job.get());
}

void PoolCore::close() {
  std::lock_guard lock(state_->mutex);
  if (state_->phase == State::Phase::run) {
    state_->phase = State::Phase::close;
    state_->unlazy_all();  // the result thread sees every result, to know when all are done
    state_->wake();
  }
}

void PoolCore::terminate() { terminate_pool(*state_); }

// terminate(), for the pool's destructor and its exit finalizer. Idempotent.
void terminate_pool(PoolCore::State& s) {
  using Phase = PoolCore::State::Phase;
  {
    std::lock_guard lock(s.mutex);
    s.phase = Phase::terminate;
    s.wake();
  }
  {
    std::lock_guard joining(s.join_mutex);
    if (s.result_thread.joinable() && s.result_thread.get_id() != std::this_thread::get_id()) s.result_thread.join();
  }
  std::vector<std::unique_ptr<Worker>> workers;
  std::deque<Queued> pending;
  {
    std::unique_lock lock(s.mutex);
    for (auto& worker : s.workers) {
      if (worker->process->is_alive()) worker->process->terminate();
    }
    // A thread reading a worker directly lets go once that worker is gone.
    s.unclaimed.wait(lock, [&] {
      return std::none_of(s.workers.begin(), s.workers.end(), [](const auto& w) { return w->claimed; });
    });
    workers = std::move(s.workers);
    s.workers.clear();
    pending = std::move(s.pending);
    s.pending.clear();
  }
  std::vector<Delivery> deliveries;
  auto terminated = [] {
    return TaskOutcome{TaskOutcome::Kind::local_error, {},
                       std::make_exception_ptr(BrokenProcessPool("the pool was terminated before this task completed"))};
  };
  for (auto& worker : workers) {
    worker->process->join(std::chrono::seconds(5));
    if (worker->process->is_alive()) {
      worker->process->kill();
      worker->process->join();
    }
    s.drain(*worker, deliveries);  // results that made it before the end still count
    {
      std::lock_guard lock(s.mutex);
      s.forget(*worker);
    }
    if (worker->running) deliveries.push_back({std::move(worker->running->job), worker->running->task.index, terminated()});
  }
  for (Queued& queued : pending) deliveries.push_back({std::move(queued.job), queued.task.index, terminated()});
  deliver(deliveries);
}

void PoolCore::join() {
  {
    std::lock_guard lock(state_->mutex);
    if (state_->phase == State::Phase::run) throw ValueError("Pool is still running");
  }
  std::lock_guard joining(state_->join_mutex);
  if (state_->result_thread.joinable() && state_->result_thread.get_id() != std::this_thread::get_id()) {
    state_->result_thread.join();
  }
}

std::vector<std::pair<int, std::string>> PoolCore::workers() const {
  std::lock_guard lock(state_->mutex);
  std::vector<std::pair<int, std::string>> list;
  for (const auto& worker : state_->workers) list.emplace_back(worker->pid, worker->process->name());
  return list;
}

}  // namespace mp::detail
