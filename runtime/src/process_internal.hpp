#pragma once
// Internals shared by the Process implementation files (not a public header): the per-start-method
// child handles (Popen, as CPython's popen_*.py), the children registry, the preparation data sent
// to spawn/forkserver children, and the child bootstrap.

#include <sys/types.h>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "mp/process.hpp"

namespace mp::detail {

// A started child, as seen by its parent. Thread-safe.
class Popen {
 public:
  Popen(int pid, std::string name, bool daemon) : pid_(pid), name_(std::move(name)), daemon_(daemon) {}
  virtual ~Popen() = default;
  Popen(const Popen&) = delete;
  Popen& operator=(const Popen&) = delete;

  // The child's pid; -1 if it never became known (the forkserver could not fork). A forkserver
  // child's pid arrives from the server after start() returned: the first call may wait for it.
  int pid() {
    std::call_once(pid_once_, [this] {
      if (pid_ == 0) pid_ = receive_pid();
    });
    return pid_;
  }
  const std::string& name() const noexcept { return name_; }
  bool daemon() const noexcept { return daemon_; }

  // The exit code (0, n, -signal) once the child has ended, without blocking.
  std::optional<int> poll() { return wait_for(0.0); }
  // Waits up to timeout_s seconds (forever if empty) for the child to end.
  std::optional<int> wait_for(std::optional<double> timeout_s);
  // Sends sig unless the child is known to have ended (CPython's Popen._send_signal).
  void send_signal(int sig);
  // Readable once the child has ended (call pid() first: until then a forkserver child's
  // sentinel also carries its pid).
  virtual int sentinel() const noexcept = 0;
  // Releases the sentinel; the Popen is unusable afterwards.
  virtual void close() noexcept = 0;

  // The Process object standing for this child, or nullptr once it is destroyed.
  Process* owner = nullptr;

 protected:
  // The exit code, once the sentinel is readable (called with the mutex held, once).
  virtual std::optional<int> collect() = 0;
  // Called once by pid() when the constructor was given pid 0; returns the pid or -1.
  virtual int receive_pid() { return -1; }
  // Sets the pid before anything asked for it (PidfdPopen::attach).
  void set_pid(int pid) noexcept { pid_ = pid; }

 private:
  std::once_flag pid_once_;
  int pid_;
  std::string name_;
  bool daemon_;
  std::mutex mutex_;
  std::optional<int> returncode_;
};

// The child of fork or spawn: a direct child, waited for with a pidfd and waitpid.
class PidfdPopen final : public Popen {
 public:
  // Opens the pidfd. reap=false for a process that is not our child (the parent_process() view):
  // its end is observed, not waited for, and its exit code is unknown.
  PidfdPopen(int pid, std::string name, bool daemon, bool reap = true);
  // Allocated before fork() (pid 0), attached to the child after: the parent then writes to fewer
  // pages while they are still shared with the child.
  PidfdPopen(std::string name, bool daemon) : Popen(0, std::move(name), daemon) {}
  void attach(int pid);
  ~PidfdPopen() override { close(); }
  int sentinel() const noexcept override { return pidfd_; }
  void close() noexcept override;

 protected:
  std::optional<int> collect() override;

 private:
  int pidfd_ = -1;
  bool reap_ = true;
};

// Exit code from a wait status: the exit status, or -signal.
int exitcode_from_status(int status) noexcept;
// Waits until fd is readable, up to timeout_s (forever if empty). True if readable.
bool wait_readable(int fd, std::optional<double> timeout_s);

// What a spawn or forkserver child needs before it can rebuild and run its process object.
struct Preparation {
  std::string name;
  std::vector<int> identity;
  bool daemon = false;
  std::string authkey;
  std::string start_method;  // the child's default context
  int parent_pid = 0;
  std::string parent_name;
  std::string cwd;
  PackedProcess process;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(name, identity, daemon, authkey, start_method, parent_pid, parent_name, cwd, process);
  }
};

