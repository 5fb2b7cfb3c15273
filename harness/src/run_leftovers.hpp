#pragma once
// What is left of a run after its main process exited: how long it may take to exit by itself
// before it counts as leaked.

#include <chrono>
#include <functional>
#include <vector>

namespace parity {

// Waits for `alive()` (the run's live processes other than its main one) to become empty. After
// `grace`, whatever is still alive and idle (asleep, and no CPU time used since the previous look)
// is leaked. Processes still making progress (runnable, in disk sleep, or using CPU) get another
// look every grace / 4, up to `limit` in all: CPython's resource tracker, which cleans up after its
// parent's exit, can take seconds to be scheduled on a loaded machine; a process sleeping in a
// leak does not get that time. Returns the leaked pids (empty: everything exited).
std::vector<int> wait_for_leftovers(const std::function<std::vector<int>()>& alive,
                                    std::chrono::milliseconds grace, std::chrono::milliseconds limit);

}  // namespace parity
