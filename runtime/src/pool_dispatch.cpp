// Handing pending tasks to idle pool workers (pool_state.hpp).
#include <sys/uio.h>

#include <system_error>

#include "mp/detail/fd_io.hpp"
#include "pool_state.hpp"

namespace mp::detail {

void PoolCore::State::dispatch(Worker& worker, const Job* submitted) {
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

bool PoolCore::State::task_started(const Worker& worker) const {
  return started_tasks(worker.slot).load(std::memory_order_acquire) >= static_cast<std::uint32_t>(worker.tasks_sent);
}

void PoolCore::State::dispatch_all(const Job* submitted) {
  for (auto& worker : workers) {
    if (pending.empty()) break;
    dispatch(*worker, submitted);
  }
  if (!pending.empty()) unlazy_all();  // queued work needs every result read promptly
}

void PoolCore::State::unlazy_all() {
  for (auto& worker : workers) {
    if (!worker->lazy) continue;
    worker->lazy = false;
    if (worker->running) watch_channel(*worker, true);
  }
}

}  // namespace mp::detail
