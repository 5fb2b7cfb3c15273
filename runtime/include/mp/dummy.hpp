#pragma once
// mp::dummy: Process and Pool behind threads of this process, as Python's multiprocessing.dummy
// ("replicates the API of multiprocessing but is no more than a wrapper around threading").
//
//   int square(int x) { return x * x; }
//   mp::dummy::Pool pool(4);                               // 4 threads of this process
//   std::vector<int> squares = pool.map(square, std::vector<int>{1, 2, 3});
//   mp::dummy::Process t(square, 3);                       // a thread named "Thread-N"
//   t.start(); t.join(); *t.exitcode() == 0;
//
// Everything runs in the calling process (getpid() is the parent's), sharing its memory: nothing is
// serialized, so any callable and any argument work, capturing lambdas included; results are
// moved, not copied through bytes. Use it for I/O-bound work, where threads are enough; in C++
// (unlike CPython, which has a GIL) CPU-bound work scales on these threads too.
//
// Semantics are CPython's ThreadPool / DummyProcess:
//   - a task's exception reaches get() as itself (the same C++ type and object), not wrapped;
//   - Process::exitcode() is empty until the thread was started and has finished, then 0, also
//     when the target threw (threading prints "Exception in thread <name>:", a traceback header and
//     "<Type>: <message>" on stderr and the thread ends);
//   - Process::start() twice: RuntimeError "threads can only be started once"; join() before
//     start(): RuntimeError "cannot join thread before it is started";
//   - names: "Thread-N" from one counter for every dummy Process (CPython adds " (target)"; C++
//     has no name for a callable);
//   - Pool errors: ValueError "Number of processes must be at least 1", "Pool not running" (after
//     close()/terminate()), "Pool is still running" (join() before close()/terminate());
//     AsyncResult::get(timeout): TimeoutError; successful() before ready: ValueError "... not ready".
// Divergences: a started non-daemon Process is joined by its destructor (CPython joins it at
// interpreter exit), a daemon one detached; terminate() lets running tasks finish (a thread cannot
// be killed) and fails the queued ones with BrokenProcessPool "the pool was terminated before this
// task completed" (CPython leaves them pending forever), as mp::Pool does.
//
// Thread-safety: a Pool may be used from any thread; a Process by one thread at a time.

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "mp/detail/dummy_core.hpp"
#include "mp/errors.hpp"
#include "mp/process.hpp"

namespace mp {

namespace dummy {

// multiprocessing.dummy.Process: fn(args...) on a new thread of this process.
class Process {
 public:
  template <class F, class... Args>
    requires std::invocable<std::decay_t<F>&, std::decay_t<Args>&...>
  explicit Process(F&& fn, Args&&... args) : Process(ProcessOptions{}, std::forward<F>(fn), std::forward<Args>(args)...) {}
  // options.name (empty: "Thread-N") and options.daemon (empty: false); start_method is ignored.
  template <class F, class... Args>
    requires std::invocable<std::decay_t<F>&, std::decay_t<Args>&...>
  Process(ProcessOptions options, F&& fn, Args&&... args)
      : Process(std::move(options), std::function<void()>([fn = std::forward<F>(fn),
                                                          ... args = std::forward<Args>(args)]() mutable {
          std::invoke(fn, args...);
        })) {}
  Process(ProcessOptions options, std::function<void()> target);
  // Joins a started non-daemon thread; detaches a daemon one.
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  void start();
  void join();
  template <class Rep, class Period>
  void join(std::chrono::duration<Rep, Period> timeout) {
    join_seconds(std::chrono::duration<double>(timeout).count());
  }
  bool is_alive() const;
  // Empty until started and finished; then 0.
  std::optional<int> exitcode() const;
  const std::string& name() const noexcept { return name_; }
  bool daemon() const noexcept { return daemon_; }
  // The thread's kernel id while it runs or after; empty before start().
  std::optional<int> ident() const;

 private:
  struct State;
  void join_seconds(double timeout_s);
  std::string name_;
  bool daemon_ = false;
  std::shared_ptr<State> state_;
};

// The result of apply_async / map_async: a handle, copies share it.
template <class T>
class AsyncResult {
 public:
  explicit AsyncResult(std::shared_ptr<detail::DummyResultState<T>> state) : state_(std::move(state)) {}

