#pragma once
// The object behind a manager's Queue and JoinableQueue proxies: Python's queue.Queue (both
// typeids are queue.Queue in CPython's SyncManager), in the server process. Blocking puts and gets
// block the server thread serving the caller's connection, as in CPython.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "mp/detail/manager_protocol.hpp"
#include "mp/errors.hpp"

namespace mp::detail {

// queue.Queue's timeout check: ValueError "'timeout' must be a non-negative number".
void check_queue_timeout(double timeout_s);

template <class T>
class QueueServant final : public Servant {
 public:
  // maxsize <= 0: unbounded.
  explicit QueueServant(std::int64_t maxsize = 0) : maxsize_(maxsize) {}

  // timeout: seconds, nullopt to wait forever; ignored when block is false.
  void put(T item, bool block, std::optional<double> timeout) {
    std::unique_lock lock(mutex_);
    if (maxsize_ > 0) {
      if (!block) {
        if (full_locked()) throw Full();
      } else if (!timeout) {
        not_full_.wait(lock, [&] { return !full_locked(); });
      } else {
        check_queue_timeout(*timeout);
        if (!not_full_.wait_until(lock, deadline(*timeout), [&] { return !full_locked(); })) throw Full();
      }
    }
    items_.push_back(std::move(item));
    ++unfinished_tasks_;
    not_empty_.notify_one();
  }

  T get(bool block, std::optional<double> timeout) {
    std::unique_lock lock(mutex_);
    if (!block) {
      if (items_.empty()) throw Empty();
    } else if (!timeout) {
      not_empty_.wait(lock, [&] { return !items_.empty(); });
    } else {
      check_queue_timeout(*timeout);
      if (!not_empty_.wait_until(lock, deadline(*timeout), [&] { return !items_.empty(); })) throw Empty();
    }
    T item = std::move(items_.front());
    items_.pop_front();
    not_full_.notify_one();
    return item;
  }

  std::int64_t qsize() {
    std::lock_guard lock(mutex_);
    return static_cast<std::int64_t>(items_.size());
  }
  bool empty() {
    std::lock_guard lock(mutex_);
    return items_.empty();
  }
  bool full() {
    std::lock_guard lock(mutex_);
    return full_locked();
  }

  // ValueError "task_done() called too many times" when more than were put.
  void task_done() {
    std::lock_guard lock(mutex_);
    if (unfinished_tasks_ == 0) throw ValueError("task_done() called too many times");
    if (--unfinished_tasks_ == 0) all_tasks_done_.notify_all();
  }
  // Until every item put has been reported done.
  void join() {
    std::unique_lock lock(mutex_);
    all_tasks_done_.wait(lock, [&] { return unfinished_tasks_ == 0; });
  }

 private:
  bool full_locked() const noexcept {
    return maxsize_ > 0 && static_cast<std::int64_t>(items_.size()) >= maxsize_;
  }
  static std::chrono::steady_clock::time_point deadline(double timeout_s) {
    return std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout_s));
  }

  std::mutex mutex_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::condition_variable all_tasks_done_;
  std::deque<T> items_;
  std::int64_t maxsize_;
  std::uint64_t unfinished_tasks_ = 0;
};

}  // namespace mp::detail
