#include "stack_dump.hpp"

#include <signal.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "process_tree.hpp"
#include "tool_process.hpp"

namespace parity {
namespace {

bool is_python_executable(const std::string& exe) {
  auto slash = exe.rfind('/');
  std::string_view base = std::string_view(exe).substr(slash == std::string::npos ? 0 : slash + 1);
  return base.substr(0, 6) == "python";
}

std::int64_t stat_size(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return -1;
  return st.st_size;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Target {
  int pid;
  std::string command;
  std::filesystem::path python_file;  // non-empty: armed Python process, dumped via SIGUSR2
  std::unique_ptr<ToolProcess> gdb;
  std::string stack;
};

std::vector<std::string> gdb_command(int pid) {
  return {"gdb",  "--nx",  "--batch", "-ex", "set debuginfod enabled off",
          "-ex",  "set pagination off",  "-p",  std::to_string(pid),
          "-ex",  "thread apply all bt"};
}

// Waits until every armed Python process's file is non-empty and stopped growing (faulthandler
// writes from inside its signal handler; there is no completion signal), or the deadline.
void collect_python_stacks(std::vector<Target>& targets,
                           std::chrono::steady_clock::time_point deadline) {
  std::vector<std::int64_t> last_size(targets.size(), -1);
  std::vector<bool> done(targets.size(), false);
  for (;;) {
    bool all_done = true;
    for (size_t i = 0; i < targets.size(); ++i) {
      if (targets[i].python_file.empty() || done[i]) continue;
      auto size = stat_size(targets[i].python_file);
      if (size > 0 && size == last_size[i]) {
        done[i] = true;
        continue;
      }
      last_size[i] = size;
      all_done = false;
    }
    if (all_done || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& target : targets) {
    if (target.python_file.empty()) continue;
    target.stack = read_file(target.python_file);
    if (target.stack.empty()) target.stack = "(faulthandler wrote nothing: process blocked?)\n";
  }
}

// gdb's batch output minus its chatter: from the first "Thread N (...)" header on, without the
// "[Inferior 1 (process N) detached]" trailer. Output without any thread header (gdb could not
// attach, say) is kept whole: it is the explanation.
std::string trim_gdb_output(const std::string& output) {
  std::size_t first_thread = output.rfind("Thread ", 0) == 0 ? 0 : output.find("\nThread ");
  if (first_thread == std::string::npos) return output;
  if (first_thread != 0) ++first_thread;  // past the newline
  std::string trimmed;
  std::istringstream lines(output.substr(first_thread));
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("[Inferior ", 0) != 0) trimmed += line + "\n";
  return trimmed;
}

}  // namespace

std::string dump_stacks(const std::vector<int>& pids, const StackDumpOptions& options) {
  using std::chrono::steady_clock;
  std::vector<Target> targets;
  targets.reserve(pids.size());
  for (int pid : pids) {
    Target target{pid, proc::command_line(pid), {}, nullptr, {}};
    if (targets.size() >= options.max_processes) {
      target.stack = "(no stack: only the first " + std::to_string(options.max_processes) +
                     " processes of the tree get one)\n";
      targets.push_back(std::move(target));
      continue;
    }
    if (!options.python_stacks_dir.empty() && is_python_executable(proc::executable(pid))) {
      // Named by the pid the process knows itself by (its PID namespace's: pid_namespace.hpp).
      auto file = options.python_stacks_dir / (std::to_string(proc::innermost_pid(pid)) + ".txt");
      if (stat_size(file) == 0 && ::kill(pid, SIGUSR2) == 0) target.python_file = file;
    }
    targets.push_back(std::move(target));
  }
  collect_python_stacks(targets, steady_clock::now() + options.python_timeout);

  // gdbs in rounds of max_concurrent_gdbs (attaching and loading symbols dominates, so a few run
  // well side by side), all within gdb_timeout; those not started by then are noted.
  std::vector<Target*> native;
  for (auto& target : targets)
    if (target.python_file.empty() && target.stack.empty()) native.push_back(&target);
  const auto gdb_deadline = steady_clock::now() + options.gdb_timeout;
  const std::size_t round_size = std::max<std::size_t>(options.max_concurrent_gdbs, 1);
  for (std::size_t first = 0; first < native.size(); first += round_size) {
    const std::size_t last = std::min(first + round_size, native.size());
    for (std::size_t i = first; i < last; ++i) {
      if (steady_clock::now() >= gdb_deadline) {
        native[i]->stack = "(no stack: the time for stacks ran out)\n";
        continue;
      }
      native[i]->gdb = std::make_unique<ToolProcess>(gdb_command(native[i]->pid));
    }
    for (std::size_t i = first; i < last; ++i) {
      Target& target = *native[i];
      if (!target.gdb) continue;
      ToolResult result = target.gdb->finish(gdb_deadline);
      target.gdb.reset();
      if (!result.error.empty()) {
        target.stack = "(no stack: " + result.error + ")\n";
        continue;
      }
      target.stack = trim_gdb_output(result.output);
      if (result.timed_out) target.stack += "(gdb did not finish in time and was killed)\n";
    }
  }

  std::string text;
  for (const auto& target : targets) {
    // The pid the program printed (its namespace's), not the harness's.
    text += "== pid " + std::to_string(proc::innermost_pid(target.pid)) + ": " + target.command + "\n";
    text += target.stack;
    if (!text.empty() && text.back() != '\n') text += '\n';
  }
  return text;
}

}  // namespace parity
