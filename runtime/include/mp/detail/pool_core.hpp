#pragma once
// Internals of mp::Pool (pool.hpp): the pool initializer as it travels to workers, and the
// type-erased pool the Pool templates submit serialized tasks to (src/pool_core.cpp).

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "mp/detail/fd_transfer.hpp"
#include "mp/detail/function_identity.hpp"
#include "mp/detail/pool_job.hpp"

namespace mp {

// What each worker runs once before its first task (CPython's Pool(initializer=, initargs=)):
//   mp::PoolInitializer(set_up)            or   mp::PoolInitializer(set_up, 3, std::string("x"))
// Under fork the worker calls the stored callable (anything callable works, as a Process target);
// under spawn and forkserver it travels by identity with its arguments by value, and what cannot
// travel makes the Pool constructor throw PicklingError / TypeError (function_identity.hpp).
class PoolInitializer {
 public:
  PoolInitializer() = default;

  template <class F, class... Args>
    requires(!std::is_same_v<std::decay_t<F>, PoolInitializer> &&
             std::invocable<std::decay_t<F>&, std::decay_t<Args>&...>)
  PoolInitializer(F&& fn, Args&&... args) {  // NOLINT(google-explicit-constructor): `.initializer = f`
    using Fn = std::decay_t<F>;
    auto bound = std::make_shared<std::tuple<Fn, std::decay_t<Args>...>>(std::forward<F>(fn),
                                                                         std::forward<Args>(args)...);
    local_ = [bound] { std::apply([](auto& f, auto&... a) { f(a...); }, *bound); };
    pack_ = [bound] {
      return std::apply([](const auto& f, const auto&... a) { return detail::pack_call(f, a...); }, *bound);
    };
  }

  explicit operator bool() const noexcept { return local_ || packed_.has_value(); }

  // Runs the initializer in this process.
  void operator()() const {
    if (local_) {
      local_();
    } else if (packed_) {
      packed_->invoke();
    }
  }

  // Serializes as its PackedCall (throws what pack_call throws).
  template <class Archive>
  void save(Archive& archive) const {
    bool present = static_cast<bool>(*this);
    archive(present);
    if (present) archive(packed_ ? *packed_ : pack_());
  }
  template <class Archive>
  void load(Archive& archive) {
    bool present = false;
    archive(present);
    local_ = nullptr;
    pack_ = nullptr;
    packed_.reset();
    if (present) {
      detail::PackedCall call;
      archive(call);
      // Bound now: arguments owning descriptors (an Event, a Lock) are rebuilt only while the
      // worker's process object is deserialized.
      local_ = [bound = call.bind()] { bound(); };
      packed_ = std::move(call);
    }
  }

 private:
  std::function<void()> local_;
  std::function<detail::PackedCall()> pack_;
  std::optional<detail::PackedCall> packed_;
};

namespace detail {

// One serialized task of a job.
struct PoolTask {
  std::uint32_t index = 0;  // the task's position in its job
  std::string frame;        // task_frame(...)
};

struct PoolCoreOptions {
  int processes = 1;
  PoolInitializer initializer;
  int maxtasksperchild = 0;  // 0: workers live as long as the pool
  std::string start_method;  // "fork" | "spawn" | "forkserver"
};

// The pool proper: workers, one socketpair each, a queue of tasks waiting for an idle worker and
// a result thread. Thread-safe. See pool.hpp for the behavior.
class PoolCore {
 public:
  // Starts the workers and the result thread.
  explicit PoolCore(PoolCoreOptions options);
  ~PoolCore();  // terminate() + join()
  PoolCore(const PoolCore&) = delete;
  PoolCore& operator=(const PoolCore&) = delete;

  // ValueError("Pool not running") unless the pool is running.
  void check_running() const;
  // The number of worker slots (the `processes` the pool was made with).
  std::size_t size() const noexcept { return static_cast<std::size_t>(options_.processes); }
  // Queues the tasks of `job` (each goes to the next idle worker; tasks of one job in index order).
  // ValueError("Pool not running") unless running.
  void submit(const std::shared_ptr<Job>& job, std::vector<PoolTask> tasks);

  void close();
  void terminate();
  void join();

  // Current workers (pid, name), for tests and diagnostics.
  std::vector<std::pair<int, std::string>> workers() const;
  // For one-task jobs: lets a waiting thread read its worker directly (Job::set_awaiter).
  std::weak_ptr<JobAwaiter> awaiter() const;

  struct State;  // src/pool_core.cpp

 private:
  PoolCoreOptions options_;
  std::shared_ptr<State> state_;
};

}  // namespace detail
}  // namespace mp
