// The pool proper (detail/pool_core.hpp): worker processes with one socketpair each, the queue of
// tasks waiting for an idle worker, and the result thread.
//
// Each worker runs at most one task at a time. A task goes straight from the submitting thread to
// an idle worker's socket (one send per task, whatever its chunk size); otherwise it waits in
// `pending` and the result thread hands it to the next worker that reports a result. Because a
// worker has at most one task in flight, the pool always knows which task a dead worker took with
// it: that task fails with BrokenProcessPool and the worker is replaced.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "mp/detail/os_error.hpp"
#include "mp/process.hpp"
#include "pool_internal.hpp"

namespace mp::detail {
namespace {

struct Queued {
  std::shared_ptr<Job> job;
  PoolTask task;
};

struct Delivery {
  std::shared_ptr<Job> job;
  std::uint32_t index;
  TaskOutcome outcome;
};

struct Worker {
  std::unique_ptr<Process> process;
  Connection channel;  // the parent's end
  int fd = -1;
  int sentinel = -1;
  int pid = 0;
  std::optional<Queued> running;
  int tasks_sent = 0;
  bool eof = false;  // the worker closed its end; its exit is next
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

}  // namespace

struct PoolCore::State {
  enum class Phase { run, close, terminate };

  mutable std::mutex mutex;
  Phase phase = Phase::run;
  std::vector<std::unique_ptr<Worker>> workers;
  std::deque<Queued> pending;
  int wake_fd = -1;
  std::thread result_thread;
  std::mutex join_mutex;
  bool start_failed = false;  // the last replacement failed: retry after a pause

  ~State() {
    if (wake_fd >= 0) ::close(wake_fd);
  }

  void wake() const {
    std::uint64_t one = 1;
    (void)!::write(wake_fd, &one, sizeof one);
  }

  bool busy_locked() const {
    if (!pending.empty()) return true;
    return std::any_of(workers.begin(), workers.end(), [](const auto& w) { return w->running.has_value(); });
  }

  std::unique_ptr<Worker> start_worker(const PoolCoreOptions& options) {
    auto [parent_end, worker_end] = Pipe(true);
    auto worker = std::make_unique<Worker>();
    ContextProcessTag tag{process_class_for(options.start_method), options.start_method};
    worker->process = std::make_unique<Process>(tag, ProcessOptions{.daemon = true}, &pool_worker_main, worker_end,
                                                options.initializer, options.maxtasksperchild);
    std::string name = worker->process->name();
    if (auto at = name.find("Process"); at != std::string::npos) name.replace(at, 7, "PoolWorker");
    worker->process->set_name(name);
    worker->channel = parent_end;
    worker->fd = parent_end.fileno();
    add_pool_parent_fd(worker->fd);
    try {
      auto registry = lock_pool_parent_fds();
      worker->process->start();
    } catch (...) {
      remove_pool_parent_fd(worker->fd);
      throw;
    }
    worker_end.close();  // the worker holds the only copy now: its exit is our end of stream
    worker->pid = worker->process->pid().value_or(0);
    worker->sentinel = worker->process->sentinel();
    return worker;
  }

