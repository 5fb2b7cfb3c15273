// The feeder thread of a Queue, and the helpers' flush of pending batches (queue_feeder.hpp).
#include "queue_feeder.hpp"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <thread>
#include <vector>

#include "mp/detail/lifecycle.hpp"
#include "mp/detail/os_error.hpp"

namespace mp::detail {

namespace {

// Frames are written in chunks of about this many bytes (whole frames), so a batch of many large
// items is never concatenated into one huge buffer.
constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::size_t kKeepChunkCapacity = 16 << 20;
// After a batch of several items (a producer putting back to back), the feeder thread looks for
// more for this long before it sleeps, so such a producer pays no wake-up per item. After a batch
// of one (request/response traffic) it sleeps at once: spinning would only take a CPU from the
// processes on the critical path.
constexpr auto kSpin = std::chrono::microseconds(20);
// See queue_feeder.hpp.
constexpr auto kPollInterval = std::chrono::microseconds(200);
constexpr auto kIdleWindow = std::chrono::milliseconds(20);

void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

void spin_for_work(const Feeder& feeder) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  while (!feeder.has_work.load(std::memory_order_relaxed)) {
    for (int i = 0; i < 32; ++i) cpu_relax();
    if (std::chrono::steady_clock::now() >= until) return;
  }
}

// Writes all of data to a non-blocking pipe, waiting for room as needed.
void write_all_waiting(int fd, const char* data, std::size_t size, std::error_code& ec) {
  ec.clear();
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n >= 0) {
      data += n;
      size -= static_cast<std::size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno != EAGAIN) {
      ec = last_error();
      return;
    }
    pollfd room{fd, POLLOUT, 0};
    if (::poll(&room, 1, -1) < 0 && errno != EINTR) {
      ec = last_error();
      return;
    }
  }
}

// Writes one chunk of whole frames (`frames` of them) under the write lock.
void write_chunk(Feeder& feeder, const std::string& chunk, std::size_t frames) {
  if (frames == 0) return;
  std::error_code ec;
  try {
    std::lock_guard lock(feeder.wlock);
    write_all_waiting(feeder.writer.fileno(), chunk.data(), chunk.size(), ec);
    throw_if(ec);
  } catch (const std::exception& error) {
    for (std::size_t i = 1; i < frames; ++i) feeder.sem.release();
    feeder.report_error(error);
  }
}

struct PendingFeeders {
  std::mutex mutex;
  std::vector<std::shared_ptr<Feeder>> feeders;
  std::atomic<bool> any{false};
};

PendingFeeders*& pending_feeders_slot() {
  // Never destroyed: feeders may be listed until the process ends.
  static PendingFeeders* registry = [] {
    // A fork child starts with an empty list: the parent's feeders are not its own. The old list
    // (whose mutex another thread may have held at the fork) is left alone.
    register_after_fork([] { pending_feeders_slot() = new PendingFeeders(); });
    return new PendingFeeders();
  }();
  return registry;
}

}  // namespace

Feeder::Feeder(std::unique_ptr<FeederBuffer> items, const QueueChannel& channel,
               const BoundedSemaphore& semaphore)
    : buffer(std::move(items)),
      reader(channel.reader),
      writer(channel.writer),
      wlock(channel.wlock),
      sem(semaphore) {}

void Feeder::send_sentinel() {
  {
    std::lock_guard lock(mutex);
    sentinel = true;
  }
  wake.notify_all();
}

void Feeder::join() {
  std::unique_lock lock(done_mutex);
  done.wait(lock, [this] { return finished; });
}

void Feeder::mark_finished() {
  {
    std::lock_guard lock(done_mutex);
    finished = true;
  }
  done.notify_all();
}

void Feeder::report_error(const std::exception& error) {
  sem.release();
  const auto* mp_error = dynamic_cast<const Error*>(&error);
  std::string text = mp_error ? mp_error->str() : std::string("Exception: ") + error.what();
  std::string message =
      "Traceback (most recent call last):\n  File \"<mp queue feeder thread>\"\n" + text + "\n";
  (void)!::write(STDERR_FILENO, message.data(), message.size());
}

