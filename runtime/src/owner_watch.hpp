#pragma once
// OwnerWatch: the process that starts a helper child (a manager's server, a pool worker), as a
// pidfd the child watches, so that the child ends when its owner does, SIGKILL of the owner
// included. Not a public header.
//
// Why a pidfd and not PR_SET_PDEATHSIG: the parent-death signal follows the *thread* that forked
// the child (a pool forks workers from the thread that made it and from its result thread, either
// of which may end long before the pool), and the child's parent is not always the owner (a
// forkserver child's parent is the server). A pidfd names exactly the owner process, opened by
// the owner itself: no pid can be reused under it, and there is no window between start and watch.

#include <cstdint>

#include "mp/detail/fd_transfer.hpp"

namespace mp::detail {

// The owner's pidfd as it travels to the child: inherited under fork, handed over as a descriptor
// under spawn and forkserver (fd_transfer.hpp).
struct OwnerWatch {
  int pidfd = -1;
  template <class Archive>
  void save(Archive& archive) const {
    assert_spawning("OwnerWatch");
    archive(export_fd(pidfd));
  }
  template <class Archive>
  void load(Archive& archive) {
    std::uint32_t index = 0;
    archive(index);
    pidfd = import_fd(index);
  }
};

// A watch on the calling process for a child about to start. The caller closes its pidfd once the
// child has started (the child has its own copy by then). ErrnoError when pidfd_open fails.
OwnerWatch watch_this_process();

// In the child: a detached thread that sends SIGKILL to this process once the owner has ended.
// The thread blocks every signal, so signals meant for the program still reach its own threads.
// Takes ownership of owner.pidfd.
void die_with_owner(OwnerWatch owner);

}  // namespace mp::detail
