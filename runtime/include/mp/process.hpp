#pragma once
// mp::Process: a target run in another process, as Python's multiprocessing.Process.
//
//   void work(int n, std::string s);
//   mp::Process p(work, 3, std::string("x"));                 // name "Process-1"
//   mp::Process q(mp::ProcessOptions{.name = "w", .daemon = true}, work, 4, std::string("y"));
//   p.start(); p.join(); *p.exitcode() == 0;
//
// How the target reaches the child depends on the start method (see context.hpp):
//   fork        nothing is serialized: the child runs the stored callable with the stored
//               arguments, inherited with the memory (capturing lambdas work, globals are as the
//               parent left them).
//   spawn,      the child is a fresh exec of this executable (statics at their initial values);
//   forkserver  the target travels by identity and the arguments by value (function_identity.hpp).
//               What cannot travel (a capturing lambda, an argument without cereal serialize())
//               compiles, and start() throws PicklingError / TypeError as CPython does.
//
// Subclassing with an overridden run(), as Python's `class Worker(Process)`: derive from
// mp::ProcessSubclass<Worker> (CRTP). Under spawn and forkserver the child rebuilds a Worker by
// its default constructor, then loads its members through Worker::serialize(Archive&) if it has
// one (the Process base state — name, daemon, authkey — travels separately):
//
//   struct Worker : mp::ProcessSubclass<Worker> {
//     int n = 0;
//     Worker() = default;
//     explicit Worker(int n) : n(n) {}
//     void run() override { std::cout << n << "\n"; }
//     template <class A> void serialize(A& a) { a(n); }
//   };
//   Worker w(5); w.start(); w.join();                           // name "Worker-1"
//
// Exit codes, as CPython: 0 when run() returns; n after mp::exit(n); 1 when run() throws (stderr
// gets "Process <name>:", a "Traceback (most recent call last):" block and "<Type>: <message>");
// -signal when killed. Before the child exits it runs the exit sequence of lifecycle.hpp (its
// daemon children terminated, the others joined) and flushes stdout and std::cout.
//
// Orphans, as CPython: a child outlives a parent that ends without running that exit sequence
// (SIGKILL, a crash, _exit), daemon or not, and runs until it ends by itself. mp does not kill it:
// a Process's work may be meant to finish (it can write files, talk to others), unlike a pool
// worker's, whose only reader is gone (pool.hpp). A child that must not outlive its parent can
// wait on parent_process()->sentinel(), which becomes readable when the parent ends.
//
// Misuse throws what CPython raises, with its message: AssertionError "cannot start a process
// twice", "daemonic processes are not allowed to have children", "can only join a started
// process", "can only join a child process", "can only test a child process", "process has
// already started"; ValueError "process object is closed", "process not started", "Cannot close
// a process while it is still running. You should first call join() or terminate()."
//
// Thread-safety: one Process object is used by one thread at a time (as in CPython).

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

#include "mp/detail/function_identity.hpp"
#include "mp/detail/process_target.hpp"

namespace mp {

struct ProcessOptions {
  std::string name;            // empty: "<Class>-N" (nested children "Process-1:1"), as CPython
  std::optional<bool> daemon;  // empty: inherit current_process().daemon()
  std::string start_method;    // "fork" | "spawn" | "forkserver"; empty: the default context's
                               // method (set_start_method / get_start_method), read at start()
};

class Process {
 public:
  // A process that runs nothing (run() returns at once); for subclasses.
  Process();
  explicit Process(ProcessOptions options);

  // fn(args...) in the child. Arguments are stored by value (decay-copied), as Python keeps them.
  template <class F, class... Args>
    requires std::invocable<std::decay_t<F>&, std::decay_t<Args>&...>
  explicit Process(F&& fn, Args&&... args) : Process(ProcessOptions{}, std::forward<F>(fn), std::forward<Args>(args)...) {}

  template <class F, class... Args>
    requires std::invocable<std::decay_t<F>&, std::decay_t<Args>&...>
  Process(ProcessOptions options, F&& fn, Args&&... args) : Process(std::move(options)) {
    target_ = std::make_unique<detail::BoundTarget<std::decay_t<F>, std::decay_t<Args>...>>(
        std::forward<F>(fn), std::forward<Args>(args)...);
  }

  // What Context::Process uses: as above, named "<ctx class>-N" and bound to that start method.
  template <class F, class... Args>
  Process(detail::ContextProcessTag tag, ProcessOptions options, F&& fn, Args&&... args)
      : Process(with_context(tag, std::move(options)), std::forward<F>(fn), std::forward<Args>(args)...) {
    if (name_was_defaulted_) rename_class(tag.class_name);
  }

  // Destroying a started Process neither waits for nor kills the child: it stays in the children
  // of this process and is joined (or, if daemon, terminated) at exit, as in CPython.
  virtual ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // The child's work: calls the target. Calling it directly runs it in the caller.
  virtual void run();

