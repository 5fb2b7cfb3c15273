#pragma once
// mp::Pool: a pool of worker processes, as Python's multiprocessing.Pool.
//
//   int square(int x) { return x * x; }
//   mp::Pool pool(4);                                        // or mp::Pool pool; (cpu_count())
//   std::vector<int> squares = pool.map(square, std::vector<int>{1, 2, 3});
//   mp::AsyncResult<int> r = pool.apply_async(square, 7);    // r.get() == 49
//   for (int y : pool.imap_unordered(square, items)) ...     // in completion order
//   mp::Pool p2(mp::PoolOptions{.processes = 2, .initializer = mp::PoolInitializer(set_up, 1),
//                               .maxtasksperchild = 1, .context = "spawn"});
//
// The options (PoolOptions, PoolInitializer, PoolContext, Callbacks) are in mp/pool_options.hpp.
//
// Names, defaults and messages are CPython 3.11's:
//   - workers are daemon processes named ForkPoolWorker-N / SpawnPoolWorker-N /
//     ForkServerPoolWorker-N, N from the same counter as Process names;
//   - map/starmap/map_async default chunksize: ceil(len / (4 * workers)); imap/imap_unordered: 1;
//     ValueError "Chunksize must be 1+, not N" for an explicit chunksize < 1;
//   - ValueError "Number of processes must be at least 1", "maxtasksperchild must be a positive int
//     or None", "Pool not running" (submitting after close()/terminate()), "Pool is still running"
//     (join() before close()/terminate()); AsyncResult::successful() before the result is ready:
//     ValueError "<multiprocessing.pool.ApplyResult object at 0x...> not ready"; get(timeout):
//     TimeoutError (the pool stays usable).
//
// Tasks are always serialized, under fork too (CPython pickles tasks whatever the start method): the
// function travels by identity and the arguments by value (function_identity.hpp). A capturing
// lambda, an unserializable argument, or a Queue/Lock/Connection passed as an argument (RuntimeError
// "... objects should only be shared between processes through inheritance") make the result fail
// with that error, raised by get() (map() raises it), as in CPython.
//
// A task that throws fails its result: get() raises mp::RemoteError whose type_name() is the
// remote exception's name (mp errors by their Python names, other exceptions by their C++ type) and
// whose what() is its text. A map fails as a whole at the first failed chunk (CPython's MapResult).
// map() and map_async() first collect their input (CPython lists it), so an input range whose
// iteration throws makes them throw that exception. imap() and imap_unordered() also collect the
// input eagerly, in the calling thread (CPython iterates it in its task thread); an exception from
// the input surfaces at its position, as CPython's: the items before it are yielded, then next()
// throws it (with chunksize > 1 the chunk the failing item would have joined is dropped, as in
// CPython).
//
// callback / error_callback (Callbacks<T>) run in the pool's result thread when the result
// completes, before get() returns it, as in CPython; they must not block, and what they throw is
// printed to stderr and otherwise ignored.
//
// Lifecycle: close() lets the queued work finish, then the workers exit; terminate() stops the
// workers at once (SIGTERM, then SIGKILL after 5 s); join() waits for the workers after either.
// The destructor calls terminate(), as leaving `with Pool(...)` does. Workers that exit (after
// maxtasksperchild tasks, or abnormally) are replaced while the pool runs, or is closed with work
// left (CPython's _maintain_pool).
//
// Orphans: a worker is killed (SIGKILL) as soon as the process that made the pool ends, however it
// ends (SIGKILL and crashes included), even in the middle of a task: nobody can read its results
// any more. (CPython's worker runs its task to the end, then finds its pipes gone.) Each worker
// watches its owner through a pidfd the owner opened on itself, from a thread of the worker's own
// that blocks every signal; this holds under every start method, forkserver included, where the
// worker's parent is the server rather than the owner. Not PR_SET_PDEATHSIG: it follows the thread
// that forked the worker (the thread that made the pool, or the pool's result thread), which may
// end long before the pool. A Process child keeps CPython's behaviour instead (process.hpp).
//
// Divergences from CPython (safer where CPython hangs):
//   - A worker that dies while running a task (SIGKILL, a crash, exit()) fails that task's result
//     at once with mp::BrokenProcessPool (a ProcessError) naming the worker, its pid and exit code:
//     "A pool worker, ForkPoolWorker-3 (pid 1234), terminated abruptly (exitcode -9, SIGKILL) while
//     running a task of this job". The pool replaces the worker and other tasks continue. CPython
//     waits forever for such a result (concurrent.futures raises BrokenProcessPool and breaks the
//     whole pool instead). mp can tell which task was lost because each worker has one task in flight.
//     A task the worker had not started (an idle worker killed just as the task was sent to it)
//     goes to another worker instead, first in line; only after 3 workers in a row end before
//     starting it (an initializer that kills every worker) does it fail, with BrokenProcessPool
//     "... terminated abruptly (exitcode 1) before taking a task of this job (3 workers in a row
//     did)".
//   - terminate() fails results still pending with BrokenProcessPool "the pool was terminated
//     before this task completed" (CPython leaves them pending forever).
//
// Costs: a map sends one message per chunk and decodes results in the caller; apply_async(...).get()
// reads the worker's result pipe in the calling thread (no hop through the result thread), so a
// round trip costs about a raw pipe round trip. runtime/bench/pool_bench.cpp measures both.
//
// Thread-safety: all member functions may be called from any thread.