void run_feeder(std::shared_ptr<Feeder> feeder) {
  sigset_t all;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, nullptr);  // signals go to the program's own threads
  auto on_error = [&feeder](const std::exception& error) { feeder->report_error(error); };
  std::string chunk;
  std::size_t last_batch = 0;
  for (;;) {
    if (last_batch > 1) spin_for_work(*feeder);
    bool stop;
    {
      std::unique_lock lock(feeder->mutex);
      auto ready = [&] {
        return !feeder->flushing &&
               (!feeder->buffer->empty() || !feeder->carried.empty() || feeder->sentinel);
      };
      std::uint64_t puts_seen = feeder->puts.load(std::memory_order_relaxed);
      auto idle_since = std::chrono::steady_clock::now();
      while (!ready()) {
        const auto now = std::chrono::steady_clock::now();
        const std::uint64_t puts = feeder->puts.load(std::memory_order_relaxed);
        if (puts != puts_seen) {
          puts_seen = puts;
          idle_since = now;
        }
        if (now - idle_since < kIdleWindow) {
          feeder->wake.wait_for(lock, kPollInterval);
        } else {
          feeder->sleeping = true;
          feeder->wake.wait(lock);
          feeder->sleeping = false;
          idle_since = std::chrono::steady_clock::now();
        }
      }
      feeder->flushing = true;
      feeder->has_work.store(false, std::memory_order_relaxed);
      feeder->buffer->take_batch();
      chunk.swap(feeder->carried);
      feeder->carried.clear();
      stop = feeder->sentinel;
    }
    // Carried frames were counted by the helper that made them; count them as one write here.
    std::size_t frames = chunk.empty() ? 0 : 1;
    last_batch = frames;
    for (;;) {
      const std::size_t before = chunk.size();
      const bool more = feeder->buffer->frame_next(chunk, on_error);
      if (chunk.size() != before) {
        ++frames;
        ++last_batch;
      }
      if (!more || chunk.size() >= kChunkBytes) {
        write_chunk(*feeder, chunk, frames);
        chunk.clear();
        frames = 0;
        // Kept for the next batch (fresh pages cost more than the copy) unless very large.
        if (chunk.capacity() > kKeepChunkCapacity) std::string().swap(chunk);
      }
      if (!more) break;
    }
    {
      std::lock_guard lock(feeder->mutex);
      feeder->flushing = false;
    }
    if (stop) {
      feeder->reader.close();
      feeder->writer.close();
      break;
    }
  }
  feeder->mark_finished();
}

void register_pending_feeder(const std::shared_ptr<Feeder>& feeder) {
  PendingFeeders* registry = pending_feeders_slot();
  std::lock_guard lock(registry->mutex);
  registry->feeders.push_back(feeder);
  registry->any.store(true, std::memory_order_release);
}

void help_flush_pending_feeders() {
  PendingFeeders* registry = pending_feeders_slot();
  if (!registry->any.load(std::memory_order_acquire)) return;
  std::vector<std::shared_ptr<Feeder>> feeders;
  {
    std::lock_guard lock(registry->mutex);
    feeders.swap(registry->feeders);
    registry->any.store(false, std::memory_order_relaxed);
  }
  thread_local std::string frames;
  for (const std::shared_ptr<Feeder>& feeder : feeders) {
    {
      std::lock_guard lock(feeder->mutex);
      feeder->registered = false;
      if (feeder->flushing || feeder->sentinel || !feeder->carried.empty() ||
          feeder->buffer->empty()) {
        continue;
      }
      feeder->flushing = true;
      feeder->buffer->take_batch();
    }
    frames.clear();
    auto on_error = [&feeder](const std::exception& error) { feeder->report_error(error); };
    // Whole batch or nothing: it must fit one atomic pipe write (PIPE_BUF bytes: all or EAGAIN).
    while (frames.size() <= PIPE_BUF && feeder->buffer->frame_next(frames, on_error)) {
    }
    bool written = false;
    if (frames.empty()) {
      written = true;
    } else if (frames.size() <= PIPE_BUF && feeder->wlock.acquire(false)) {
      ssize_t n;
      do {
        n = ::write(feeder->writer.fileno(), frames.data(), frames.size());
      } while (n < 0 && errno == EINTR);
      feeder->wlock.release();
      written = n == static_cast<ssize_t>(frames.size());
    }
    bool left_work;
    {
      std::lock_guard lock(feeder->mutex);
      if (!written) {
        // The feeder thread writes these first, then the rest of the batch, then newer items.
        feeder->carried.insert(0, frames);
      }
      feeder->flushing = false;
      left_work = !feeder->carried.empty() || !feeder->buffer->empty();
      if (left_work) feeder->has_work.store(true, std::memory_order_relaxed);
    }
    // Wake the feeder thread only for work left to it (a wake-up is what helping avoids).
    if (left_work) feeder->wake.notify_all();
  }
}

}  // namespace mp::detail
