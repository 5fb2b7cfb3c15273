// Launcher::run: one program run, from fork to the last reaped orphan.

#include "launcher.hpp"

#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/process/v2/posix/default_launcher.hpp>
#include <boost/process/v2/posix/vfork_launcher.hpp>
#include <boost/process/v2/process.hpp>
#include <boost/process/v2/start_dir.hpp>
#include <boost/process/v2/stdio.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <set>
#include <thread>

#include "captured_output.hpp"
#include "child_watch.hpp"
#include "default_signal_state.hpp"
#include "eintr.hpp"
#include "launch_flows.hpp"
#include "orphan_reaper.hpp"
#include "pid_namespace.hpp"
#include "process_tree.hpp"
#include "run_leftovers.hpp"
#include "shm_sandbox.hpp"
#include "stack_dump.hpp"
#include "tree_quiescence.hpp"

extern char** environ;

namespace parity::embedded {
// sitecustomize.py, embedded at build time (harness/CMakeLists.txt, cmake/EmbedText.cmake).
extern const char sitecustomize_py[];
}  // namespace parity::embedded

namespace parity {
namespace {

namespace bp = boost::process::v2;
using Clock = std::chrono::steady_clock;

constexpr std::chrono::seconds kill_bound{5};  // SIGKILL delivery and reaping, worst case

std::string next_run_id() {
  static std::atomic<unsigned long> counter{0};
  return std::to_string(::getpid()) + "_" + std::to_string(++counter);
}

std::string env_value(const std::map<std::string, std::string>& overrides, const char* name) {
  if (auto it = overrides.find(name); it != overrides.end()) return it->second;
  const char* value = ::getenv(name);
  return value ? value : "";
}

// argv[0] as execve needs it: as given if it has a '/', else the first executable on PATH.
std::optional<std::string> resolve_executable(const std::string& name, const std::string& path) {
  if (name.find('/') != std::string::npos) return name;
  std::string_view rest = path.empty() ? std::string_view("/usr/local/bin:/usr/bin:/bin") : path;
  while (true) {
    auto colon = rest.find(':');
    std::string dir(rest.substr(0, colon));
    std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0 && !std::filesystem::is_directory(candidate))
      return candidate;
    if (colon == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(colon + 1);
  }
}

// Boost.Process v2 initializer: the run's environment, and in the child before exec its own
// process group, default signal dispositions and mask (an ignored SIGPIPE or a blocked signal in
// the harness must not leak into the case), and its private /dev/shm.
struct RunChildSetup {
  const char* const* env;
  const ShmSandbox* shm;

  bp::error_code on_setup(bp::posix::default_launcher& launcher, const bp::filesystem::path&,
                          const char* const*) {
    launcher.env = env;
    return {};
  }
  // Runs in the vfork()ed child: system calls only (no allocation, no locks).
  bp::error_code on_exec_setup(bp::posix::default_launcher&, const bp::filesystem::path&,
                               const char* const*) {
    if (::setpgid(0, 0) != 0) return bp::error_code(errno, bp::system_category());
    reset_signal_state();
    rlimit no_core{0, 0};  // a crashing case leaves no core file in its directory
    ::setrlimit(RLIMIT_CORE, &no_core);
    shm->enter_in_child();
    return {};
  }
  // Boost.Process reports the failure to the parent, then would call exit(), running the harness's
  // atexit handlers and static destructors in the child (removing the launcher's directory):
  // leave at once instead. (Variadic: Boost 1.81 detects this hook with a different argument list
  // than it calls it with.)
  template <typename... Args>
  void on_exec_error(bp::posix::default_launcher&, Args&&...) {
    ::_exit(127);
  }
};

// One run's processes, found through the harness's subtree (see launcher.hpp).
class RunTree {
 public:
  RunTree(int main_pid, std::string marker) : main_pid_(main_pid), marker_(std::move(marker)) {}

  // Every process of the run, zombies included, main process included while unreaped: those the
  // walk finds now, plus those found before that are now children of the harness (a process
  // that is exiting no longer shows its environment, so a setsid() one is recognized only by
  // having been seen before).
  std::vector<int> processes() const {
    std::vector<int> found;
    const int harness = ::getpid();
    for (int child : proc::children_of(harness)) {
      bool ours = child == main_pid_ || known_.count(child) != 0;
      if (!ours) {
        auto stat = proc::read_stat(child);
        ours = stat && (stat->pgid == main_pid_ || proc::environ_contains(child, marker_));
      }
      if (!ours) continue;
      found.push_back(child);
      auto below = proc::descendants_of(child);
      found.insert(found.end(), below.begin(), below.end());
    }
    for (int pid : found)
      if (pid != main_pid_) known_.insert(pid);
    return found;
  }