  T get() {
    state_->wait(std::nullopt);
    return value();
  }
  template <class Rep, class Period>
  T get(std::chrono::duration<Rep, Period> timeout) {
    if (!state_->wait(std::chrono::duration<double>(timeout))) throw TimeoutError();
    return value();
  }
  void wait() const { state_->wait(std::nullopt); }
  template <class Rep, class Period>
  bool wait(std::chrono::duration<Rep, Period> timeout) const {
    return state_->wait(std::chrono::duration<double>(timeout));
  }
  bool ready() const { return state_->done(); }
  bool successful() const {
    if (!state_->done()) throw ValueError("<multiprocessing.pool.ApplyResult object> not ready");
    return !state_->failed();
  }

 private:
  T value() {
    if constexpr (std::is_void_v<T>) {
      state_->value();
    } else {
      return state_->value();
    }
  }
  std::shared_ptr<detail::DummyResultState<T>> state_;
};

// What imap / imap_unordered return: the results one by one, in input order (imap) or completion
// order (imap_unordered); nullopt after the last. A task's exception is thrown at its position.
template <class R>
class IMapIterator {
 public:
  std::optional<R> next() { return next_within(std::nullopt); }
  template <class Rep, class Period>
  std::optional<R> next(std::chrono::duration<Rep, Period> timeout) {
    return next_within(std::chrono::duration<double>(timeout));
  }

  struct Completion {
    std::mutex mutex;
    std::condition_variable changed;
    std::deque<std::size_t> order;  // indexes, as tasks complete
  };
  IMapIterator(std::vector<std::shared_ptr<detail::DummyResultState<R>>> states, std::shared_ptr<Completion> completion)
      : states_(std::move(states)), completion_(std::move(completion)) {}

 private:
  std::optional<R> next_within(std::optional<std::chrono::duration<double>> timeout) {
    if (taken_ == states_.size()) return std::nullopt;
    std::size_t index = taken_;
    if (completion_) {
      std::unique_lock lock(completion_->mutex);
      auto ready = [&] { return !completion_->order.empty(); };
      if (!timeout) {
        completion_->changed.wait(lock, ready);
      } else if (!completion_->changed.wait_for(lock, *timeout, ready)) {
        throw TimeoutError();
      }
      index = completion_->order.front();
      completion_->order.pop_front();
    } else if (!states_[index]->wait(timeout)) {
      throw TimeoutError();
    }
    ++taken_;
    return states_[index]->value();
  }

  std::vector<std::shared_ptr<detail::DummyResultState<R>>> states_;
  std::shared_ptr<Completion> completion_;  // null for imap (input order)
  std::size_t taken_ = 0;
};

// multiprocessing.dummy.Pool (CPython's ThreadPool): `processes` worker threads (cpu_count() when
// empty), each running `initializer` first when one is given.
class Pool {
 public:
  explicit Pool(std::optional<int> processes = std::nullopt, std::function<void()> initializer = {});
  ~Pool() { terminate(); }  // as leaving `with ThreadPool(...)`

  template <class F, class... Args>
  auto apply(F&& fn, Args&&... args) {
    return apply_async(std::forward<F>(fn), std::forward<Args>(args)...).get();
  }
  template <class F, class... Args>
  auto apply_async(F&& fn, Args&&... args) {
    using R = std::invoke_result_t<std::decay_t<F>&, std::decay_t<Args>&...>;
    auto state = std::make_shared<detail::DummyResultState<R>>();
    std::vector<detail::DummyTask> tasks;
    tasks.push_back(task(state, [fn = std::forward<F>(fn), ... args = std::forward<Args>(args)]() mutable {
      return std::invoke(fn, args...);
    }));
    core_->submit(std::move(tasks));
    return AsyncResult<R>(state);
  }

