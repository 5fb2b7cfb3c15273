// CPython's reprs of the synchronization primitives (multiprocessing/synchronize.py __repr__).
#include <unistd.h>

#include <cstdio>
#include <string>

#include "mp/process.hpp"
#include "mp/synchronize.hpp"

namespace mp {
namespace detail {
namespace {

// Python's owner name: the process name, plus "|thread" off the main thread.
std::string own_name() {
  std::string name = current_process().name();
  if (current_tid() != getpid()) name.append("|").append(std::to_string(current_tid()));
  return name;
}

bool is_thread_of_this_process(pid_t tid) {
  std::string path = "/proc/self/task/";
  path.append(std::to_string(tid));
  return tid > 0 && access(path.c_str(), F_OK) == 0;
}

}  // namespace

std::string SemLock::repr(std::string_view semaphore_class) const {
  if (kind_ == SemKind::semaphore) {
    std::string text = "<";
    text.append(semaphore_class).append("(value=").append(std::to_string(value()));
    if (semaphore_class != "Semaphore") text.append(", maxvalue=").append(std::to_string(maxvalue()));
    return text.append(")>");
  }
  // Initialized, not assigned: GCC 12 warns (-Wrestrict, a false positive) on short assigns.
  const bool mine = is_mine();
  const bool free = !mine && value() == 1;
  const bool other_thread =
      !mine && !free && is_thread_of_this_process(state_->owner.load(std::memory_order_relaxed));
  std::string owner = mine ? own_name() : free ? "None" : other_thread ? "SomeOtherThread" : "SomeOtherProcess";
  std::string count = mine ? std::to_string(this->count()) : free ? "0" : "nonzero";
  std::string text = kind_ == SemKind::lock ? "<Lock(owner=" : "<RLock(";
  text.append(owner);
  if (kind_ == SemKind::rlock) text.append(", ").append(count);
  return text.append(")>");
}

}  // namespace detail

std::string Condition::repr() const {
  auto waiters = static_cast<long>(sleeping_.value()) - static_cast<long>(woken_.value());
  std::string text = "<Condition(";
  return text.append(lock_.repr()).append(", ").append(std::to_string(waiters)).append(")>");
}

namespace {

std::string address_of(const void* address) {
  char text[32];
  std::snprintf(text, sizeof text, "%p", address);
  return text;
}

}  // namespace

std::string Event::repr() const {
  std::string text = "<Event at ";
  return text.append(address_of(state_)).append(is_set() ? " set>" : " unset>");
}

std::string Barrier::repr() const {
  std::string text = "<multiprocessing.synchronize.Barrier at ";
  text.append(address_of(state_)).append(":");
  if (broken()) return text.append(" broken>");
  return text.append(" waiters=")
      .append(std::to_string(n_waiting()))
      .append("/")
      .append(std::to_string(parties()))
      .append(">");
}

}  // namespace mp
