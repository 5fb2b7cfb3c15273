// Pool workers (pool_state.hpp): starting one, retiring one that ended, replacing the missing.
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <string>

#include "pool_state.hpp"

namespace mp::detail {

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

std::unique_ptr<Worker> PoolCore::State::start_worker() {
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
  ::fcntl(worker->task_fd, F_SETFL, ::fcntl(worker->task_fd, F_GETFL) | O_NONBLOCK);
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

void PoolCore::State::retire(Worker& worker, std::vector<Delivery>& deliveries) {
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

void PoolCore::State::forget(Worker& worker) {
  slot_taken[worker.slot] = false;
  watch_channel(worker, false);
  watch_sentinel(worker, false);
  watch_task_pipe(worker, false);
  remove_pool_parent_fd(worker.task_fd);
  remove_pool_parent_fd(worker.fd);
  worker.tasks.close();
  worker.results.close();
  worker.task_fd = worker.fd = -1;
}

void PoolCore::State::maintain() {
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

}  // namespace mp::detail
