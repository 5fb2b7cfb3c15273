// Start-method contexts and mp::init (CPython's multiprocessing.context).
#include "mp/context.hpp"

#include <array>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>

#include "mp/errors.hpp"
#include "process_internal.hpp"

namespace mp {
namespace {

struct ContextState {
  std::mutex mutex;
  std::string actual;  // the fixed default start method; empty while not fixed (Python's None)
  bool initialized = false;
  std::string program_name = "mp";
};

ContextState& state() {
  static ContextState* instance = new ContextState;  // never destroyed: used from atexit
  return *instance;
}

const std::array<Context, 3>& contexts() {
  static const std::array<Context, 3> all = {Context("fork", "ForkProcess"), Context("spawn", "SpawnProcess"),
                                             Context("forkserver", "ForkServerProcess")};
  return all;
}

// Linux default, as CPython up to 3.13.
constexpr const char* kDefaultMethod = "fork";

}  // namespace

namespace detail {

void force_start_method(const std::string& method) {
  // Called in a new child only, where another thread of the parent may have held the mutex at
  // fork(): only this thread exists now.
  new (&state().mutex) std::mutex;
  std::lock_guard lock(state().mutex);
  state().actual = method;
}

bool initialized() noexcept { return state().initialized; }
const char* program_name() noexcept { return state().program_name.c_str(); }

}  // namespace detail

void init(int argc, char** argv) {
  ContextState& s = state();
  if (s.initialized) return;
  if (argc > 0 && argv[0] != nullptr) s.program_name = argv[0];
  s.initialized = true;
  if (argc >= 2 && std::strcmp(argv[1], "--mp-spawn-child") == 0) detail::spawn_child_main(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "--mp-forkserver") == 0) detail::forkserver_main(argc, argv);
  current_process();  // the main process object and its authkey exist from here on
  // Built once here, not in every forked child (and never later, under an fd-counting test).
  detail::lifecycle_warm_up();
  (void)detail::devnull_fd();
  detail::register_exit_function();
}

namespace detail {

void register_exit_function() {
  static std::once_flag once;
  std::call_once(once, [] { std::atexit([] { exit_function(); }); });
}

}  // namespace detail

const Context& get_context(std::string_view method) {
  std::string default_method;  // outlives the comparisons below
  if (method.empty()) {
    default_method = get_start_method();
    method = default_method;
  }
  for (const Context& ctx : contexts()) {
    if (ctx.get_start_method() == method) return ctx;
  }
  throw ValueError("cannot find context for '" + std::string(method) + "'");
}

void set_start_method(std::string_view method, bool force) {
  ContextState& s = state();
  std::lock_guard lock(s.mutex);
  if (!s.actual.empty() && !force) throw RuntimeError("context has already been set");
  if (method.empty() && force) {
    s.actual.clear();
    return;
  }
  bool known = false;
  for (const Context& ctx : contexts()) known = known || ctx.get_start_method() == method;
  if (!known) throw ValueError("cannot find context for '" + std::string(method) + "'");
  s.actual = std::string(method);
}

std::string get_start_method(bool allow_none) {
  ContextState& s = state();
  std::lock_guard lock(s.mutex);
  if (s.actual.empty()) {
    if (allow_none) return {};
    s.actual = kDefaultMethod;
  }
  return s.actual;
}

std::vector<std::string> get_all_start_methods() { return {"fork", "spawn", "forkserver"}; }

}  // namespace mp