  // Gives an idle worker the next pending task. Returns false if it could not take one.
  bool dispatch(Worker& worker, int maxtasks) {
    if (worker.running || worker.eof || pending.empty()) return false;
    if (maxtasks > 0 && worker.tasks_sent >= maxtasks) return false;
    worker.running = std::move(pending.front());
    pending.pop_front();
    ++worker.tasks_sent;
    const std::string& frame = worker.running->task.frame;
    std::size_t sent = 0;
    while (sent < frame.size()) {
      ssize_t n = ::send(worker.fd, frame.data() + sent, frame.size() - sent, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        // The worker is gone (EPIPE, ECONNRESET): its exit reports the task as lost.
        break;
      }
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  void dispatch_all(int maxtasks) {
    for (auto& worker : workers) {
      if (pending.empty()) break;
      dispatch(*worker, maxtasks);
    }
  }

  // Reads what the worker wrote; each whole result completes its running task.
  void drain(Worker& worker, std::vector<Delivery>& deliveries, int maxtasks) {
    if (worker.eof) return;
    for (;;) {
      if (worker.inbox.size() - worker.inbox_used < 64 * 1024) worker.inbox.resize(worker.inbox_used + 64 * 1024);
      ssize_t n = ::recv(worker.fd, worker.inbox.data() + worker.inbox_used, worker.inbox.size() - worker.inbox_used,
                         MSG_DONTWAIT);
      if (n > 0) {
        worker.inbox_used += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) worker.eof = true;
      break;
    }
    std::size_t at = 0;
    while (worker.inbox_used - at >= kResultHeaderSize) {
      std::uint32_t size = 0;
      std::memcpy(&size, worker.inbox.data() + at, 4);
      if (worker.inbox_used - at < 4 + static_cast<std::size_t>(size)) break;
      TaskOutcome outcome;
      outcome.kind = static_cast<TaskOutcome::Kind>(worker.inbox[at + 4]);
      outcome.bytes.assign(worker.inbox.data() + at + kResultHeaderSize, size - 1);
      at += 4 + size;
      if (worker.running) {
        deliveries.push_back({std::move(worker.running->job), worker.running->task.index, std::move(outcome)});
        worker.running.reset();
      }
    }
    if (at > 0) {
      std::memmove(worker.inbox.data(), worker.inbox.data() + at, worker.inbox_used - at);
      worker.inbox_used -= at;
    }
    dispatch(worker, maxtasks);
  }

  // The worker's process ended: collect what it sent, fail the task it took with it, forget it.
  void retire(std::size_t slot, std::vector<Delivery>& deliveries, int maxtasks) {
    Worker& worker = *workers[slot];
    drain(worker, deliveries, maxtasks);
    worker.process->join();
    if (worker.running) {
      const int code = worker.process->exitcode().value_or(0);
      std::string message = "A pool worker, " + worker.process->name() + " (pid " + std::to_string(worker.pid) +
                            "), terminated abruptly (exitcode " + std::to_string(code) + signal_suffix(code) +
                            ") while running a task of this job";
      deliveries.push_back({std::move(worker.running->job), worker.running->task.index,
                            TaskOutcome{TaskOutcome::Kind::local_error, {},
                                        std::make_exception_ptr(BrokenProcessPool(message))}});
      worker.running.reset();
    }
    forget(worker);
    workers.erase(workers.begin() + static_cast<std::ptrdiff_t>(slot));
  }

  void forget(Worker& worker) {
    remove_pool_parent_fd(worker.fd);
    worker.channel.close();
    worker.fd = -1;
  }

  // CPython's _maintain_pool: back to full size while the pool runs, or is closed with work left.
  void maintain(const PoolCoreOptions& options) {
    start_failed = false;
    while (workers.size() < static_cast<std::size_t>(options.processes) &&
           (phase == Phase::run || (phase == Phase::close && busy_locked()))) {
      try {
        workers.push_back(start_worker(options));
      } catch (const std::exception& e) {
        std::string text = std::string("mp.Pool: cannot start a replacement worker: ") + e.what() + "\n";
        (void)!::write(2, text.data(), text.size());
        start_failed = true;
        return;
      }
      dispatch(*workers.back(), options.maxtasksperchild);
    }
  }
};

namespace {

void deliver(std::vector<Delivery>& deliveries) {
  for (Delivery& d : deliveries) d.job->deliver(d.index, std::move(d.outcome));
  deliveries.clear();
}

void result_loop(PoolCore::State& s, const PoolCoreOptions& options) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);  // signals go to the threads the program owns
  using Phase = PoolCore::State::Phase;
  std::vector<pollfd> fds;
  std::vector<Worker*> owners;
  std::vector<Delivery> deliveries;
  for (;;) {
    int timeout_ms = -1;
    {
      std::unique_lock lock(s.mutex);
      if (s.phase == Phase::terminate) return;
      if (s.phase == Phase::close && !s.busy_locked()) {
        // Every task is done: end of stream for each worker, then wait for them to exit.
        std::vector<std::unique_ptr<Worker>> workers = std::move(s.workers);
        s.workers.clear();
        for (auto& worker : workers) ::shutdown(worker->fd, SHUT_WR);
        lock.unlock();
        for (auto& worker : workers) {
          worker->process->join();
          s.forget(*worker);
        }
        return;
      }
      fds.clear();
      owners.clear();
      fds.push_back({s.wake_fd, POLLIN, 0});
      owners.push_back(nullptr);
      for (auto& worker : s.workers) {
        if (!worker->eof) {
          fds.push_back({worker->fd, POLLIN, 0});
          owners.push_back(worker.get());
        }
        fds.push_back({worker->sentinel, POLLIN, 0});
        owners.push_back(worker.get());
      }
      if (s.start_failed) timeout_ms = 100;
    }
    int n = ::poll(fds.data(), fds.size(), timeout_ms);
    if (n < 0 && errno != EINTR) throw ErrnoError(errno);
    {
      std::lock_guard lock(s.mutex);
      if (s.phase == Phase::terminate) return;
      if (fds[0].revents != 0) {
        std::uint64_t count = 0;
        (void)!::read(s.wake_fd, &count, sizeof count);
      }
      std::vector<Worker*> ended;
      for (std::size_t i = 1; i < fds.size(); ++i) {
        if (fds[i].revents == 0) continue;
        Worker* worker = owners[i];
        if (fds[i].fd == worker->sentinel) {
          ended.push_back(worker);
        } else {
          s.drain(*worker, deliveries, options.maxtasksperchild);
        }
      }
      for (Worker* worker : ended) {
        auto slot = std::find_if(s.workers.begin(), s.workers.end(), [&](const auto& w) { return w.get() == worker; });
        s.retire(static_cast<std::size_t>(slot - s.workers.begin()), deliveries, options.maxtasksperchild);
      }
      s.maintain(options);
      s.dispatch_all(options.maxtasksperchild);
    }
    deliver(deliveries);
  }
}

}  // namespace

PoolCore::PoolCore(PoolCoreOptions options) : options_(std::move(options)), state_(std::make_unique<State>()) {
  if (options_.processes < 1) throw ValueError("Number of processes must be at least 1");
  if (options_.maxtasksperchild < 0) throw ValueError("maxtasksperchild must be a positive int or None");
  process_class_for(options_.start_method);
  state_->wake_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (state_->wake_fd < 0) throw ErrnoError(errno);
  try {
    std::lock_guard lock(state_->mutex);
    for (int i = 0; i < options_.processes; ++i) state_->workers.push_back(state_->start_worker(options_));
  } catch (...) {
    // As CPython: terminate the workers already started, join them, re-raise.
    for (auto& worker : state_->workers) {
      worker->process->terminate();
      worker->process->join();
      state_->forget(*worker);
    }
    throw;
  }
  state_->result_thread = std::thread(result_loop, std::ref(*state_), std::cref(options_));
}

PoolCore::~PoolCore() {
  try {
    terminate();
    join();
  } catch (...) {
  }
}

void PoolCore::check_running() const {
  std::lock_guard lock(state_->mutex);
  if (state_->phase != State::Phase::run) throw ValueError("Pool not running");
}

void PoolCore::submit(const std::shared_ptr<Job>& job, std::vector<PoolTask> tasks) {
  std::lock_guard lock(state_->mutex);
  if (state_->phase != State::Phase::run) throw ValueError("Pool not running");
  for (PoolTask& task : tasks) state_->pending.push_back({job, std::move(task)});
  state_->dispatch_all(options_.maxtasksperchild);
}

void PoolCore::close() {
  std::lock_guard lock(state_->mutex);
  if (state_->phase == State::Phase::run) {
    state_->phase = State::Phase::close;
    state_->wake();
  }
}

void PoolCore::terminate() {
  {
    std::lock_guard lock(state_->mutex);
    state_->phase = State::Phase::terminate;
    state_->wake();
  }
  {
    std::lock_guard joining(state_->join_mutex);
    if (state_->result_thread.joinable() && state_->result_thread.get_id() != std::this_thread::get_id()) {
      state_->result_thread.join();
    }
  }
  std::vector<std::unique_ptr<Worker>> workers;
  std::deque<Queued> pending;
  {
    std::lock_guard lock(state_->mutex);
    workers = std::move(state_->workers);
    state_->workers.clear();
    pending = std::move(state_->pending);
    state_->pending.clear();
  }
  for (auto& worker : workers) {
    if (worker->process->is_alive()) worker->process->terminate();
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
    state_->forget(*worker);
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
