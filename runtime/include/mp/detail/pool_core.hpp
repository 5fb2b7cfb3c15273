#pragma once
// Internals of mp::Pool (pool.hpp): the type-erased pool the Pool templates submit serialized
// tasks to (src/pool_core.cpp and the files pool_state.hpp names).

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
#include "mp/pool_options.hpp"

namespace mp::detail {

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

  struct State;  // src/pool_state.hpp

 private:
  PoolCoreOptions options_;
  std::shared_ptr<State> state_;
};

}  // namespace mp::detail
