// Index and timeout rules shared by the manager's list, Array and Queue objects.
#include "mp/detail/manager_containers.hpp"
#include "mp/detail/manager_queue.hpp"

namespace mp::detail {

std::size_t python_index(std::int64_t index, std::size_t size, std::string_view what) {
  const auto length = static_cast<std::int64_t>(size);
  if (index < 0) index += length;
  if (index < 0 || index >= length) throw IndexError(std::string(what) + " index out of range");
  return static_cast<std::size_t>(index);
}

void check_queue_timeout(double timeout_s) {
  if (timeout_s < 0) throw ValueError("'timeout' must be a non-negative number");
}

}  // namespace mp::detail
