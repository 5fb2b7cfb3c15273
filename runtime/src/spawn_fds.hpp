#pragma once
// Which descriptors a program started by posix_spawn (a spawn child, the forkserver) receives:
// 0, 1, 2 and the ones it is handed, and no other, close-on-exec or not, as CPython's spawn
// (_posixsubprocess with close_fds=True and pass_fds) does.

#include <spawn.h>

#include <span>
#include <vector>

namespace mp::detail {

// Adds to `actions` the steps that give the new program `fds`, renumbered 3, 4, ... in order, and
// close every other descriptor from 3 up. Returns the numbers the program will see them under
// (what to tell it on its command line). The caller's descriptors are not touched.
std::vector<int> pass_only(posix_spawn_file_actions_t* actions, std::span<const int> fds);

}  // namespace mp::detail