#include <algorithm>
#include <chrono>
#include <cstring>
#include <cstddef>
#include <exception>
#include <functional>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <ranges>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "mp/detail/pool_core.hpp"
#include "mp/detail/pool_job.hpp"
#include "mp/detail/pool_results.hpp"
#include "mp/detail/pool_tasks.hpp"
#include "mp/errors.hpp"
#include "mp/pool_options.hpp"

namespace mp {

// The result of apply_async / map_async (CPython's ApplyResult / MapResult). A handle: copies
// share the result. get() may be called any number of times.
template <class T>
class AsyncResult {
 public:
  // Waits for the result; returns it or throws the failure.
  T get() {
    job_->wait(std::nullopt);
    return result();
  }
  // As get(), waiting at most `timeout`; TimeoutError when it passes (the result stays pending).
  template <class Rep, class Period>
  T get(std::chrono::duration<Rep, Period> timeout) {
    if (!job_->wait(std::chrono::duration<double>(timeout))) throw TimeoutError();
    return result();
  }
  void wait() const { job_->wait(std::nullopt); }
  // Waits at most `timeout`; true when the result is ready.
  template <class Rep, class Period>
  bool wait(std::chrono::duration<Rep, Period> timeout) const {
    return job_->wait(std::chrono::duration<double>(timeout));
  }
  bool ready() const { return job_->ready(); }
  // Whether the call completed without error; ValueError "<...> not ready" before it is ready.
  bool successful() const { return job_->successful(); }

  explicit AsyncResult(std::shared_ptr<detail::ValueJob<T>> job) : job_(std::move(job)) {}

 private:
  friend class Pool;
  // get() for a result no one else holds: the value is moved out, not copied.
  T take() {
    job_->wait(std::nullopt);
    if constexpr (std::is_void_v<T>) {
      job_->value();
    } else {
      return job_->take();
    }
  }

  T result() {
    if constexpr (std::is_void_v<T>) {
      job_->value();
    } else {
      return job_->value();
    }
  }
  std::shared_ptr<detail::ValueJob<T>> job_;
};

// What imap / imap_unordered return (CPython's IMapIterator): an input range over the results,
// in input order (imap) or completion order (imap_unordered), each as soon as it is ready. A
// failed task throws from next() / operator++ at its position; iteration can go on after it.
// R void: the items are std::monostate.
template <class R>
class IMapIterator {
 public:
  using value_type = detail::Stored<R>;

  explicit IMapIterator(std::shared_ptr<detail::Job> job) : job_(std::move(job)) {}

  // The next result, or nullopt after the last one (CPython's StopIteration).
  std::optional<value_type> next() { return next_within(std::nullopt); }
  // As next(), waiting at most `timeout`; TimeoutError when it passes.
  template <class Rep, class Period>
  std::optional<value_type> next(std::chrono::duration<Rep, Period> timeout) {
    return next_within(std::chrono::duration<double>(timeout));
  }

  class iterator {
   public:
    using value_type = IMapIterator::value_type;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(IMapIterator* owner) : owner_(owner) { advance(); }
    value_type& operator*() const { return *owner_->current_; }
    value_type* operator->() const { return &*owner_->current_; }
    iterator& operator++() {
      advance();
      return *this;
    }
    void operator++(int) { advance(); }
    bool at_end() const { return !owner_ || !owner_->current_; }
    friend bool operator==(const iterator& it, std::default_sentinel_t) { return it.at_end(); }

   private:
    void advance() { owner_->current_ = owner_->next(); }
    IMapIterator* owner_ = nullptr;
  };
  // Iteration consumes results: begin() continues where next() left off.
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() const noexcept { return {}; }

