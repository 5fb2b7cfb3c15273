// Finalizers, after-fork hooks and the exit sequence (CPython's multiprocessing.util).
#include "mp/detail/lifecycle.hpp"

#include <signal.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <iostream>
#include <ext/stdio_sync_filebuf.h>
#include <stdio_ext.h>
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

namespace {

// Flushes `stream` unless it writes straight through to a C stream (the default,
// sync_with_stdio(true)): then the fflush below covers it.
void flush_unless_stdio_synced(std::ostream& stream) {
#ifdef __GLIBCXX__
  if (dynamic_cast<__gnu_cxx::stdio_sync_filebuf<char>*>(stream.rdbuf()) != nullptr) return;
#endif
  stream.flush();
}

// fflush only when bytes are pending: an idle fflush still takes the FILE lock, i.e. writes to a
// page a forked child would otherwise have kept shared.
void flush_if_pending(FILE* file) {
  if (__fpending(file) > 0) std::fflush(file);
}

}  // namespace

void flush_std_streams() noexcept {
  try {
    flush_unless_stdio_synced(std::cout);
    flush_unless_stdio_synced(std::cerr);
    flush_unless_stdio_synced(std::clog);
  } catch (...) {
  }
  flush_if_pending(stdout);
  flush_if_pending(stderr);
}

void lifecycle_warm_up() { (void)registry(); }

}  // namespace mp::detail
