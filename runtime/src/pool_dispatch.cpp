// Handing pending tasks to idle pool workers (pool_state.hpp), and writing their frames.
#include <errno.h>
#include <unistd.h>

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
  worker.frame_sent = 0;
  send_more(worker);
}

void PoolCore::State::send_more(Worker& worker) {
  const std::string& frame = worker.running->task.frame;
  while (worker.frame_sent < frame.size()) {
    const ssize_t n = retry_on_eintr(
        [&] { return ::write(worker.task_fd, frame.data() + worker.frame_sent, frame.size() - worker.frame_sent); });
    if (n > 0) {
      worker.frame_sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      watch_task_pipe(worker, true);  // the result thread writes the rest when the pipe has room
      return;
    }
    // The worker is gone (EPIPE; SIGPIPE is ignored) and never got the whole task: its exit, next,
    // hands the task to another worker (retire()).
    worker.eof = true;
    watch_channel(worker, false);
    break;
  }
  watch_task_pipe(worker, false);
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