  // fn(item) for each item, results in input order (one task per item: threads share memory,
  // so there is nothing to batch).
  template <class F, std::ranges::input_range Items>
  auto map(const F& fn, Items&& items) {
    return map_async(fn, std::forward<Items>(items)).get();
  }
  template <class F, std::ranges::input_range Items>
  auto map_async(const F& fn, Items&& items) {
    using R = std::invoke_result_t<const F&, std::ranges::range_reference_t<Items>>;
    auto states = submit_each(items, [fn](auto&& item) { return fn(item); });
    auto all = std::make_shared<detail::DummyResultState<std::vector<R>>>();
    gather(states, all);
    return AsyncResult<std::vector<R>>(all);
  }
  // As map, each item a std::tuple of arguments.
  template <class F, std::ranges::input_range Items>
  auto starmap(const F& fn, Items&& items) {
    return map(
        [fn](const auto& item) { return std::apply(fn, item); }, std::forward<Items>(items));
  }
  template <class F, std::ranges::input_range Items>
  auto imap(const F& fn, Items&& items) {
    using R = std::invoke_result_t<const F&, std::ranges::range_reference_t<Items>>;
    return IMapIterator<R>(submit_each(items, [fn](auto&& item) { return fn(item); }), nullptr);
  }
  template <class F, std::ranges::input_range Items>
  auto imap_unordered(const F& fn, Items&& items) {
    using R = std::invoke_result_t<const F&, std::ranges::range_reference_t<Items>>;
    auto completion = std::make_shared<typename IMapIterator<R>::Completion>();
    auto states = submit_each(items, [fn](auto&& item) { return fn(item); }, completion);
    return IMapIterator<R>(std::move(states), completion);
  }

  void close() { core_->close(); }
  void terminate() { core_->terminate(); }
  void join() { core_->join(); }
  std::size_t size() const noexcept { return core_->size(); }

 private:
  // A task computing fn() into state; dropped by terminate(), it fails with BrokenProcessPool.
  template <class R, class G>
  static detail::DummyTask task(const std::shared_ptr<detail::DummyResultState<R>>& state, G fn) {
    return detail::DummyTask{
        [state, fn = std::move(fn)]() mutable {
          try {
            if constexpr (std::is_void_v<R>) {
              fn();
              state->set_value({});
            } else {
              state->set_value(fn());
            }
          } catch (...) {
            state->set_error(std::current_exception());
          }
        },
        [state] { state->set_error(terminated_error()); }};
  }
  static std::exception_ptr terminated_error();

  template <class Items, class G, class Completion = void>
  auto submit_each(Items& items, G call, std::shared_ptr<Completion> completion = nullptr) {
    using Item = std::remove_cvref_t<std::ranges::range_reference_t<Items>>;
    using R = decltype(call(std::declval<Item&>()));
    std::vector<std::shared_ptr<detail::DummyResultState<R>>> states;
    std::vector<detail::DummyTask> tasks;
    for (auto&& item : items) {
      auto state = std::make_shared<detail::DummyResultState<R>>();
      if constexpr (!std::is_void_v<Completion>) {
        state->on_completion([completion, index = states.size()] {
          {
            std::lock_guard lock(completion->mutex);
            completion->order.push_back(index);
          }
          completion->changed.notify_all();
        });
      }
      tasks.push_back(task(state, [call, value = Item(item)]() mutable { return call(value); }));
      states.push_back(std::move(state));
    }
    core_->submit(std::move(tasks));
    return states;
  }

  // Completes `all` with every value in order once every state is done, or with the first failure.
  template <class R>
  static void gather(const std::vector<std::shared_ptr<detail::DummyResultState<R>>>& states,
                     const std::shared_ptr<detail::DummyResultState<std::vector<R>>>& all) {
    auto remaining = std::make_shared<std::atomic<std::size_t>>(states.size());
    auto finish = [states, all] {
      std::vector<R> values;
      values.reserve(states.size());
      try {
        for (const auto& state : states) values.push_back(state->value());
      } catch (...) {
        all->set_error(std::current_exception());
        return;
      }
      all->set_value(std::move(values));
    };
    if (states.empty()) return finish();
    for (const auto& state : states) {
      state->on_completion([remaining, finish] {
        if (remaining->fetch_sub(1) == 1) finish();
      });
    }
  }

  std::unique_ptr<detail::DummyPoolCore> core_;
};

}  // namespace dummy
}  // namespace mp