  std::vector<int> alive() const {
    std::vector<int> living;
    for (int pid : processes()) {
      auto stat = proc::read_stat(pid);
      if (stat && !stat->zombie()) living.push_back(pid);
    }
    return living;
  }

  void signal_all(int sig) const {
    ::kill(-main_pid_, sig);  // the group: also members not (yet) visible in the tree walk
    for (int pid : alive()) ::kill(pid, sig);
  }

  // Polls until nothing of the run is alive or the deadline; true if nothing is.
  bool wait_all_dead(Clock::time_point deadline) const {
    while (!alive().empty()) {
      if (Clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
  }

  // SIGKILL until nothing is alive (a process may fork while being killed), bounded.
  void kill_all() const {
    auto deadline = Clock::now() + kill_bound;
    do signal_all(SIGKILL);
    while (!wait_all_dead(std::min(deadline, Clock::now() + std::chrono::milliseconds(50))) &&
           Clock::now() < deadline);
  }

  // Reaps the run's zombies (its main process excepted), bounded: each either reaped here or by
  // a concurrent sweep, or gone.
  void reap_all(OrphanUsage& usage) const {
    auto deadline = Clock::now() + kill_bound;
    for (;;) {
      bool pending = false;
      for (int pid : processes()) {
        if (pid == main_pid_) continue;
        auto result = OrphanReaper::instance().reap_orphan(pid, &usage);
        if (result == OrphanReaper::ReapResult::alive) pending = true;
      }
      if (!pending || Clock::now() >= deadline) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

 private:
  int main_pid_;
  std::string marker_;
  mutable std::set<int> known_;  // every process of the run seen so far, main process excepted
};

constexpr std::string_view temp_root_prefix = "parity-launcher-";

// $TMPDIR, else /tmp: where the launcher's own directory goes.
std::filesystem::path temp_directory() {
  const char* dir = ::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

// Temp roots of harness processes that died without destroying their Launcher
// ("<temp directory>/parity-launcher-<pid>-XXXXXX" whose <pid> no longer exists).
void remove_stale_temp_roots() {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(temp_directory(), ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind(temp_root_prefix, 0) != 0) continue;
    int owner = std::atoi(name.c_str() + temp_root_prefix.size());
    if (owner > 0 && ::kill(owner, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      std::filesystem::remove_all(it->path(), ignored);
    }
  }
}

}  // namespace

ProcessInfo describe_process(int pid) {
  ProcessInfo info;
  info.pid = proc::innermost_pid(pid);
  if (auto stat = proc::read_stat(pid)) info.ppid = proc::innermost_pid(stat->ppid);
  info.command = proc::command_line(pid);
  return info;
}

Launcher::Launcher() : owner_pid_(::getpid()) {
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  OrphanReaper::instance();
  ShmSandbox::isolation_available();
  PidNamespaceRun::available();
  remove_stale_temp_roots();
  std::string pattern = (temp_directory() / temp_root_prefix).string() + std::to_string(::getpid()) + "-XXXXXX";
  if (const char* dir = ::mkdtemp(pattern.data())) {
    temp_root_ = dir;
    sitecustomize_dir_ = temp_root_ / "python";
    std::error_code ec;
    std::filesystem::create_directory(sitecustomize_dir_, ec);
    std::string source = embedded::sitecustomize_py;
    const std::string_view placeholder = "@SIGUSR2@";
    source.replace(source.find(placeholder), placeholder.size(), std::to_string(SIGUSR2));
    std::ofstream(sitecustomize_dir_ / "sitecustomize.py") << source;
  }
}

Launcher::~Launcher() {
  if (!temp_root_.empty() && ::getpid() == owner_pid_) {  // not in a forked child running exit()
    std::error_code ignored;
    std::filesystem::remove_all(temp_root_, ignored);
  }
}

RunRecord Launcher::run(const LaunchOptions& options) {
  try {
    return run_once(options);
  } catch (const std::exception& e) {
    // Only harness-side failures (allocation, filesystem) get here; the run's processes were
    // killed and reaped by RunCleanup on the way out.
    RunRecord record;
    record.argv = options.argv;
    record.cwd = options.cwd;
    record.env_overrides = options.env_overrides;
    record.launch_error = std::string("harness error: ") + e.what();
    return record;
  }
}

RunRecord Launcher::run_once(const LaunchOptions& options) {
  RunRecord record;
  record.argv = options.argv;
  record.cwd = options.cwd;
  record.env_overrides = options.env_overrides;
  if (options.argv.empty()) {
    record.launch_error = "empty command line";
    return record;
  }

  const std::string run_id = next_run_id();
  const std::string marker = "PARITY_RUN_" + run_id + "=1";
  // Arming costs each Python process a little startup time: only when stacks are wanted.
  const bool arm_python = options.python && options.collect_stacks && !sitecustomize_dir_.empty();
  std::filesystem::path stacks_dir;
  if (arm_python) {
    stacks_dir = temp_root_ / ("stacks-" + run_id);
    std::error_code ec;
    std::filesystem::create_directory(stacks_dir, ec);
  }
  // The run's own temporary directory (TMPDIR), removed with everything in it after the run: a
  // killed CPython leaves its pymp-* directories there, not in /tmp.
  std::filesystem::path run_tmp;
  if (!temp_root_.empty()) {
    run_tmp = temp_root_ / ("tmp-" + run_id);
    std::error_code ec;
    if (!std::filesystem::create_directory(run_tmp, ec)) run_tmp.clear();
  }
  struct DirRemover {
    std::filesystem::path dir;
    ~DirRemover() {
      std::error_code ignored;
      if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
    }
  } stacks_dir_remover{stacks_dir}, run_tmp_remover{run_tmp};

  // The environment: the harness's, the overrides, the run's marker, the Python arming.
  std::map<std::string, std::string> env_map;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    auto eq = text.find('=');
    if (eq == std::string_view::npos) continue;
    env_map.emplace(std::string(text.substr(0, eq)), std::string(text.substr(eq + 1)));
  }
  for (const auto& [name, value] : options.env_overrides) env_map[name] = value;
  env_map["PARITY_RUN_ID"] = run_id;
  if (!run_tmp.empty()) env_map["TMPDIR"] = run_tmp.string();
  env_map["PARITY_RUN_" + run_id] = "1";
  if (arm_python) {
    std::string existing = env_value(options.env_overrides, "PYTHONPATH");
    env_map["PYTHONPATH"] =
        sitecustomize_dir_.string() + (existing.empty() ? "" : ":" + existing);
    env_map["PARITY_STACKS_DIR"] = stacks_dir.string();
  }
  std::vector<std::string> env_strings;
  env_strings.reserve(env_map.size());
  for (const auto& [name, value] : env_map) env_strings.push_back(name + "=" + value);
  std::vector<const char*> env_pointers;
  env_pointers.reserve(env_strings.size() + 1);
  for (const auto& text : env_strings) env_pointers.push_back(text.c_str());
  env_pointers.push_back(nullptr);

  if (!options.cwd.empty() && !std::filesystem::is_directory(options.cwd)) {
    record.launch_error = "cannot start " + options.argv[0] + ": working directory " +
                          options.cwd.string() + " does not exist";
    return record;
  }
  auto path_entry = env_map.find("PATH");
  auto executable =
      resolve_executable(options.argv[0], path_entry == env_map.end() ? "" : path_entry->second);
  if (!executable) {
    record.launch_error = "cannot start " + options.argv[0] + ": not found on PATH";
    return record;
  }

  std::error_code output_error;
  CapturedOutput out("parity-stdout", output_error);
  CapturedOutput err("parity-stderr", output_error);
  if (output_error) {
    record.launch_error = "cannot capture output: " + output_error.message();
    return record;
  }
  ShmSandbox shm(run_id);

  const PreparedRun prepared{options, *executable, env_pointers.data(), out, err, shm, stacks_dir, marker};
  if (PidNamespaceRun::available()) run_in_pid_namespace(prepared, record);
  else run_in_process_group(prepared, record);
  record.leaked_shm = shm.collect_leaks();
  record.stdout_text = out.read(capture_limit_bytes);
  record.stderr_text = err.read(capture_limit_bytes);
  record.stdout_bytes = out.size();
  record.stderr_bytes = err.size();
  return record;
}

void run_in_process_group(const PreparedRun& run, RunRecord& record) {
  const LaunchOptions& options = run.options;
  const std::string& marker = run.marker;
  const CapturedOutput& out = run.out;
  const CapturedOutput& err = run.err;
  const std::filesystem::path& stacks_dir = run.stacks_dir;

  // Launch, and register the main process before any sweep can see it.
  OrphanUsage orphan_usage;
  int main_pid = -1;
  OrphanReaper::Registration registration = 0;
  const auto start = Clock::now();
  {
    auto guard = OrphanReaper::instance().launch_guard();
    // vfork: no copy of the harness's address space (fork of a large multi-threaded harness costs
    // more than the rest of a run). The child only makes system calls before exec. Boost.Process
    // notifies the io_context around the vfork; a fresh context per run has no reactor yet, so the
    // child's notification cannot clobber state shared with the parent.
    boost::asio::io_context io;
    bp::posix::vfork_launcher launcher;
    bp::error_code ec;
    std::vector<std::string> args(options.argv.begin() + 1, options.argv.end());
    RunChildSetup setup{run.envp, &run.shm};
    std::optional<bp::process> process;
    try {
      if (options.cwd.empty()) {
        process.emplace(launcher(io, ec, run.executable, args,
                                 bp::process_stdio{nullptr, out.fd(), err.fd()}, setup));
      } else {
        process.emplace(launcher(io, ec, run.executable, args,
                                 bp::process_stdio{nullptr, out.fd(), err.fd()},
                                 bp::process_start_dir(options.cwd.string()), setup));
      }
    } catch (const std::exception& e) {
      ec = bp::error_code(EINVAL, bp::system_category());
      record.launch_error = std::string("cannot start ") + options.argv[0] + ": " + e.what();
    }
    if (ec || !process || process->id() <= 0) {
      // A child that failed before exec has exited and is not reaped by Boost.Process.
      if (launcher.pid > 0) {
        retry_on_eintr([&] { return ::waitpid(launcher.pid, nullptr, 0); });
      }
      if (record.launch_error.empty())
        record.launch_error = "cannot start " + options.argv[0] + ": " + ec.message();
      return;
    }
    main_pid = process->id();
    process->detach();
    registration = OrphanReaper::instance().register_run(main_pid, &orphan_usage);
  }

  // From here on the run's processes exist: whatever happens, kill and reap them.
  const RunTree tree(main_pid, marker);
  struct RunCleanup {
    const RunTree& tree;
    int main_pid;
    OrphanReaper::Registration registration;
    OrphanUsage& usage;
    bool main_reaped = false;
    bool done = false;
    ~RunCleanup() {
      if (done) return;
      try {
        tree.kill_all();
        if (!main_reaped) {
          retry_on_eintr([&] { return ::waitpid(main_pid, nullptr, 0); });
        }
        OrphanReaper::instance().main_reaped(registration);
        tree.reap_all(usage);
      } catch (...) {
      }
      OrphanReaper::instance().unregister_run(registration);
    }
  } cleanup{tree, main_pid, registration, orphan_usage};
  ChildWatch watch(main_pid);
  const ExitWait ended = wait_exit_or_quiet(
      {.deadline = deadline_after(start, options.timeout), .quiet = options.hang_when_quiet},
      [&](Clock::time_point until) { return watch.wait_exit_until(until); },
      [&] { return tree.alive(); }, [&] { return out.size() + err.size(); });
  auto end = Clock::now();
  if (ended != ExitWait::exited) {
    record.timed_out = true;
    record.hung_quiet = ended == ExitWait::quiet;
    try {
      if (options.collect_stacks) {
        StackDumpOptions dump;
        dump.python_stacks_dir = stacks_dir;
        record.stacks = dump_stacks(tree.alive(), dump);
      }
    } catch (const std::exception& e) {
      record.stacks += std::string("(stack dump failed: ") + e.what() + ")\n";
    }
    tree.signal_all(SIGTERM);
    if (!tree.wait_all_dead(Clock::now() + options.kill_grace)) tree.kill_all();
  }

  int status = 0;
  rusage usage{};
  retry_on_eintr([&] { return ::wait4(main_pid, &status, 0, &usage); });
  cleanup.main_reaped = true;
  OrphanReaper::instance().main_reaped(registration);
  record.status = ExitStatus::from_wait_status(status);
  record.wall_s = std::chrono::duration<double>(end - start).count();

  // Anything of the run still alive now is a leak (unless it exits by itself: run_leftovers.hpp).
  // The common case, nothing left at all, costs one walk of the harness's children.
  bool anything_left = record.timed_out || !tree.processes().empty();
  if (anything_left && !record.timed_out) {
    auto leaked = wait_for_leftovers([&] { return tree.alive(); }, options.leak_grace, options.leak_limit);
    for (int pid : leaked) record.leaked_processes.push_back(describe_process(pid));
    if (!leaked.empty()) tree.kill_all();
  }
  if (anything_left) tree.reap_all(orphan_usage);
  OrphanReaper::instance().sweep();
  OrphanReaper::instance().unregister_run(registration);
  cleanup.done = true;

  record.user_s = seconds_of(usage.ru_utime) + orphan_usage.user_s;
  record.sys_s = seconds_of(usage.ru_stime) + orphan_usage.sys_s;
  record.peak_rss_kb = std::max<std::int64_t>(usage.ru_maxrss, orphan_usage.peak_rss_kb);
}

}  // namespace parity
