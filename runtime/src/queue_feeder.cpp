// The feeder thread of a Queue, and the helpers' flush of pending batches (queue_feeder.hpp).
#include "queue_feeder.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <thread>
#include <vector>

#include "mp/detail/fd_io.hpp"
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

// Writes one chunk of whole frames (`frames` of them) under the write lock.
void write_chunk(Feeder& feeder, const std::string& chunk, std::size_t frames) {
  if (frames == 0) return;
  std::error_code ec;
  try {
    std::lock_guard lock(feeder.wlock);
    iovec part{const_cast<char*>(chunk.data()), chunk.size()};
    write_all(feeder.writer.send_fileno(), &part, 1, ec);
    throw_if(ec);
  } catch (const std::exception& error) {
    for (std::size_t i = 1; i < frames; ++i) feeder.sem.release();
    feeder.report_error(error);
  }
}

// Writes one frame given as its leading bytes and its body, under the write lock.
void write_in_place(Feeder& feeder, const std::string& prefix, std::string_view body) {
  std::error_code ec;
  try {
    std::lock_guard lock(feeder.wlock);
    iovec parts[2] = {{const_cast<char*>(prefix.data()), prefix.size()},
                      {const_cast<char*>(body.data()), body.size()}};
    write_all(feeder.writer.send_fileno(), parts, 2, ec);
    throw_if(ec);
  } catch (const std::exception& error) {
    feeder.report_error(error);
  }
}

struct PendingFeeders {
  std::mutex mutex;
  std::vector<std::shared_ptr<Feeder>> feeders;
  std::atomic<bool> any{false};
};

// Null until the first put of this process: helpers then cost one atomic load. Never destroyed
// (feeders may be listed until the process ends).
std::atomic<PendingFeeders*> g_pending_feeders{nullptr};

PendingFeeders* pending_feeders() {
  static PendingFeeders* registry = [] {
    // A fork child starts with an empty list: the parent's feeders are not its own. The old list
    // (whose mutex another thread may have held at the fork) is left alone.
    register_after_fork([] { g_pending_feeders.store(new PendingFeeders()); });
    auto* first = new PendingFeeders();
    g_pending_feeders.store(first);
    return first;
  }();
  (void)registry;
  return g_pending_feeders.load();
}

// Opens feeder.helper_fd once (the flush token is held). False when it cannot be had.
bool open_helper_fd(Feeder& feeder) {
  if (feeder.helper_fd >= 0) return true;
  if (feeder.helper_fd_failed) return false;
  int fd = -1;
  try {
    const std::string path = "/proc/self/fd/" + std::to_string(feeder.writer.send_fileno());
    fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
  } catch (const std::exception&) {  // the writer is closed
  }
  if (fd < 0) {
    feeder.helper_fd_failed = true;
    return false;
  }
  feeder.helper_fd = fd;
  return true;
}

}  // namespace

Feeder::Feeder(std::unique_ptr<FeederBuffer> items, const QueueChannel& channel,
               const BoundedSemaphore& semaphore)
    : buffer(std::move(items)),
      reader(channel.reader),
      writer(channel.writer),
      wlock(channel.wlock),
      sem(semaphore) {}

Feeder::~Feeder() { close_helper_fd(); }

void Feeder::close_helper_fd() noexcept {
  if (helper_fd >= 0) ::close(helper_fd);
  helper_fd = -1;
}

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
  std::optional<FinalizerId> join_id;
  {
    std::lock_guard lock(done_mutex);
    finished = true;
    join_id.swap(join_finalizer);
  }
  done.notify_all();
  if (join_id) cancel_finalizer(*join_id);
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
  std::string prefix;
  std::string_view body;
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
      if (feeder->buffer->front_in_place(prefix, body)) {
        // A long item: what is chunked so far, then the item from where it is (no copy).
        write_chunk(*feeder, chunk, frames);
        chunk.clear();
        frames = 0;
        write_in_place(*feeder, prefix, body);
        feeder->buffer->pop_front();
        ++last_batch;
        continue;
      }
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
      bool listed;
      {
        std::lock_guard lock(feeder->mutex);
        feeder->close_helper_fd();
        feeder->helper_fd_failed = true;
        listed = feeder->registered;
        feeder->registered = false;
      }
      // A list entry would keep this feeder (and its locks' segments) until the next helper.
      if (listed) unregister_pending_feeder(feeder.get());
      feeder->reader.close();
      feeder->writer.close();
      break;
    }
  }
  feeder->mark_finished();
}

void register_pending_feeder(const std::shared_ptr<Feeder>& feeder) {
  PendingFeeders* registry = pending_feeders();
  std::lock_guard lock(registry->mutex);
  registry->feeders.push_back(feeder);
  registry->any.store(true, std::memory_order_release);
}

void unregister_pending_feeder(const Feeder* feeder) {
  PendingFeeders* registry = pending_feeders();
  std::lock_guard lock(registry->mutex);
  std::erase_if(registry->feeders, [feeder](const auto& listed) { return listed.get() == feeder; });
  registry->any.store(!registry->feeders.empty(), std::memory_order_release);
}

void help_flush_pending_feeders() {
  PendingFeeders* registry = g_pending_feeders.load(std::memory_order_acquire);
  if (registry == nullptr || !registry->any.load(std::memory_order_acquire)) return;
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
    } else if (frames.size() <= PIPE_BUF && open_helper_fd(*feeder) &&
               feeder->wlock.acquire(false)) {
      // Non-blocking and at most PIPE_BUF bytes: written whole, or not at all (EAGAIN).
      const ssize_t n = retry_on_eintr([&] { return ::write(feeder->helper_fd, frames.data(), frames.size()); });
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
