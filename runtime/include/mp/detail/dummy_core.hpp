#pragma once
// Machinery of mp::dummy (mp/dummy.hpp): the one-shot result state a worker thread fills, and the
// worker threads of a dummy Pool with their task queue.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <variant>
#include <vector>

namespace mp::detail {

template <class T>
using DummyStored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;

// The outcome of one task: a value or an exception, set once, awaited by any number of threads.
template <class T>
class DummyResultState {
 public:
  void set_value(DummyStored<T> value) {
    {
      std::lock_guard lock(mutex_);
      value_ = std::move(value);
      done_ = true;
    }
    changed_.notify_all();
    run_completion();
  }
  void set_error(std::exception_ptr error) {
    {
      std::lock_guard lock(mutex_);
      error_ = std::move(error);
      done_ = true;
    }
    changed_.notify_all();
    run_completion();
  }
  // Waits up to timeout (nullopt: until done); whether it is done.
  bool wait(std::optional<std::chrono::duration<double>> timeout) {
    std::unique_lock lock(mutex_);
    if (!timeout) {
      changed_.wait(lock, [&] { return done_; });
      return true;
    }
    return changed_.wait_for(lock, *timeout, [&] { return done_; });
  }
  bool done() {
    std::lock_guard lock(mutex_);
    return done_;
  }
  // After done: the value, or the task's own exception rethrown.
  const DummyStored<T>& value() {
    std::lock_guard lock(mutex_);
    if (error_) std::rethrow_exception(error_);
    return *value_;
  }
  bool failed() {
    std::lock_guard lock(mutex_);
    return error_ != nullptr;
  }
  // Runs fn once the outcome is set (at once if it is already), on the thread that set it.
  void on_completion(std::function<void()> fn) {
    {
      std::lock_guard lock(mutex_);
      if (!done_) {
        completion_ = std::move(fn);
        return;
      }
    }
    fn();
  }

 private:
  void run_completion() {
    std::function<void()> fn;
    {
      std::lock_guard lock(mutex_);
      fn.swap(completion_);
    }
    if (fn) fn();
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  bool done_ = false;
  std::optional<DummyStored<T>> value_;
  std::exception_ptr error_;
  std::function<void()> completion_;
};

// A task of a dummy pool: run() on a worker thread, or drop() when terminate() discards it.
struct DummyTask {
  std::function<void()> run;
  std::function<void()> drop;
};

// The worker threads of a dummy Pool and their FIFO task queue (CPython's ThreadPool, without its
// handler threads: a worker takes the next task itself).
class DummyPoolCore {
 public:
  DummyPoolCore(int threads, std::function<void()> initializer);
  ~DummyPoolCore();
  DummyPoolCore(const DummyPoolCore&) = delete;
  DummyPoolCore& operator=(const DummyPoolCore&) = delete;

  // ValueError "Pool not running" after close() or terminate().
  void submit(std::vector<DummyTask> tasks);
  void close();
  void terminate();
  void join();
  std::size_t size() const noexcept { return workers_.size(); }

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable available_;
  std::deque<DummyTask> tasks_;
  enum class State { running, closed, terminated } state_ = State::running;
  bool joined_ = false;
  std::function<void()> initializer_;
  std::vector<std::thread> workers_;
};

// "Thread-N": the next name of threading's counter, shared by every dummy Process and pool worker.
std::string next_dummy_thread_name();

}  // namespace mp::detail
