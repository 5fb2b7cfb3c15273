#include "shm_sandbox.hpp"

#include <dirent.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "eintr.hpp"

namespace parity {
namespace {

constexpr const char* shm_root = "/dev/shm";
constexpr const char* private_prefix = ".parity-";

// The namespace dance, shared by the probe and the run: returns 0 or an errno value.
int bind_private_shm(const char* dir) noexcept {
  if (::unshare(CLONE_NEWNS) != 0) return errno;
  // Our bind mount must not propagate back into the harness's namespace.
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0) return errno;
  if (::mount(dir, shm_root, nullptr, MS_BIND, nullptr) != 0) return errno;
  return 0;
}

std::vector<std::string> list_names(const std::string& dir, bool skip_private_dirs) {
  std::vector<std::string> names;
  DIR* handle = ::opendir(dir.c_str());
  if (!handle) return names;
  while (dirent* entry = ::readdir(handle)) {
    std::string_view name = entry->d_name;
    if (name == "." || name == "..") continue;
    if (skip_private_dirs && name.substr(0, 8) == private_prefix) continue;
    names.emplace_back(name);
  }
  ::closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

bool make_private_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0) return false;
  ::chmod(dir.c_str(), 01777);  // like /dev/shm itself (mkdir is subject to the umask)
  return true;
}

// Private directories left by harness processes that died mid-run (".parity-<pid>_<n>" whose
// <pid> no longer exists), with whatever their runs left in them.
void remove_stale_private_dirs() {
  for (const auto& name : list_names(shm_root, false)) {
    if (name.rfind(private_prefix, 0) != 0) continue;
    int owner = std::atoi(name.c_str() + std::strlen(private_prefix));
    if (owner > 0 && ::kill(owner, 0) != 0 && errno == ESRCH) {
      std::error_code ignored;
      std::filesystem::remove_all(std::string(shm_root) + "/" + name, ignored);
    }
  }
}

bool probe_isolation() {
  remove_stale_private_dirs();
  std::string dir =
      std::string(shm_root) + "/" + private_prefix + std::to_string(::getpid()) + "_probe";
  if (!make_private_dir(dir)) return false;
  pid_t pid = ::fork();
  if (pid == 0) ::_exit(bind_private_shm(dir.c_str()) == 0 ? 0 : 1);
  int status = 0;
  bool ok = false;
  if (pid > 0) {
    retry_on_eintr([&] { return ::waitpid(pid, &status, 0); });
    ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  ::rmdir(dir.c_str());
  return ok;
}

}  // namespace

bool ShmSandbox::isolation_available() {
  static const bool available = probe_isolation();  // initialized once, thread-safely
  return available;
}

ShmSandbox::ShmSandbox(const std::string& run_id) {
  if (isolation_available()) {
    dir_ = std::string(shm_root) + "/" + private_prefix + run_id;
    isolated_ = make_private_dir(dir_);
    if (isolated_) return;
    dir_.clear();
  }
  snapshot_ = list_names(shm_root, true);
}

ShmSandbox::~ShmSandbox() {
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

void ShmSandbox::enter_in_child() const noexcept {
  if (isolated_) (void)bind_private_shm(dir_.c_str());
}

std::vector<std::string> ShmSandbox::collect_leaks() {
  std::vector<std::string> leaked;
  std::string dir = isolated_ ? dir_ : std::string(shm_root);
  for (auto& name : list_names(dir, !isolated_)) {
    if (!isolated_ && std::binary_search(snapshot_.begin(), snapshot_.end(), name)) continue;
    std::error_code ignored;
    std::filesystem::remove_all(std::filesystem::path(dir) / name, ignored);
    leaked.push_back(std::move(name));
  }
  return leaked;
}

}  // namespace parity
