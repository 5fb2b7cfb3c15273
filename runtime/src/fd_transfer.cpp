// Descriptors travelling with a process object to a spawn or forkserver child (fd_transfer.hpp).
#include "mp/detail/fd_transfer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "mp/detail/os_error.hpp"
#include "mp/errors.hpp"

namespace mp::detail {
namespace {
thread_local FdExportScope* export_scope = nullptr;
thread_local FdImportScope* import_scope = nullptr;
}  // namespace

bool spawning() noexcept { return export_scope != nullptr; }

void assert_spawning(std::string_view type_name) {
  if (!spawning()) {
    throw RuntimeError(std::string(type_name) +
                       " objects should only be shared between processes through inheritance");
  }
}

std::uint32_t export_fd(int fd) {
  if (export_scope == nullptr) throw RuntimeError("export_fd() outside of process start");
  std::vector<int>& fds = export_scope->fds_;
  auto it = std::find(fds.begin(), fds.end(), fd);
  if (it != fds.end()) return static_cast<std::uint32_t>(it - fds.begin());
  fds.push_back(fd);
  return static_cast<std::uint32_t>(fds.size() - 1);
}

int import_fd(std::uint32_t index) {
  if (import_scope == nullptr) throw RuntimeError("import_fd() outside of process bootstrap");
  if (index >= import_scope->received_.size()) {
    throw RuntimeError("import_fd(): no descriptor " + std::to_string(index) + " was received");
  }
  int fd = fcntl(import_scope->received_[index], F_DUPFD_CLOEXEC, 0);
  if (fd < 0) throw_last_error();
  return fd;
}

FdExportScope::FdExportScope() : previous_(export_scope) { export_scope = this; }
FdExportScope::~FdExportScope() { export_scope = previous_; }

FdImportScope::FdImportScope(std::vector<int> received)
    : received_(std::move(received)), previous_(import_scope) {
  import_scope = this;
}
FdImportScope::~FdImportScope() {
  import_scope = previous_;
  for (int fd : received_) ::close(fd);
}

}  // namespace mp::detail
