// Synchronization primitives and shared values, each beside its floor in the same binary:
//   uncontended Lock/RLock/Semaphore acquire+release (target <= 30 ns; std::mutex for scale);
//   cross-process ping-pong over mp::Lock / mp::Semaphore vs a raw futex ping-pong in shared memory;
//   Value / RawValue / Array reads and writes.
// CPython 3.11 on the reference machine: Lock acquire+release 157 ns. Cross-process figures on a
// shared 2-core machine are noisy: compare ratios within one run.
#include <benchmark/benchmark.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <mutex>

#include "mp/shared.hpp"
#include "mp/synchronize.hpp"

namespace {

// ---- uncontended --------------------------------------------------------------------------------

void BM_StdMutex_LockUnlock(benchmark::State& state) {
  std::mutex mutex;
  for (auto _ : state) {
    mutex.lock();
    mutex.unlock();
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_StdMutex_LockUnlock);

void BM_Lock_AcquireRelease(benchmark::State& state) {
  mp::Lock lock;
  for (auto _ : state) {
    lock.acquire();
    lock.release();
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Lock_AcquireRelease);

void BM_Lock_LockGuard(benchmark::State& state) {
  mp::Lock lock;
  for (auto _ : state) {
    std::lock_guard guard(lock);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Lock_LockGuard);

void BM_RLock_AcquireRelease(benchmark::State& state) {
  mp::RLock lock;
  for (auto _ : state) {
    lock.acquire();
    lock.release();
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_RLock_AcquireRelease);

void BM_Semaphore_AcquireRelease(benchmark::State& state) {
  mp::Semaphore semaphore(1);
  for (auto _ : state) {
    semaphore.acquire();
    semaphore.release();
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Semaphore_AcquireRelease);

// ---- shared values ------------------------------------------------------------------------------

void BM_Value_Read(benchmark::State& state) {
  mp::Value<long> value(1);
  for (auto _ : state) benchmark::DoNotOptimize(value.value());
}
BENCHMARK(BM_Value_Read);

void BM_Value_Write(benchmark::State& state) {
  mp::Value<long> value(1);
  long next = 0;
  for (auto _ : state) value.set_value(++next);
}
BENCHMARK(BM_Value_Write);

void BM_Value_IncrementUnderLock(benchmark::State& state) {
  mp::Value<long> value(0);
  for (auto _ : state) {
    std::lock_guard guard(value.get_lock());
    value.set_value(value.value() + 1);
  }
}
BENCHMARK(BM_Value_IncrementUnderLock);

void BM_RawValue_Read(benchmark::State& state) {
  mp::RawValue<long> value(1);
  for (auto _ : state) benchmark::DoNotOptimize(value.value());
}
BENCHMARK(BM_RawValue_Read);

void BM_Array_ElementWrite(benchmark::State& state) {
  mp::Array<long> array(64);
  std::size_t index = 0;
  for (auto _ : state) {
    array[index & 63] = static_cast<long>(index);
    ++index;
  }
}
BENCHMARK(BM_Array_ElementWrite);

// ---- cross-process ping-pong --------------------------------------------------------------------

long futex(std::atomic<std::uint32_t>* word, int op, std::uint32_t value) {
  return syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), op, value, nullptr, nullptr, 0);
}

// The floor: one futex word in MAP_SHARED memory; 1 = ping, 2 = pong, 3 = stop.
void BM_RawFutex_PingPong(benchmark::State& state) {
  void* memory = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  auto* word = new (memory) std::atomic<std::uint32_t>(0);
  pid_t child = fork();
  if (child == 0) {
    for (;;) {
      std::uint32_t seen = word->load();
      if (seen == 3) _exit(0);
      if (seen == 1) {
        word->store(2);
        futex(word, FUTEX_WAKE, 1);
        continue;
      }
      futex(word, FUTEX_WAIT, seen);
    }
  }
  for (auto _ : state) {
    word->store(1);
    futex(word, FUTEX_WAKE, 1);
    std::uint32_t seen;
    while ((seen = word->load()) != 2) futex(word, FUTEX_WAIT, seen);
  }
  word->store(3);
  futex(word, FUTEX_WAKE, 1);
  waitpid(child, nullptr, 0);
  munmap(memory, 4096);
}
BENCHMARK(BM_RawFutex_PingPong)->UseRealTime();

// Two semaphores: the parent releases `ping` and acquires `pong`; the child the reverse.
template <class Primitive>
void ping_pong(benchmark::State& state, Primitive ping, Primitive pong) {
  mp::RawValue<int> stop(0);
  pid_t child = fork();
  if (child == 0) {
    for (;;) {
      ping.acquire();
      if (stop.value() != 0) _exit(0);
      pong.release();
    }
  }
  for (auto _ : state) {
    ping.release();
    pong.acquire();
  }
  stop.set_value(1);
  ping.release();
  waitpid(child, nullptr, 0);
}

void BM_Semaphore_PingPong(benchmark::State& state) {
  ping_pong(state, mp::Semaphore(0), mp::Semaphore(0));
}
BENCHMARK(BM_Semaphore_PingPong)->UseRealTime();

// Locks as binary semaphores (a Lock may be released by another process, as in CPython).
void BM_Lock_PingPong(benchmark::State& state) {
  mp::Lock ping;
  mp::Lock pong;
  ping.acquire();
  pong.acquire();
  ping_pong(state, ping, pong);
}
BENCHMARK(BM_Lock_PingPong)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
