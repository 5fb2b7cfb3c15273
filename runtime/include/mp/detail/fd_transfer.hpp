#pragma once
// How objects that own file descriptors (connections, queues, locks, shared memory) travel to a
// child started by spawn or forkserver, as CPython's `context.assert_spawning` and
// `reduction.DupFd` do.
//
// While a process object is serialized for such a child, an FdExportScope is active on the
// serializing thread. An object's cereal save() calls export_fd(fd) and serializes the returned
// index; the starter makes that descriptor present in the child. In the child, an FdImportScope
// is active while the process object is deserialized, and the object's load() calls
// import_fd(index) to get a descriptor of its own.
//
// Outside an export scope (a Queue put on another queue, sent through a pipe or a pool task),
// save() calls assert_spawning("Queue"), which throws what CPython raises:
//   RuntimeError: Queue objects should only be shared between processes through inheritance
// Under fork, process arguments are not serialized at all: objects are inherited with the memory.

#include <cstdint>
#include <string_view>
#include <vector>

namespace mp::detail {

// True while a process object is being serialized for a spawn or forkserver child.
bool spawning() noexcept;

// Throws RuntimeError("<type_name> objects should only be shared between processes through
// inheritance") unless spawning().
void assert_spawning(std::string_view type_name);

// Registers fd to be present in the child; returns its index. Exporting the same fd twice gives
// the same index. Precondition: spawning() (call assert_spawning first).
std::uint32_t export_fd(int fd);

// In the child, while the process object is deserialized: a new descriptor (O_CLOEXEC) for the
// exported descriptor `index`, owned by the caller. Throws RuntimeError outside an import scope.
int import_fd(std::uint32_t index);

// Active on this thread for its lifetime; collects the exported descriptors, in index order.
class FdExportScope {
 public:
  FdExportScope();
  ~FdExportScope();
  FdExportScope(const FdExportScope&) = delete;
  FdExportScope& operator=(const FdExportScope&) = delete;
  const std::vector<int>& fds() const noexcept { return fds_; }

 private:
  friend std::uint32_t export_fd(int fd);
  std::vector<int> fds_;
  FdExportScope* previous_;
};

// Active on this thread for its lifetime; received[i] is the child's descriptor for index i. The
// scope closes the received descriptors when it ends (import_fd hands out duplicates).
class FdImportScope {
 public:
  explicit FdImportScope(std::vector<int> received);
  ~FdImportScope();
  FdImportScope(const FdImportScope&) = delete;
  FdImportScope& operator=(const FdImportScope&) = delete;

 private:
  friend int import_fd(std::uint32_t index);
  std::vector<int> received_;
  FdImportScope* previous_;
};

}  // namespace mp::detail
