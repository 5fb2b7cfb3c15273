#include "mp/detail/shared_memory.hpp"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "mp/detail/os_error.hpp"

namespace mp::detail {
namespace {

std::size_t round_to_pages(std::size_t size) {
  auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  if (size == 0) size = 1;
  return (size + page - 1) / page * page;
}

}  // namespace

SharedMemory::Mapping::~Mapping() {
  if (address != nullptr) munmap(address, size);
  if (fd >= 0) close(fd);
}

SharedMemory SharedMemory::create(std::size_t size, std::string_view name,
                                  std::error_code& ec) noexcept {
  ec.clear();
  std::string memfd_name(name);
  int fd = memfd_create(memfd_name.c_str(), MFD_CLOEXEC);
  if (fd < 0) {
    ec = last_error();
    return {};
  }
  size = round_to_pages(size);
  if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
    ec = last_error();
    close(fd);
    return {};
  }
  return attach(fd, ec);
}

SharedMemory SharedMemory::create(std::size_t size, std::string_view name) {
  std::error_code ec;
  SharedMemory memory = create(size, name, ec);
  throw_if(ec);
  return memory;
}

SharedMemory SharedMemory::attach(int fd, std::error_code& ec) noexcept {
  ec.clear();
  struct stat status{};
  if (fstat(fd, &status) != 0) {
    ec = last_error();
    close(fd);
    return {};
  }
  auto size = static_cast<std::size_t>(status.st_size);
  void* address = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  if (address == MAP_FAILED) {
    ec = last_error();
    close(fd);
    return {};
  }
  SharedMemory memory;
  try {
    memory.mapping_ = std::make_shared<Mapping>();
  } catch (const std::bad_alloc&) {
    munmap(address, size);
    close(fd);
    ec = std::make_error_code(std::errc::not_enough_memory);
    return {};
  }
  memory.mapping_->address = address;
  memory.mapping_->size = size;
  memory.mapping_->fd = fd;
  return memory;
}

SharedMemory SharedMemory::import(int fd) {
  struct stat status{};
  if (fstat(fd, &status) != 0) {
    std::error_code ec = last_error();
    close(fd);
    throw_if(ec);
  }
  // Imported segments of this process by inode; expired entries are pruned as new ones arrive.
  static std::mutex mutex;
  static std::map<std::pair<dev_t, ino_t>, std::weak_ptr<Mapping>> imported;
  std::lock_guard guard(mutex);
  auto key = std::make_pair(status.st_dev, status.st_ino);
  if (auto found = imported.find(key); found != imported.end()) {
    if (auto mapping = found->second.lock()) {
      close(fd);
      SharedMemory memory;
      memory.mapping_ = std::move(mapping);
      return memory;
    }
  }
  std::erase_if(imported, [](const auto& entry) { return entry.second.expired(); });
  SharedMemory memory = attach(fd);
  imported[key] = memory.mapping_;
  return memory;
}

SharedMemory SharedMemory::attach(int fd) {
  std::error_code ec;
  SharedMemory memory = attach(fd, ec);
  throw_if(ec);
  return memory;
}

}  // namespace mp::detail
