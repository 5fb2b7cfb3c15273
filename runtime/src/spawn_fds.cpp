// pass_only: renumbering through a range above every source, so no step overwrites a descriptor
// a later step still reads.
#include "spawn_fds.hpp"

#include <algorithm>

namespace mp::detail {

std::vector<int> pass_only(posix_spawn_file_actions_t* actions, std::span<const int> fds) {
  const int count = static_cast<int>(fds.size());
  const int first = 3;
  int above = first + count;
  for (int fd : fds) above = std::max(above, fd + 1);
  for (int i = 0; i < count; ++i) posix_spawn_file_actions_adddup2(actions, fds[static_cast<std::size_t>(i)], above + i);
  std::vector<int> numbers;
  for (int i = 0; i < count; ++i) {
    posix_spawn_file_actions_adddup2(actions, above + i, first + i);  // dup2 clears close-on-exec
    numbers.push_back(first + i);
  }
  posix_spawn_file_actions_addclosefrom_np(actions, first + count);
  return numbers;
}

}  // namespace mp::detail
