#pragma once
// Internals of mp::Pool (pool.hpp): the result of a submitted call or map as the pool fills it in
// (CPython's ApplyResult / MapResult / IMapIterator state), and the bytes tasks travel as.
//
// A job is a fixed number of tasks (one call, or one chunk of a map each). The pool delivers each
// task's outcome once, from whichever thread learns it (the caller for failures found before
// sending, the pool's result thread otherwise). Outcomes stay serialized until a consumer asks for
// the value, so the result thread only moves bytes.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mp/errors.hpp"
#include "mp/serialize.hpp"

namespace mp {

// A pool task that cannot complete because its worker died or the pool was terminated first
// (the name of concurrent.futures' error for the same situation; a ProcessError). CPython's
// multiprocessing.Pool waits forever in both cases; see pool.hpp.
class BrokenProcessPool : public ProcessError {
 public:
  explicit BrokenProcessPool(const std::string& message) : ProcessError("BrokenProcessPool", message) {}
};

}  // namespace mp

namespace mp::detail {

// How one task ended.
struct TaskOutcome {
  enum class Kind : std::uint8_t { value = 0, remote_error = 1, local_error = 2 };
  Kind kind = Kind::value;
  std::string bytes;           // value: the serialized result; remote_error: dumps(type, message)
  std::exception_ptr error;    // local_error: raised in this process (input, pickling, lost worker)

  bool ok() const noexcept { return kind == Kind::value; }
  // Throws the failure: local errors as raised, remote ones as RemoteError(type, message).
  [[noreturn]] void rethrow() const;
};

class Job;

// Who can bring a job's result in faster than waiting for the pool's result thread: the pool lets
// a thread waiting for a one-task job read that task's worker itself.
class JobAwaiter {
 public:
  virtual ~JobAwaiter() = default;
  // Tries to complete `job` by reading its worker directly, until the job is complete, the
  // deadline passes, or direct reading is not possible (then the caller waits as usual).
  virtual void await(Job& job, std::optional<std::chrono::steady_clock::time_point> deadline) = 0;
  // Reads the job's result if it is already there, without waiting.
  virtual void look(Job& job) = 0;
};

// Shared by a result handle and the pool. Thread-safe.
class Job {
 public:
  enum class Order { all_at_once, in_order, completion };

  // tasks: how many outcomes make the job complete.
  // class_name: what CPython calls the object ("ApplyResult", "MapResult", "IMapIterator").
  Job(std::size_t tasks, Order order, std::string class_name);
  virtual ~Job() = default;
  Job(const Job&) = delete;
  Job& operator=(const Job&) = delete;

  // Records the outcome of task `index` (first delivery wins). An all_at_once job is complete when
  // every task succeeded or at the first failure (CPython's MapResult fails fast).
  void deliver(std::size_t index, TaskOutcome outcome);
  bool ready() const;
  // Waits until complete; false on timeout (nullopt: forever).
  bool wait(std::optional<std::chrono::duration<double>> timeout) const;
  // After ready(): whether every task succeeded.
  bool successful() const;
  // Lets wait() read the result directly (set before the job's task is submitted).
  void set_awaiter(std::weak_ptr<JobAwaiter> awaiter) { awaiter_ = std::move(awaiter); }
  bool has_awaiter() const noexcept { return !awaiter_.expired(); }
  // "<multiprocessing.pool.ApplyResult object at 0x...> not ready".
  std::string not_ready_message() const;

  // All outcomes of a complete all_at_once job, in task order (only the first failure matters).
  const std::vector<std::optional<TaskOutcome>>& outcomes() const noexcept { return outcomes_; }
  // The first failure of a complete job, or nullptr.
  const TaskOutcome* failure() const noexcept { return failure_; }

  // Iterators: the next outcome in the job's order, waiting up to timeout. nullopt when the job has
  // no more tasks; throws TimeoutError on timeout.
  std::optional<TaskOutcome> next(std::optional<std::chrono::duration<double>> timeout);

 protected:
  // Runs once, in the delivering thread, when the job completes and before waiters wake (where
  // CPython calls callback / error_callback). Must not throw.
  virtual void on_complete() noexcept {}

 private:
  std::weak_ptr<JobAwaiter> awaiter_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::vector<std::optional<TaskOutcome>> outcomes_;
  std::size_t tasks_;
  std::size_t delivered_ = 0;
  const Order order_;
  const std::string class_name_;
  bool finishing_ = false;  // the completing delivery is running on_complete()
  bool complete_ = false;
  const TaskOutcome* failure_ = nullptr;
  // Iterators: next position in task order / the completion order of delivered tasks.
  std::size_t next_index_ = 0;
  std::vector<std::size_t> completion_order_;
};

// What a pool task is on the wire: the offset of a trampoline `std::string(std::string_view)` in
// this executable and the payload it decodes (function_identity.hpp's PackedCall, unframed).
// Both directions use mp's one frame format (wire.hpp). Parent to worker: body = i64 trampoline,
// payload; a task is built after kTaskHeaderSize reserved bytes (a 4-byte header and the
// trampoline). Worker to parent: body = u8 TaskOutcome::Kind, result bytes.
inline constexpr std::size_t kTaskHeaderSize = 4 + 8;

// Serializes a contiguous run of items exactly as cereal serializes a std::vector of them, so the
// worker loads a std::vector<T>.
template <class Archive, class T>
void save_as_vector(Archive& archive, const T* items, std::size_t count) {
  archive(cereal::make_size_tag(static_cast<cereal::size_type>(count)));
  if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
    archive(cereal::binary_data(items, count * sizeof(T)));
  } else {
    for (std::size_t i = 0; i < count; ++i) archive(items[i]);
  }
}

}  // namespace mp::detail
