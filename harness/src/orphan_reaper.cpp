#include "orphan_reaper.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "process_tree.hpp"

namespace parity {

void OrphanUsage::add(const rusage& usage) {
  user_s += static_cast<double>(usage.ru_utime.tv_sec) + usage.ru_utime.tv_usec / 1e6;
  sys_s += static_cast<double>(usage.ru_stime.tv_sec) + usage.ru_stime.tv_usec / 1e6;
  peak_rss_kb = std::max(peak_rss_kb, usage.ru_maxrss);
}

OrphanReaper& OrphanReaper::instance() {
  static OrphanReaper reaper;
  return reaper;
}

OrphanReaper::OrphanReaper() : harness_pid_(::getpid()), harness_pgid_(::getpgrp()) {}

std::shared_lock<std::shared_mutex> OrphanReaper::launch_guard() {
  return std::shared_lock<std::shared_mutex>(mutex_);
}

OrphanReaper::Registration OrphanReaper::register_run(int main_pid, OrphanUsage* usage) {
  // Called under a shared launch_guard: runs_ needs its own exclusion against other launchers.
  static std::mutex registration;
  std::lock_guard lock(registration);
  Registration id = next_registration_++;
  runs_.push_back(Run{id, main_pid, true, usage});
  return id;
}

void OrphanReaper::main_reaped(Registration id) {
  std::unique_lock lock(mutex_);
  for (auto& run : runs_)
    if (run.registration == id) run.main_pending = false;
}

void OrphanReaper::unregister_run(Registration id) {
  std::unique_lock lock(mutex_);
  std::erase_if(runs_, [&](const Run& run) { return run.registration == id; });
}

OrphanReaper::ReapResult OrphanReaper::reap_orphan(int pid, OrphanUsage* finder) {
  std::unique_lock lock(mutex_);
  return reap_orphan_locked(pid, finder);
}

OrphanReaper::ReapResult OrphanReaper::reap_orphan_locked(int pid, OrphanUsage* finder) {
  auto stat = proc::read_stat(pid);
  if (!stat) return ReapResult::gone;
  if (stat->ppid != harness_pid_ || stat->pgid == harness_pgid_) return ReapResult::not_ours;
  for (const auto& run : runs_)
    if (run.main_pending && run.main_pid == pid) return ReapResult::not_ours;
  if (!stat->zombie()) return ReapResult::alive;
  rusage usage{};
  int status = 0;
  pid_t reaped = ::wait4(pid, &status, WNOHANG, &usage);
  if (reaped != pid) return reaped == 0 ? ReapResult::alive : ReapResult::gone;
  OrphanUsage* owner = finder;
  for (const auto& run : runs_)
    if (run.main_pid == stat->pgid) owner = run.usage;
  if (owner) owner->add(usage);
  return ReapResult::reaped;
}

void OrphanReaper::sweep() {
  std::unique_lock lock(mutex_);
  for (int pid : proc::children_of(harness_pid_)) reap_orphan_locked(pid, nullptr);
}

}  // namespace parity
