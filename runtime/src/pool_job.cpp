// Results of pool jobs as the pool fills them in (detail/pool_job.hpp).
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <tuple>

#include "mp/detail/pool_job.hpp"

namespace mp::detail {

void TaskOutcome::rethrow() const {
  if (kind == Kind::local_error && error) std::rethrow_exception(error);
  std::string type = "BaseException";
  std::string message;
  try {
    std::tie(type, message) = loads<std::tuple<std::string, std::string>>(bytes);
  } catch (const std::exception&) {
    message = "undecodable error from a pool worker";
  }
  throw RemoteError(type, message);
}

Job::Job(std::size_t tasks, Order order, std::string class_name)
    : outcomes_(tasks), tasks_(tasks), order_(order), class_name_(std::move(class_name)) {
  if (tasks_ == 0) complete_ = finishing_ = true;
}

void Job::deliver(std::size_t index, TaskOutcome outcome) {
  bool completes = false;
  {
    std::lock_guard lock(mutex_);
    if (index >= tasks_ || outcomes_[index].has_value() || (finishing_ && order_ == Order::all_at_once)) return;
    outcomes_[index] = std::move(outcome);
    ++delivered_;
    completion_order_.push_back(index);
    if (!outcomes_[index]->ok() && failure_ == nullptr) failure_ = &*outcomes_[index];
    completes = !finishing_ && (delivered_ == tasks_ || (order_ == Order::all_at_once && failure_ != nullptr));
    if (completes) finishing_ = true;
  }
  if (completes) {
    on_complete();  // callbacks run before waiters see the job complete, as CPython's _set
    std::lock_guard lock(mutex_);
    complete_ = true;
  }
  changed_.notify_all();
}

bool Job::ready() const {
  {
    std::lock_guard lock(mutex_);
    if (complete_) return true;
  }
  // A result read by no one yet may be waiting in its worker's channel: look, without waiting.
  if (auto awaiter = awaiter_.lock()) awaiter->look(const_cast<Job&>(*this));
  std::lock_guard lock(mutex_);
  return complete_;
}

bool Job::wait(std::optional<std::chrono::duration<double>> timeout) const {
  bool complete = false;
  {
    std::lock_guard lock(mutex_);
    complete = complete_;
  }
  if (auto awaiter = complete ? nullptr : awaiter_.lock()) {
    std::optional<std::chrono::steady_clock::time_point> deadline;
    if (timeout) deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(*timeout);
    awaiter->await(const_cast<Job&>(*this), deadline);
    if (deadline) timeout = std::max(std::chrono::duration<double>(0), std::chrono::duration<double>(*deadline - std::chrono::steady_clock::now()));
  }
  std::unique_lock lock(mutex_);
  if (!timeout) {
    changed_.wait(lock, [&] { return complete_; });
    return true;
  }
  return changed_.wait_for(lock, *timeout, [&] { return complete_; });
}

bool Job::successful() const {
  (void)ready();  // reads a result that is waiting unread
  std::lock_guard lock(mutex_);
  if (!complete_) throw ValueError(not_ready_message());
  return failure_ == nullptr;
}

std::string Job::not_ready_message() const {
  char address[32];
  std::snprintf(address, sizeof address, "%p", static_cast<const void*>(this));
  return "<multiprocessing.pool." + class_name_ + " object at " + address + "> not ready";
}

std::optional<TaskOutcome> Job::next(std::optional<std::chrono::duration<double>> timeout) {
  std::unique_lock lock(mutex_);
  auto available = [&] {
    if (next_index_ >= tasks_) return true;
    if (order_ == Order::completion) return completion_order_.size() > next_index_;
    return outcomes_[next_index_].has_value();
  };
  if (!timeout) {
    changed_.wait(lock, available);
  } else if (!changed_.wait_for(lock, *timeout, available)) {
    throw TimeoutError();
  }
  if (next_index_ >= tasks_) return std::nullopt;
  std::size_t index = order_ == Order::completion ? completion_order_[next_index_] : next_index_;
  ++next_index_;
  // The iterator consumes each outcome once: hand it over instead of copying.
  return std::move(*outcomes_[index]);
}

}  // namespace mp::detail