 private:
  friend class iterator;
  std::optional<value_type> next_within(std::optional<std::chrono::duration<double>> timeout) {
    while (chunk_position_ >= chunk_.size()) {
      std::optional<detail::TaskOutcome> outcome = job_->next(timeout);
      if (!outcome) return std::nullopt;
      if (!outcome->ok()) outcome->rethrow();
      chunk_.clear();
      chunk_position_ = 0;
      if constexpr (Serializable<value_type>) {
        chunk_ = detail::load_payload<std::vector<value_type>>(outcome->bytes);
      } else {
        throw TypeError("cannot pickle '" + detail::type_name_of(typeid(value_type)) + "' object");
      }
    }
    return std::move(chunk_[chunk_position_++]);
  }

  std::shared_ptr<detail::Job> job_;
  std::vector<value_type> chunk_;
  std::size_t chunk_position_ = 0;
  std::optional<value_type> current_;
};

// A worker of a pool, as Pool::workers() lists it.
struct PoolWorker {
  int pid = 0;
  std::string name;
};

class Pool {
 public:
  // `processes` workers (cpu_count() when empty) of the default context.
  explicit Pool(std::optional<int> processes = std::nullopt);
  explicit Pool(PoolOptions options);
  // terminate(), as leaving `with Pool(...)` does.
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // ---- one call ------------------------------------------------------------------------------

  // fn(args...) in a worker; waits for and returns the result (void for void).
  template <class F, class... Args>
  auto apply(const F& fn, const Args&... args) {
    return apply_async(fn, args...).get();
  }

  template <class F, class... Args>
  auto apply_async(const F& fn, const Args&... args) {
    using R = call_result_t<F, Args...>;
    return apply_async(Callbacks<R>{}, fn, args...);
  }
  template <class T, class F, class... Args>
  AsyncResult<T> apply_async(Callbacks<T> callbacks, const F& fn, const Args&... args) {
    using R = call_result_t<F, Args...>;
    static_assert(std::is_same_v<T, R>, "Callbacks<T>: T must be the function's result type");
    // Without callbacks, get() may read the worker itself (callbacks run in the result thread).
    const bool direct = !callbacks.callback && !callbacks.error_callback;
    auto job = std::make_shared<detail::ApplyJob<R>>(1, "ApplyResult", std::move(callbacks));
    core_->check_running();
    if (direct) job->set_awaiter(core_->awaiter());
    std::vector<detail::PoolTask> tasks;
    try {
      tasks.push_back(detail::call_task(as_callable(fn), args...));
    } catch (...) {
      fail(job, 0, std::current_exception());  // the pickling error is the result's, as in CPython
      return AsyncResult<R>(job);
    }
    core_->submit(job, std::move(tasks));
    return AsyncResult<R>(job);
  }

  // ---- map -----------------------------------------------------------------------------------

  // fn(item) for each item of `items`, results in input order. chunksize: items per task (empty:
  // ceil(len / (4 * workers))).
  template <class F, std::ranges::input_range Items>
  auto map(const F& fn, Items&& items, std::optional<std::size_t> chunksize = std::nullopt) {
    return map_async(fn, std::forward<Items>(items), chunksize).take();
  }
  template <class F, std::ranges::input_range Items>
  auto map_async(const F& fn, Items&& items, std::optional<std::size_t> chunksize = std::nullopt) {
    using R = detail::chunk_result_t<Callable<F>, item_t<Items>, false>;
    return map_async_impl<false, R>(Callbacks<detail::MapValue<R>>{}, fn, items, chunksize);
  }
  template <class T, class F, std::ranges::input_range Items>
  AsyncResult<T> map_async(Callbacks<T> callbacks, const F& fn, Items&& items,
                           std::optional<std::size_t> chunksize = std::nullopt) {
    using R = detail::chunk_result_t<Callable<F>, item_t<Items>, false>;
    static_assert(std::is_same_v<T, detail::MapValue<R>>, "Callbacks<T>: T must be std::vector<result type>");
    return map_async_impl<false, R>(std::move(callbacks), fn, items, chunksize);
  }

  // As map, each item a std::tuple of arguments: fn(std::get<0>(item), std::get<1>(item), ...).
  template <class F, std::ranges::input_range Items>
  auto starmap(const F& fn, Items&& items, std::optional<std::size_t> chunksize = std::nullopt) {
    return starmap_async(fn, std::forward<Items>(items), chunksize).take();
  }
  template <class F, std::ranges::input_range Items>
  auto starmap_async(const F& fn, Items&& items, std::optional<std::size_t> chunksize = std::nullopt) {
    using R = detail::chunk_result_t<Callable<F>, item_t<Items>, true>;
    return map_async_impl<true, R>(Callbacks<detail::MapValue<R>>{}, fn, items, chunksize);
  }
  template <class T, class F, std::ranges::input_range Items>
  AsyncResult<T> starmap_async(Callbacks<T> callbacks, const F& fn, Items&& items,
                               std::optional<std::size_t> chunksize = std::nullopt) {
    using R = detail::chunk_result_t<Callable<F>, item_t<Items>, true>;
    static_assert(std::is_same_v<T, detail::MapValue<R>>, "Callbacks<T>: T must be std::vector<result type>");
    return map_async_impl<true, R>(std::move(callbacks), fn, items, chunksize);
  }

