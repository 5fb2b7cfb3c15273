// OwnerWatch: a child's watch on the process that started it (owner_watch.hpp).
#include "owner_watch.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>

#include "mp/detail/fd_io.hpp"
#include "mp/detail/os_error.hpp"

namespace mp::detail {
namespace {

// The watching thread's stack: it only polls and kills, but the static TLS (large under the
// sanitizers) is carved from the same block.
constexpr std::size_t kWatchStackBytes = 1024 * 1024;

void* kill_this_process_when_readable(void* pidfd_arg) {
  pollfd watched{static_cast<int>(reinterpret_cast<std::intptr_t>(pidfd_arg)), POLLIN, 0};
  const int ready = retry_on_eintr([&] { return ::poll(&watched, 1, -1); });
  // Readable: the owner has ended, and with it every reader of what this process would send.
  if (ready == 1) ::kill(::getpid(), SIGKILL);
  return nullptr;
}

}  // namespace

OwnerWatch watch_this_process() {
  OwnerWatch owner{static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0))};  // close-on-exec
  if (owner.pidfd < 0) throw_last_error();
  return owner;
}

void die_with_owner(OwnerWatch owner) {
  // A stack of its own, never freed (the thread lasts as long as the process), rather than one from
  // glibc's cache: in a forked child that cache holds the stacks of the parent's threads, and a
  // thread placed on one gets the id of a parent thread, which ThreadSanitizer still counts as
  // live ("dup thread with used id").
  void* stack = ::mmap(nullptr, kWatchStackBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) throw_last_error();
  pthread_attr_t attributes;
  ::pthread_attr_init(&attributes);
  ::pthread_attr_setstack(&attributes, stack, kWatchStackBytes);
  ::pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);  // the new thread starts with this mask
  pthread_t thread;
  const int error = ::pthread_create(&thread, &attributes, &kill_this_process_when_readable,
                                     reinterpret_cast<void*>(static_cast<std::intptr_t>(owner.pidfd)));
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  ::pthread_attr_destroy(&attributes);
  if (error != 0) {
    ::munmap(stack, kWatchStackBytes);
    throw ErrnoError(error);
  }
}

}  // namespace mp::detail
