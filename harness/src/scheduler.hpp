#pragma once
// The scheduler: runs tasks 0..count-1 on `workers` threads (the calling thread is one of them),
// each worker taking the next index in order, so tasks start in the order given and at most
// `workers` run at once. Returns when every task has returned.

#include <cstddef>
#include <functional>

namespace parity {

// `task` is called once per index, from several threads at once; it must not throw (an exception
// escaping a worker thread ends the program). Returns the time workers spent inside tasks, in
// seconds, summed over workers (elapsed x workers when they were never idle).
double run_in_order(std::size_t count, int workers, const std::function<void(std::size_t)>& task);

}  // namespace parity