  void start();
  // Waits for the child to end. With a timeout, returns after at most that long whether or not it
  // ended; a negative timeout counts as 0 (only looks), as CPython's join(timeout=-1).
  void join();
  template <class Rep, class Period>
  void join(std::chrono::duration<Rep, Period> timeout) {
    join_seconds(std::max(0.0, std::chrono::duration<double>(timeout).count()));
  }
  bool is_alive();
  // Empty while running or not started; 0, the mp::exit() code, 1 after an exception, -signal.
  std::optional<int> exitcode();
  void terminate();  // SIGTERM
  void kill();       // SIGKILL
  // Releases the process's resources (sentinel). ValueError while it runs; later uses throw
  // ValueError("process object is closed").
  void close();

  // Empty before start(); the current process's own pid in it. A forkserver child's pid comes
  // from the server: the first call after start() may wait for it (RuntimeError if the server
  // could not fork).
  std::optional<int> pid();
  std::optional<int> ident() { return pid(); }
  const std::string& name() const noexcept { return name_; }
  void set_name(std::string name) { name_ = std::move(name); }
  bool daemon() const noexcept { return daemon_; }
  void set_daemon(bool daemon);  // before start() only
  // A descriptor that becomes readable when the process ends (pollable; owned by the Process).
  int sentinel();
  // The authentication key (bytes; 32 random bytes in the main process, inherited by children).
  const std::string& authkey() const noexcept { return authkey_; }
  void set_authkey(std::string key) { authkey_ = std::move(key); }
  // The start method this object was (or will be) started with; empty until decided.
  const std::string& start_method() const noexcept { return start_method_; }

 protected:
  // ProcessSubclass<Derived> installs how a Derived travels to a spawn/forkserver child.
  using SubclassPacker = detail::PackedProcess (*)(const Process& self);
  void set_subclass_packer(SubclassPacker packer, const std::type_info& type);

 private:
  friend struct detail::ProcessAccess;
  static ProcessOptions with_context(detail::ContextProcessTag tag, ProcessOptions options);
  void rename_class(std::string_view class_name);
  void join_seconds(std::optional<double> timeout_s);  // nullopt waits forever
  void check_closed() const;
  detail::PackedProcess pack() const;

  std::unique_ptr<detail::ProcessTarget> target_;
  SubclassPacker subclass_packer_ = nullptr;
  std::string name_;
  std::vector<int> identity_;  // (1,) for Process-1, (1, 1) for its first child
  bool name_was_defaulted_ = false;
  bool daemon_ = false;
  std::string start_method_;
  std::string authkey_;
  int parent_pid_ = 0;  // pid of the process that created this object
  bool closed_ = false;
  bool is_parent_view_ = false;  // the object parent_process() returns
  std::shared_ptr<detail::Popen> popen_;
};

// CRTP base for Process subclasses that override run() and must run under spawn/forkserver.
// Derived must be default-constructible; its members travel through Derived::serialize(Archive&)
// when it has one, and are otherwise default-constructed in the child.
template <class Derived>
class ProcessSubclass : public Process {
 public:
  ProcessSubclass() : Process() { install(); }
  explicit ProcessSubclass(ProcessOptions options) : Process(std::move(options)) { install(); }

 private:
  static std::unique_ptr<Process> rebuild(std::string_view payload) {
    auto object = std::make_unique<Derived>();
    if constexpr (Serializable<Derived>) {
      std::istringstream in(std::string(payload), std::ios::binary);
      cereal::BinaryInputArchive archive(in);
      archive(*object);
    }
    return object;
  }
  static detail::PackedProcess pack_derived(const Process& self) {
    static_assert(std::is_default_constructible_v<Derived>,
                  "mp::ProcessSubclass<Derived>: Derived must be default-constructible");
    detail::PackedProcess packed;
    packed.factory = detail::code_offset(reinterpret_cast<const void*>(&rebuild));
    if constexpr (Serializable<Derived>) packed.payload = dumps(static_cast<const Derived&>(self));
    return packed;
  }
  void install() { set_subclass_packer(&pack_derived, typeid(Derived)); }
};

// The process running this code (the main process: "MainProcess").
Process& current_process();
// The process that started this one; nullptr in the main process. Its is_alive() and join() work.
Process* parent_process();
// Children of this process still running (finished ones are reaped first, as in CPython). Only
// children whose Process object still exists are listed.
std::vector<Process*> active_children();
// Number of CPUs online (os.cpu_count()).
int cpu_count();
// Ends this process with `code` now, like sys.exit(code) reaching the top: runs the exit sequence
// of lifecycle.hpp, flushes stdout/std::cout. The stack is not unwound. In the main process this is
// std::exit(code) (atexit handlers and static destructors run).
[[noreturn]] void exit(int code);

}  // namespace mp
