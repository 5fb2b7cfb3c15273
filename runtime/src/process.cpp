// mp::Process and the per-process state of CPython's multiprocessing.process: the current and
// parent process, the identity counter, the children registry.
#include "mp/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/random.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <new>

#include "mp/context.hpp"
#include "mp/errors.hpp"
#include "process_internal.hpp"

namespace mp {
namespace detail {
namespace {

struct ProcessGlobals {
  std::mutex mutex;  // guards counter and children
  int counter = 1;   // next identity component of a child (CPython's _process_counter)
  std::vector<std::shared_ptr<Popen>> children;
  Process* current = nullptr;
  // The parent_process() view, built on first use from parent_pid/parent_name (a forked child
  // that never asks pays nothing for it).
  std::mutex parent_mutex;
  std::unique_ptr<Process> parent;
  int parent_pid = 0;
  std::string parent_name;
  bool is_child = false;
};

// Set on this thread while the Process constructor builds the main process object or a parent
// view: neither takes a number from the counter.
thread_local bool making_main = false;
thread_local bool making_parent_view = false;

ProcessGlobals& globals() {
  static ProcessGlobals* instance = new ProcessGlobals;  // never destroyed: used from atexit
  return *instance;
}

std::string random_authkey() {
  std::string key(32, '\0');
  std::size_t filled = 0;
  while (filled < key.size()) {
    ssize_t n = getrandom(key.data() + filled, key.size() - filled, 0);
    if (n > 0) filled += static_cast<std::size_t>(n);
  }
  return key;
}

Process& main_process() {
  static Process* instance = [] {
    making_main = true;
    auto* p = new Process();
    making_main = false;
    return p;
  }();
  return *instance;
}

std::string join_identity(const std::vector<int>& identity) {
  std::string text;
  for (int part : identity) {
    if (!text.empty()) text += ':';
    text += std::to_string(part);
  }
  return text;
}

// Reaps finished children (CPython's process._cleanup).
void cleanup_children() {
  for (auto& child : children()) {
    if (child->poll()) discard_child(child.get());
  }
}

std::unique_ptr<Process> rebuild_plain_process(std::string_view) { return std::make_unique<Process>(); }

}  // namespace

void register_child(std::shared_ptr<Popen> child) {
  std::lock_guard lock(globals().mutex);
  globals().children.push_back(std::move(child));
}

void discard_child(const Popen* child) {
  std::lock_guard lock(globals().mutex);
  auto& list = globals().children;
  list.erase(std::remove_if(list.begin(), list.end(), [&](auto& c) { return c.get() == child; }), list.end());
}

std::vector<std::shared_ptr<Popen>> children() {
  std::lock_guard lock(globals().mutex);
  return globals().children;
}

void ProcessAccess::adopt(Process& p, const std::string& name, std::vector<int> identity, bool daemon,
                          std::string authkey, int parent_pid) {
  p.name_ = name;
  p.identity_ = std::move(identity);
  p.daemon_ = daemon;
  p.authkey_ = std::move(authkey);
  p.parent_pid_ = parent_pid;
}

void become_child(Process& self, const std::string& start_method, int parent_pid, std::string parent_name) {
  ProcessGlobals& g = globals();
  new (&g.mutex) std::mutex;  // another thread may have held it at fork()
  g.children.clear();
  g.is_child = true;
  g.current = &self;
  if (self.start_method() != start_method) ProcessAccess::set_start_method(self, start_method);
  force_start_method(start_method);
  // CPython's util._close_stdin(): the child reads /dev/null.
  if (int devnull = devnull_fd(); devnull >= 0) ::dup2(devnull, 0);
  new (&g.parent_mutex) std::mutex;
  (void)g.parent.release();  // an inherited view of the grandparent is not ours to destroy
  g.parent_pid = parent_pid;
  g.parent_name = std::move(parent_name);
  g.counter = 1;
}

void ProcessAccess::mark_parent_view(Process& p, int pid) {
  p.is_parent_view_ = true;
  p.identity_.clear();
  p.popen_ = std::make_shared<PidfdPopen>(pid, p.name_, false, /*reap=*/false);
}

bool is_child_process() noexcept { return globals().is_child; }

int devnull_fd() noexcept {
  static const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd;
}

}  // namespace detail

using detail::globals;

Process::Process() : Process(ProcessOptions{}) {}

Process::Process(ProcessOptions options) {
  detail::ProcessGlobals& g = globals();
  if (detail::making_main) {
    name_ = "MainProcess";
    authkey_ = detail::random_authkey();
    return;
  }
  if (detail::making_parent_view) {
    name_ = std::move(options.name);
    return;
  }
  Process& parent = current_process();
  {
    std::lock_guard lock(g.mutex);
    identity_ = parent.identity_;
    identity_.push_back(g.counter++);
  }
  name_was_defaulted_ = options.name.empty();
  name_ = name_was_defaulted_ ? "Process-" + detail::join_identity(identity_) : std::move(options.name);
  daemon_ = options.daemon.value_or(parent.daemon_);
  authkey_ = parent.authkey_;
  parent_pid_ = static_cast<int>(::getpid());
  if (!options.start_method.empty()) {
    get_context(options.start_method);  // ValueError for an unknown method
    start_method_ = std::move(options.start_method);
  }
}

Process::~Process() {
  if (popen_) {
    std::lock_guard lock(globals().mutex);
    if (popen_->owner == this) popen_->owner = nullptr;
  }
}

ProcessOptions Process::with_context(detail::ContextProcessTag tag, ProcessOptions options) {
  options.start_method = std::string(tag.start_method);
  return options;
}

void Process::rename_class(std::string_view class_name) {
  name_ = std::string(class_name) + "-" + detail::join_identity(identity_);
}

void Process::set_subclass_packer(SubclassPacker packer, const std::type_info& type) {
  subclass_packer_ = packer;
  if (name_was_defaulted_) rename_class(detail::short_type_name(type));
}

detail::PackedProcess Process::pack() const {
  if (subclass_packer_ != nullptr) return subclass_packer_(*this);
  if (typeid(*this) != typeid(Process)) {
    std::string cls = detail::short_type_name(typeid(*this));
    throw PicklingError("Can't pickle <class '__main__." + cls + "'>: attribute lookup " + cls +
                        " on __main__ failed");
  }
  if (target_) return target_->pack();
  return {detail::code_offset(reinterpret_cast<const void*>(&detail::rebuild_plain_process)), {}};
}

void Process::run() {
  if (target_) target_->call();
}

void Process::check_closed() const {
  if (closed_) throw ValueError("process object is closed");
}

void Process::start() {
  check_closed();
  if (popen_) throw AssertionError("cannot start a process twice");
  if (parent_pid_ != static_cast<int>(::getpid())) {
    throw AssertionError("can only start a process object created by current process");
  }
  if (current_process().daemon()) throw AssertionError("daemonic processes are not allowed to have children");
  detail::register_exit_function();  // children are joined at exit even without mp::init
  detail::cleanup_children();
  // A bootstrapping spawn child's default method is spawn in CPython (prepare() forces it first).
  const bool defaulted = start_method_.empty();
  std::string method = defaulted ? get_start_method() : start_method_;
  if (defaulted || method != "fork") detail::check_not_bootstrapping();
  start_method_ = method;
  detail::flush_std_streams();
  std::shared_ptr<detail::Popen> popen;
  if (method == "fork") {
    popen = detail::start_fork(*this);
  } else if (method == "spawn") {
    popen = detail::start_spawn(*this);
  } else {
    popen = detail::start_forkserver(*this);
  }
  popen->owner = this;
  popen_ = popen;
  detail::register_child(std::move(popen));
}

void Process::join() {
  join_seconds(std::nullopt);
}

void Process::join_seconds(std::optional<double> timeout) {
  check_closed();
  if (is_parent_view_) {
    popen_->wait_for(timeout);
    return;
  }
  if (parent_pid_ != static_cast<int>(::getpid())) throw AssertionError("can only join a child process");
  if (!popen_) throw AssertionError("can only join a started process");
  if (popen_->wait_for(timeout)) detail::discard_child(popen_.get());
}

bool Process::is_alive() {
  check_closed();
  if (this == &current_process()) return true;
  if (is_parent_view_) return !popen_->poll();
  if (parent_pid_ != static_cast<int>(::getpid())) throw AssertionError("can only test a child process");
  if (!popen_) return false;
  if (!popen_->poll()) return true;
  detail::discard_child(popen_.get());
  return false;
}

std::optional<int> Process::exitcode() {
  check_closed();
  if (!popen_ || is_parent_view_) return std::nullopt;
  return popen_->poll();
}

void Process::terminate() {
  check_closed();
  if (!popen_) throw Error("AttributeError", "'NoneType' object has no attribute 'terminate'");
  popen_->send_signal(SIGTERM);
}

void Process::kill() {
  check_closed();
  if (!popen_) throw Error("AttributeError", "'NoneType' object has no attribute 'kill'");
  popen_->send_signal(SIGKILL);
}

void Process::close() {
  if (popen_) {
    if (!popen_->poll()) {
      throw ValueError(
          "Cannot close a process while it is still running. You should first call join() or terminate().");
    }
    popen_->close();
    detail::discard_child(popen_.get());
    popen_.reset();
  }
  closed_ = true;
}

std::optional<int> Process::pid() {
  check_closed();
  if (this == &current_process()) return static_cast<int>(::getpid());
  if (!popen_) return std::nullopt;
  int pid = popen_->pid();
  if (pid <= 0) throw RuntimeError("the forkserver did not start the process");
  return pid;
}

void Process::set_daemon(bool daemon) {
  if (popen_) throw AssertionError("process has already started");
  daemon_ = daemon;
}

int Process::sentinel() {
  check_closed();
  if (!popen_) throw ValueError("process not started");
  (void)popen_->pid();  // a forkserver child's pid is read off its sentinel first
  return popen_->sentinel();
}

Process& current_process() {
  detail::ProcessGlobals& g = globals();
  if (g.current != nullptr) return *g.current;
  return detail::main_process();
}

Process* parent_process() {
  detail::ProcessGlobals& g = globals();
  std::lock_guard lock(g.parent_mutex);
  if (!g.parent && g.parent_pid != 0) {
    detail::making_parent_view = true;
    g.parent = std::make_unique<Process>(ProcessOptions{.name = g.parent_name, .daemon = false, .start_method = {}});
    detail::making_parent_view = false;
    detail::ProcessAccess::mark_parent_view(*g.parent, g.parent_pid);
  }
  return g.parent.get();
}

std::vector<Process*> active_children() {
  detail::cleanup_children();
  std::vector<Process*> owners;
  std::lock_guard lock(globals().mutex);
  for (auto& child : globals().children) {
    if (child->owner != nullptr) owners.push_back(child->owner);
  }
  return owners;
}

int cpu_count() {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

void exit(int code) {
  if (!globals().is_child) std::exit(code);
  detail::exit_function();
  detail::flush_std_streams();
  ::_exit(code);
}

}  // namespace mp
