#pragma once
// The harness's one EINTR retry. (The runtime has its own, mp/detail/fd_io.hpp: the harness judges
// mp and does not build on its internals.)

#include <cerrno>

namespace parity {

// Calls `call` (a system call: -1 and errno on failure) again while it fails with EINTR, and
// returns its last result. A call with a timeout computes what is left of it inside `call`.
template <class Call>
auto retry_on_eintr(Call&& call) -> decltype(call()) {
  for (;;) {
    auto result = call();
    if (result != -1 || errno != EINTR) return result;
  }
}

}  // namespace parity
