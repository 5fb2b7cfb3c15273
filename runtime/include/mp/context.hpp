#pragma once
// Start methods and contexts, as Python's multiprocessing.context.
//
//   int main(int argc, char** argv) {
//     mp::init(argc, argv);                    // first line of main
//     mp::set_start_method("spawn");
//     auto ctx = mp::get_context("forkserver");
//     mp::Process p = ctx.Process(f, 1);       // named "ForkServerProcess-1", as CPython
//   }
//
// The default start method on Linux is "fork" (as CPython up to 3.13). The default context is
// fixed by the first get_start_method() or start() of a Process without an explicit method; after
// that set_start_method() without force throws RuntimeError("context has already been set").
// Unknown names throw ValueError("cannot find context for 'name'").
//
// Start methods:
//   fork        fork(); the child runs the target with the parent's memory.
//   spawn       posix_spawn of /proc/self/exe; mp::init() in the child receives the process object
//               over a pipe and runs it; static storage starts from its initial values.
//   forkserver  a single-threaded server (a fresh exec of this executable, so its statics are
//               initial) started on first use forks each child; requests travel over a Unix socket
//               in a private 0700 directory, authenticated by an HMAC challenge on the authkey.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mp/process.hpp"

namespace mp {

class Manager;

// The `if __name__ == "__main__":` of C++: call first in main(). In a spawn or forkserver child
// (and in the forkserver itself) it runs the child's work and never returns. In the main process it
// registers the exit sequence (lifecycle.hpp) with atexit. Idempotent.
void init(int argc, char** argv);

// A start method with the same factories as the module (Python's ForkContext, SpawnContext...).
class Context {
 public:
  // "fork", "spawn" or "forkserver".
  const std::string& get_start_method() const noexcept { return method_; }

  // A Process bound to this start method, named "ForkProcess-N" / "SpawnProcess-N" /
  // "ForkServerProcess-N" as CPython's context classes.
  template <class F, class... Args>
  mp::Process Process(F&& fn, Args&&... args) const {
    return mp::Process(tag(), ProcessOptions{}, std::forward<F>(fn), std::forward<Args>(args)...);
  }
  template <class F, class... Args>
  mp::Process Process(ProcessOptions options, F&& fn, Args&&... args) const {
    return mp::Process(tag(), std::move(options), std::forward<F>(fn), std::forward<Args>(args)...);
  }

  // A started manager whose server uses this start method (managers.hpp).
  mp::Manager Manager() const;

  explicit Context(std::string method, std::string class_name)
      : method_(std::move(method)), class_name_(std::move(class_name)) {}

 private:
  detail::ContextProcessTag tag() const { return {class_name_, method_}; }
  std::string method_;
  std::string class_name_;
};

// The context of a start method; with an empty name, the default context (fixing it, as
// get_context() does in CPython). ValueError("cannot find context for 'name'") if unknown.
const Context& get_context(std::string_view method = {});
// RuntimeError("context has already been set") if the default context is fixed and !force.
void set_start_method(std::string_view method, bool force = false);
// The default start method (fixing it); with allow_none, "" while it is not fixed yet.
std::string get_start_method(bool allow_none = false);
// {"fork", "spawn", "forkserver"}: the default first, as CPython on Linux.
std::vector<std::string> get_all_start_methods();

}  // namespace mp
