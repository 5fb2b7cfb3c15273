#include "run_leftovers.hpp"

#include <map>
#include <thread>

#include "process_tree.hpp"

namespace parity {

std::vector<int> wait_for_leftovers(const std::function<std::vector<int>()>& alive,
                                    std::chrono::milliseconds grace, std::chrono::milliseconds limit) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  auto next_look = start + grace;
  std::map<int, long long> ticks;  // pid -> CPU ticks at the previous look
  std::vector<int> living = alive();
  for (int pid : living)
    if (auto stat = proc::read_stat(pid)) ticks[pid] = stat->cpu_ticks;
  while (!living.empty()) {
    const auto now = Clock::now();
    if (now >= next_look) {
      bool progressing = false;
      std::map<int, long long> now_ticks;
      for (int pid : living) {
        auto stat = proc::read_stat(pid);
        if (!stat) continue;
        now_ticks[pid] = stat->cpu_ticks;
        auto before = ticks.find(pid);
        progressing = progressing || stat->busy() || before == ticks.end() ||
                      before->second != stat->cpu_ticks;
      }
      if (!progressing || now - start >= limit) return living;
      ticks = std::move(now_ticks);
      next_look = now + std::max(grace / 4, std::chrono::milliseconds(1));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    living = alive();
  }
  return {};
}

}  // namespace parity
