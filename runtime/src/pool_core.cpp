// mp::detail::PoolCore (detail/pool_core.hpp): the calls the Pool templates make, close,
// terminate and join; the pool's state and its other parts are in pool_state.hpp.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <mutex>
#include <thread>

#include "mp/detail/lifecycle.hpp"
#include "mp/detail/os_error.hpp"
#include "pool_state.hpp"

namespace mp::detail {

void PoolCore::State::shut_down(std::unique_lock<std::mutex>& lock) {
  unclaimed.wait(lock, [&] {
    return std::none_of(workers.begin(), workers.end(), [](const auto& w) { return w->claimed; });
  });
  std::vector<std::unique_ptr<Worker>> leaving = std::move(workers);
  workers.clear();
  for (auto& worker : leaving) {
    watch_channel(*worker, false);
    watch_sentinel(*worker, false);
    watch_task_pipe(*worker, false);
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