  // Lazy results of fn(item), in input order (imap) or completion order (imap_unordered).
  template <class F, std::ranges::input_range Items>
  auto imap(const F& fn, Items&& items, std::size_t chunksize = 1) {
    return imap_impl(detail::Job::Order::in_order, fn, items, chunksize);
  }
  template <class F, std::ranges::input_range Items>
  auto imap_unordered(const F& fn, Items&& items, std::size_t chunksize = 1) {
    return imap_impl(detail::Job::Order::completion, fn, items, chunksize);
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  // No more tasks; the workers exit once the queued ones are done.
  void close();
  // Stops the workers now; pending results fail (see the header comment).
  void terminate();
  // Waits for the workers to exit. ValueError "Pool is still running" before close()/terminate().
  void join();

  // The current workers (CPython's pool._pool), in slot order.
  std::vector<PoolWorker> workers() const;
  // The number of worker processes the pool keeps.
  std::size_t size() const noexcept { return core_->size(); }

 private:
  template <class F>
  static auto as_callable(const F& fn) {
    if constexpr (std::is_function_v<F>) {
      return &fn;
    } else {
      return fn;
    }
  }
  template <class F>
  using Callable = decltype(as_callable(std::declval<const F&>()));
  template <class F, class... Args>
  using call_result_t = std::invoke_result_t<Callable<F>&, Args&...>;
  template <class Items>
  using item_t = std::remove_cvref_t<std::ranges::range_value_t<Items>>;

  static void fail(const std::shared_ptr<detail::Job>& job, std::size_t index, std::exception_ptr error) {
    job->deliver(index, detail::TaskOutcome{detail::TaskOutcome::Kind::local_error, {}, std::move(error)});
  }
  std::size_t default_chunksize(std::size_t items) const {
    const std::size_t per = size() * 4;
    return (items + per - 1) / per;
  }
  static void check_chunksize(std::size_t chunksize) {
    if (chunksize < 1) throw ValueError("Chunksize must be 1+, not " + std::to_string(chunksize));
  }

  template <bool Star, class R, class T, class F, class Items>
  AsyncResult<T> map_async_impl(Callbacks<T> callbacks, const F& fn, Items& items,
                                std::optional<std::size_t> chunksize) {
    core_->check_running();
    detail::CollectedItems<Items> collected(items);  // an input that throws throws here, as CPython's list()
    if (chunksize) check_chunksize(*chunksize);
    const std::size_t per_task = chunksize ? *chunksize : default_chunksize(collected.size());
    const std::size_t tasks = collected.size() == 0 ? 0 : (collected.size() + per_task - 1) / per_task;
    auto job = std::make_shared<detail::MapJob<R>>(tasks, collected.size(), std::move(callbacks));
    if (tasks == 0) return AsyncResult<T>(job);
    std::vector<detail::PoolTask> list;
    try {
      list = detail::chunk_tasks<Star>(as_callable(fn), collected.data(), collected.size(), per_task);
    } catch (...) {
      fail(job, 0, std::current_exception());
      return AsyncResult<T>(job);
    }
    core_->submit(job, std::move(list));
    return AsyncResult<T>(job);
  }

  template <class F, class Items>
  auto imap_impl(detail::Job::Order order, const F& fn, Items& items, std::size_t chunksize) {
    using T = item_t<Items>;
    using R = detail::chunk_result_t<Callable<F>, T, false>;
    core_->check_running();
    check_chunksize(chunksize);
    // Collect the input; an exception from it takes the place of the chunk it interrupted.
    std::vector<T> collected;
    std::exception_ptr input_error;
    try {
      for (auto&& item : items) collected.push_back(static_cast<T>(item));
    } catch (...) {
      input_error = std::current_exception();
      collected.resize(collected.size() / chunksize * chunksize);
    }
    const std::size_t good = (collected.size() + chunksize - 1) / chunksize;
    auto job = std::make_shared<detail::Job>(good + (input_error ? 1 : 0), order, "IMapIterator");
    std::vector<detail::PoolTask> list;
    try {
      list = detail::chunk_tasks<false>(as_callable(fn), collected.data(), collected.size(), chunksize);
    } catch (...) {
      for (std::size_t i = 0; i < good; ++i) fail(job, i, std::current_exception());
    }
    if (input_error) fail(job, good, input_error);
    if (!list.empty()) core_->submit(job, std::move(list));
    return IMapIterator<R>(job);
  }

  std::unique_ptr<detail::PoolCore> core_;
};

}  // namespace mp
