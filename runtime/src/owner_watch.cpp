// OwnerWatch: a child's watch on the process that started it (owner_watch.hpp).
#include "owner_watch.hpp"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

#include "mp/detail/os_error.hpp"

namespace mp::detail {

OwnerWatch watch_this_process() {
  OwnerWatch owner{static_cast<int>(::syscall(SYS_pidfd_open, ::getpid(), 0))};  // close-on-exec
  if (owner.pidfd < 0) throw_if(last_error());
  return owner;
}

void die_with_owner(OwnerWatch owner) {
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);  // the new thread starts with this mask
  std::thread([pidfd = owner.pidfd] {
    pollfd watched{pidfd, POLLIN, 0};
    int ready;
    do {
      ready = ::poll(&watched, 1, -1);
    } while (ready < 0 && errno == EINTR);
    // Readable: the owner has ended, and with it every reader of what this process would send.
    if (ready == 1) ::kill(::getpid(), SIGKILL);
  }).detach();
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
}

}  // namespace mp::detail
