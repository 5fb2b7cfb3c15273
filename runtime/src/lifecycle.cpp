// Finalizers, after-fork hooks and the exit sequence (CPython's multiprocessing.util).
#include "mp/detail/lifecycle.hpp"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <mutex>
#include <new>
#include <optional>
#include <vector>

#include "mp/errors.hpp"
#include "process_internal.hpp"

namespace mp::detail {
namespace {

struct Finalizer {
  int priority;
  std::function<void()> fn;
};

struct Registry {
  std::mutex mutex;
  FinalizerId next_id = 1;                  // ids grow with registration order
  std::map<FinalizerId, Finalizer> finalizers;
  std::vector<std::function<void()>> after_fork;
};

Registry& registry() {
  static Registry* instance = new Registry;  // never destroyed: used from atexit
  return *instance;
}

std::atomic<bool> exiting{false};

void report_finalizer_error(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    std::fprintf(stderr, "Error in finalizer: %s\n", e.str().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "Error in finalizer: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "Error in finalizer\n");
  }
}

// CPython's util._run_finalizers(minpriority): highest priority first, then last registered first.
void run_finalizers(std::optional<int> min_priority) {
  for (;;) {
    std::function<void()> fn;
    {
      Registry& r = registry();
      std::lock_guard lock(r.mutex);
      auto best = r.finalizers.end();
      for (auto it = r.finalizers.begin(); it != r.finalizers.end(); ++it) {
        if (min_priority && it->second.priority < *min_priority) continue;
        if (best == r.finalizers.end() || it->second.priority >= best->second.priority) best = it;
      }
      if (best == r.finalizers.end()) return;
      fn = std::move(best->second.fn);
      r.finalizers.erase(best);
    }
    try {
      fn();
    } catch (...) {
      report_finalizer_error(std::current_exception());
    }
  }
}

}  // namespace

FinalizerId register_finalizer(int priority, std::function<void()> fn) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  FinalizerId id = r.next_id++;
  r.finalizers.emplace(id, Finalizer{priority, std::move(fn)});
  return id;
}

void run_finalizer(FinalizerId id) {
  std::function<void()> fn;
  {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    auto it = r.finalizers.find(id);
    if (it == r.finalizers.end()) return;
    fn = std::move(it->second.fn);
    r.finalizers.erase(it);
  }
  fn();
}

void cancel_finalizer(FinalizerId id) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.finalizers.erase(id);
}

void register_after_fork(std::function<void()> fn) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  r.after_fork.push_back(std::move(fn));
}

void after_fork_in_child() {
  Registry& r = registry();
  // Another thread of the parent may have held the mutex at fork(): only this thread exists now.
  new (&r.mutex) std::mutex;
  r.finalizers.clear();
  exiting.store(false);
  std::vector<std::function<void()>> hooks = r.after_fork;
  for (auto& hook : hooks) {
    try {
      hook();
    } catch (...) {
      report_finalizer_error(std::current_exception());
    }
  }
}

// CPython's util._exit_function.
void exit_function() {
  if (exiting.exchange(true)) return;
  run_finalizers(0);
  std::vector<std::shared_ptr<Popen>> running = children();
  for (auto& child : running) {
    if (child->daemon() && !child->poll()) child->send_signal(SIGTERM);
  }
  for (auto& child : running) {
    child->wait_for(std::nullopt);
    discard_child(child.get());
  }
  run_finalizers(std::nullopt);
}

void flush_std_streams() noexcept {
  try {
    std::cout.flush();
    std::cerr.flush();
    std::clog.flush();
  } catch (...) {
  }
  std::fflush(stdout);
  std::fflush(stderr);
}

}  // namespace mp::detail
