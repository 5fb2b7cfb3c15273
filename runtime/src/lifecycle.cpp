// Finalizers, after-fork hooks and the exit sequence (CPython's multiprocessing.util).
#include "mp/detail/lifecycle.hpp"

#include <pthread.h>
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
  std::uint64_t next_hook_id = 1;           // likewise
  std::map<std::uint64_t, std::function<void()>> after_fork;
};

Registry& registry() {
  static Registry* instance = [] {
    auto* r = new Registry;  // never destroyed: used from atexit
    // fork() waits for the registry to be consistent (no other thread inside a registration), so
    // a forked child finds whole maps; the forking thread, the child's only one, holds the mutex
    // there and lets it go.
    pthread_atfork([] { registry().mutex.lock(); }, [] { registry().mutex.unlock(); },
                   [] { registry().mutex.unlock(); });
    return r;
  }();
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
  std::function<void()> fn;  // destroyed after the mutex is released
  {
    std::lock_guard lock(r.mutex);
    auto it = r.finalizers.find(id);
    if (it == r.finalizers.end()) return;
    fn = std::move(it->second.fn);
    r.finalizers.erase(it);
  }
}

namespace {

std::uint64_t add_after_fork_hook(std::function<void()> fn) {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  std::uint64_t id = r.next_hook_id++;
  r.after_fork.emplace(id, std::move(fn));
  return id;
}

}  // namespace

void register_after_fork(std::function<void()> fn) { (void)add_after_fork_hook(std::move(fn)); }

AfterForkHook::AfterForkHook(std::function<void()> fn) : id_(add_after_fork_hook(std::move(fn))) {}

AfterForkHook& AfterForkHook::operator=(AfterForkHook&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = other.id_;
    other.id_ = 0;
  }
  return *this;
}

void AfterForkHook::reset() noexcept {
  if (id_ == 0) return;
  Registry& r = registry();
  std::function<void()> fn;  // destroyed after the mutex is released
  {
    std::lock_guard lock(r.mutex);
    if (auto it = r.after_fork.find(id_); it != r.after_fork.end()) {
      fn = std::move(it->second);
      r.after_fork.erase(it);
    }
  }
  id_ = 0;
}

std::size_t after_fork_hook_count() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return r.after_fork.size();
}

std::size_t finalizer_count() {
  Registry& r = registry();
  std::lock_guard lock(r.mutex);
  return r.finalizers.size();
}

void after_fork_in_child() {
  Registry& r = registry();
  std::vector<std::uint64_t> ids;
  std::map<FinalizerId, Finalizer> inherited;  // destroyed without the mutex held
  {
    std::lock_guard lock(r.mutex);
    inherited.swap(r.finalizers);
    ids.reserve(r.after_fork.size());
    for (const auto& entry : r.after_fork) ids.push_back(entry.first);
  }
  exiting.store(false);
  // A hook may register or unregister hooks: each is looked up afresh, run without the mutex.
  for (std::uint64_t id : ids) {
    std::function<void()> hook;
    {
      std::lock_guard lock(r.mutex);
      auto it = r.after_fork.find(id);
      if (it == r.after_fork.end()) continue;
      hook = it->second;
    }
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
// sync_with_stdio(true)): then the fflush below covers it. `synced` is the buffer last found to be
// such a stdio_sync_filebuf (the standard streams' own live as long as the program), so a forked
// child, whose parent flushed before fork(), skips the dynamic_cast and the libstdc++ code page it
// would fault in.
void flush_unless_stdio_synced(std::ostream& stream, std::atomic<std::streambuf*>& synced) {
  std::streambuf* buffer = stream.rdbuf();
#ifdef __GLIBCXX__
  if (buffer != nullptr && buffer == synced.load(std::memory_order_relaxed)) return;
  if (dynamic_cast<__gnu_cxx::stdio_sync_filebuf<char>*>(buffer) != nullptr) {
    synced.store(buffer, std::memory_order_relaxed);
    return;
  }
#else
  (void)synced;
#endif
  stream.flush();
}

// fflush only when bytes are pending: an idle fflush still takes the FILE lock, i.e. writes to a
// page a forked child would otherwise have kept shared. (glibc: __fpending's own test, inline, so
// that a child does not fault in the libc code page of __fpending.)
void flush_if_pending(FILE* file) {
#ifdef __GLIBC__
  const bool pending = file->_IO_write_ptr > file->_IO_write_base;
#else
  const bool pending = __fpending(file) > 0;
#endif
  if (pending) std::fflush(file);
}

std::atomic<std::streambuf*> cout_synced{nullptr}, cerr_synced{nullptr}, clog_synced{nullptr};

}  // namespace

void flush_std_streams() noexcept {
  try {
    flush_unless_stdio_synced(std::cout, cout_synced);
    flush_unless_stdio_synced(std::cerr, cerr_synced);
    flush_unless_stdio_synced(std::clog, clog_synced);
  } catch (...) {
  }
  flush_if_pending(stdout);
  flush_if_pending(stderr);
}

void lifecycle_warm_up() { (void)registry(); }

}  // namespace mp::detail