// The preparation data of `process` for a child started by `start_method`; the descriptors its
// serialization exported (fd_transfer.hpp) are appended to exported_fds, in index order.
// Throws PicklingError / TypeError when the process object cannot travel.
Preparation prepare(Process& process, const std::string& start_method, std::vector<int>& exported_fds);
// Rebuilds, adopts and runs the process object a spawn/forkserver child received; never returns.
// received_fds: the child's descriptors for the exported ones, in index order.
[[noreturn]] void run_prepared_child(Preparation& prep, std::vector<int> received_fds, bool after_fork);

// Access to Process internals for the implementation files.
struct ProcessAccess {
  static std::vector<int>& identity(Process& p) { return p.identity_; }
  static std::shared_ptr<Popen>& popen(Process& p) { return p.popen_; }
  static PackedProcess pack(const Process& p) { return p.pack(); }
  static void set_start_method(Process& p, std::string method) { p.start_method_ = std::move(method); }
  // Makes `p` the current process of a new child (CPython's _bootstrap prologue).
  static void adopt(Process& p, const std::string& name, std::vector<int> identity, bool daemon,
                    std::string authkey, int parent_pid);
  // Turns p into the view parent_process() returns.
  static void mark_parent_view(Process& p, int pid);
};

// context.cpp: makes `method` the default start method of this new child process (only there:
// it re-initializes the context lock, which a forked child may have inherited locked).
void force_start_method(const std::string& method);
bool is_child_process() noexcept;

// The children registry of this process (CPython's process._children).
void register_child(std::shared_ptr<Popen> child);
void discard_child(const Popen* child);
std::vector<std::shared_ptr<Popen>> children();

// In a new child: registry emptied, counter reset, current/parent process set, stdin on
// /dev/null, default start method forced (CPython's _bootstrap prologue). parent_pidfd is the
// parent's pidfd when the caller has one (-1: opened lazily).
void become_child(Process& self, const std::string& start_method, int parent_pid, std::string parent_name);

// Runs self.run() and the exit sequence, prints an uncaught exception as CPython does, flushes and
// _exit()s with CPython's exit code. after_fork: clear inherited finalizers and run after-fork hooks.
[[noreturn]] void run_child(Process& self, bool after_fork);

// A read-only /dev/null descriptor (close-on-exec), opened once per process: a child's stdin.
int devnull_fd() noexcept;

// Flushes stdout, stderr and the C++ streams (before fork, and before _exit).
void flush_std_streams() noexcept;

// Start methods (popen_fork.cpp, spawn_posix.cpp, forkserver_posix.cpp).
std::shared_ptr<Popen> start_fork(Process& process);
std::shared_ptr<Popen> start_spawn(Process& process);
std::shared_ptr<Popen> start_forkserver(Process& process);

// Entry points for mp::init: never return.
[[noreturn]] void spawn_child_main(int argc, char** argv);
[[noreturn]] void forkserver_main(int argc, char** argv);
bool initialized() noexcept;
// Registers exit_function() with atexit, once (by mp::init, or by the first start() without it).
void register_exit_function();
const char* program_name() noexcept;
// CPython's spawn._check_not_importing_main: in a spawn child or the forkserver before mp::init has
// run (code in main() ahead of mp::init, or a global constructor: the analog of module code outside
// `if __name__ == "__main__":`), starting a spawn or forkserver process (or one of the default
// method, which is spawn in such a CPython child) raises CPython's
// RuntimeError "An attempt has been made to start a new process before the current process has
// finished its bootstrapping phase. ..." instead of executing one more child that does the same.
void check_not_bootstrapping();

// lifecycle.cpp: CPython's util._exit_function (idempotent), and the fork-child reset.
// lifecycle_warm_up() builds the registries in the parent, so a forked child does not allocate
// them (each child would otherwise, and pay copy-on-write faults for it).
void exit_function();
void after_fork_in_child();
void lifecycle_warm_up();

}  // namespace mp::detail
