#pragma once
// Anonymous shared memory for the runtime's cross-process state (locks, semaphores, Value, Array,
// queue counters): a memfd (MFD_CLOEXEC) mapped MAP_SHARED, held by a refcounted handle.
//
// Clean-up by construction: a memfd has no name in any filesystem, and the kernel frees its pages
// when the last descriptor and the last mapping of it go away, in whichever process, however that
// process ends (normal exit, exception, SIGTERM, SIGKILL). So no segment can outlive its last
// user, no resource tracker is needed, and /dev/shm is never touched.
//
// Travel: a fork child inherits the mapping and the descriptor. A spawn or forkserver child gets
// the descriptor through the fd-transfer contract (mp/detail/fd_transfer.hpp): save() exports it,
// load() imports it and maps it again. Callers assert_spawning() with their own type name first.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <system_error>

#include "mp/detail/fd_transfer.hpp"

namespace mp::detail {

class SharedMemory {
 public:
  // An empty handle (no memory).
  SharedMemory() = default;

  // A new zero-filled segment of at least `size` bytes (rounded up to whole pages). `name` shows in
  // /proc/<pid>/fd and /proc/<pid>/maps as "/memfd:<name>" (debugging only; no namespace).
  static SharedMemory create(std::size_t size, std::string_view name, std::error_code& ec) noexcept;
  static SharedMemory create(std::size_t size, std::string_view name = "mp");

  // Maps the segment behind `fd`, taking ownership of fd (closed on failure too).
  static SharedMemory attach(int fd, std::error_code& ec) noexcept;
  static SharedMemory attach(int fd);
  // As attach(), but a segment this process has already mapped through import() is shared rather
  // than mapped again (fd is closed): the four semaphores of a Condition, or a Value and its lock,
  // arrive as one segment and cost one descriptor and one mapping in the child.
  static SharedMemory import(int fd);

  void* data() const noexcept { return mapping_ ? mapping_->address : nullptr; }
  std::size_t size() const noexcept { return mapping_ ? mapping_->size : 0; }
  int fd() const noexcept { return mapping_ ? mapping_->fd : -1; }
  explicit operator bool() const noexcept { return mapping_ != nullptr; }

  // The object of type T at byte `offset` of the segment (unchecked).
  template <class T>
  T* at(std::size_t offset = 0) const noexcept {
    return reinterpret_cast<T*>(static_cast<std::byte*>(data()) + offset);
  }

  // Serialization while a process object is being sent to a spawn/forkserver child.
  // Precondition: spawning() (the owning object called assert_spawning).
  template <class Archive>
  void save(Archive& archive) const {
    archive(export_fd(fd()));
  }
  template <class Archive>
  void load(Archive& archive) {
    std::uint32_t index = 0;
    archive(index);
    *this = import(import_fd(index));
  }

 private:
  struct Mapping {
    void* address = nullptr;
    std::size_t size = 0;
    int fd = -1;
    ~Mapping();
  };
  std::shared_ptr<Mapping> mapping_;
};

}  // namespace mp::detail
