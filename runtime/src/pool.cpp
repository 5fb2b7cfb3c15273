// mp::Pool's non-template members (pool.hpp).
#include "mp/pool.hpp"

#include <unistd.h>

#include "mp/context.hpp"
#include "mp/process.hpp"

namespace mp {

Pool::Pool(std::optional<int> processes) : Pool(PoolOptions{.processes = processes}) {}

Pool::Pool(PoolOptions options) {
  detail::PoolCoreOptions core;
  core.processes = options.processes ? *options.processes : std::max(1, cpu_count());
  if (options.maxtasksperchild && *options.maxtasksperchild <= 0) {
    throw ValueError("maxtasksperchild must be a positive int or None");
  }
  core.maxtasksperchild = options.maxtasksperchild.value_or(0);
  core.start_method = get_context(options.context.start_method).get_start_method();
  core.initializer = std::move(options.initializer);
  core_ = std::make_unique<detail::PoolCore>(std::move(core));
}

Pool::~Pool() = default;  // PoolCore's destructor terminates and joins

void Pool::close() { core_->close(); }
void Pool::terminate() { core_->terminate(); }
void Pool::join() { core_->join(); }

std::vector<PoolWorker> Pool::workers() const {
  std::vector<PoolWorker> list;
  for (auto& [pid, name] : core_->workers()) list.push_back(PoolWorker{pid, name});
  return list;
}

namespace detail {

void report_callback_error(const std::string& what) noexcept {
  std::string text = "Exception in a pool result callback:\n" + what + "\n";
  (void)!::write(2, text.data(), text.size());
}

}  // namespace detail
}  // namespace mp
