// Reading pool results (pool_state.hpp): the result thread, and direct reads by a thread waiting
// for its own result.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cstring>

#include "mp/detail/fd_io.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/detail/wire.hpp"
#include "pool_state.hpp"

namespace mp::detail {

void deliver(std::vector<Delivery>& deliveries) {
  for (Delivery& d : deliveries) d.job->deliver(d.index, std::move(d.outcome));
  deliveries.clear();
}

void PoolCore::State::drain(Worker& worker, std::vector<Delivery>& deliveries) {
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

void PoolCore::State::parse(Worker& worker, std::vector<Delivery>& deliveries) {
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

void PoolCore::State::await(Job& job, std::optional<std::chrono::steady_clock::time_point> deadline) {
  read_directly(job, deadline);
}

void PoolCore::State::read_directly(Job& job, std::optional<std::chrono::steady_clock::time_point> deadline) {
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

void PoolCore::State::result_loop() {
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
        Worker* worker = find(key >> 2);
        if (worker == nullptr) continue;
        switch (static_cast<EpollKind>(key & 3)) {
          case EpollKind::sentinel:
            ended.push_back(worker->id);
            break;
          case EpollKind::channel:
            if (!worker->claimed) drain(*worker, deliveries);
            break;
          case EpollKind::task_pipe:
            if (worker->running && !worker->eof) {
              send_more(*worker);
            } else {
              watch_task_pipe(*worker, false);
            }
            break;
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

}  // namespace mp::detail
