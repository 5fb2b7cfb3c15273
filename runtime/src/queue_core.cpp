// QueueCore: put/get, the feeder thread and its exit finalizers (CPython's Queue._start_thread).
#include "mp/detail/queue_core.hpp"

#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <iostream>
#include <thread>

#include "mp/detail/os_error.hpp"
#include "queue_feeder.hpp"

namespace mp::detail {

namespace {

std::string_view kind_name(QueueKind kind) {
  switch (kind) {
    case QueueKind::joinable:
      return "JoinableQueue";
    case QueueKind::simple:
      return "SimpleQueue";
    default:
      return "Queue";
  }
}

}  // namespace

QueueChannel QueueChannel::create() {
  QueueChannel channel;
  auto [reader, writer] = Pipe(false);
  channel.reader = std::move(reader);
  channel.writer = std::move(writer);
  channel.rlock = Lock();
  channel.wlock = Lock();
  channel.read_buffer = SharedMemory::create(kReadBufferSegment, "mp-queue");
  return channel;
}

QueueCore::QueueCore(QueueKind kind, int maxsize, std::unique_ptr<FeederBuffer> buffer)
    : kind_(kind),
      maxsize_(maxsize <= 0 ? static_cast<int>(kSemValueMax) : maxsize),
      channel_(QueueChannel::create()),
      sem_(maxsize_) {
  feeder_ = std::make_shared<Feeder>(std::move(buffer), channel_, sem_);
  if (kind_ == QueueKind::joinable) {
    unfinished_.emplace(0);
    cond_.emplace();
  }
  register_fork_reset();
}

QueueCore::QueueCore(QueueKind kind, std::unique_ptr<FeederBuffer> buffer, int maxsize,
                     QueueChannel channel, BoundedSemaphore sem,
                     std::optional<Semaphore> unfinished, std::optional<Condition> cond)
    : kind_(kind),
      maxsize_(maxsize),
      channel_(std::move(channel)),
      sem_(std::move(sem)),
      unfinished_(std::move(unfinished)),
      cond_(std::move(cond)),
      feeder_(std::make_shared<Feeder>(std::move(buffer), channel_, sem_)) {
  register_fork_reset();
}

QueueCore::~QueueCore() {
  // As CPython's Finalize(self, _finalize_close) on garbage collection: the feeder flushes and
  // stops; its join finalizer still holds the process's exit until it has, and is gone with the
  // feeder thread (so is everything the feeder holds).
  fork_reset_.reset();
  std::optional<FinalizerId> close_id;
  {
    std::lock_guard lock(state_mutex_);
    close_id.swap(close_finalizer_);
  }
  if (close_id) run_finalizer(*close_id);
}

void QueueCore::register_fork_reset() {
  // Unregistered when the queue is destroyed (CPython's weak registry).
  fork_reset_ = AfterForkHook([this] { reset_after_fork(); });
}

void QueueCore::reset_after_fork() {
  // The parent's feeder thread does not exist here; its mutex may have been held at the fork.
  // Leak the old state rather than destroy a mutex another (vanished) thread held.
  new std::shared_ptr<Feeder>(feeder_);
  feeder_ = std::make_shared<Feeder>(feeder_->buffer->make_empty(), channel_, sem_);
  feeder_started_.store(false);
  closed_.store(false);
  new (&state_mutex_) std::mutex();
  join_cancelled_ = false;
  join_finalizer_.reset();
  close_finalizer_.reset();
}

std::string QueueCore::repr() const {
  char address[32];
  std::snprintf(address, sizeof address, "%p", static_cast<const void*>(this));
  return "<multiprocessing.queues." + std::string(type_name()) + " object at " + address + ">";
}

std::string_view QueueCore::type_name() const noexcept { return kind_name(kind_); }

void QueueCore::start_feeder_once() {
  if (feeder_started_.load(std::memory_order_acquire)) return;
  std::lock_guard lock(state_mutex_);
  if (feeder_started_.load(std::memory_order_relaxed)) return;
  {
    std::lock_guard feeder_lock(feeder_->mutex);
    feeder_->buffer->clear();
  }
  // The finalizers hold the feeder weakly: the queue (until it is closed or destroyed) and the
  // thread (until it ends) are what keep it, and the thread cancels the join finalizer as it ends.
  std::weak_ptr<Feeder> weak = feeder_;
  if (!join_cancelled_) {
    join_finalizer_ = register_finalizer(-5, [weak] {
      if (auto feeder = weak.lock()) feeder->join();
    });
    std::lock_guard done_lock(feeder_->done_mutex);
    feeder_->join_finalizer = join_finalizer_;
  }
  close_finalizer_ = register_finalizer(10, [weak] {
    if (auto feeder = weak.lock()) feeder->send_sentinel();
  });
  try {
    std::thread(run_feeder, feeder_).detach();
  } catch (...) {
    if (join_finalizer_) cancel_finalizer(*join_finalizer_);
    cancel_finalizer(*close_finalizer_);
    join_finalizer_.reset();
    close_finalizer_.reset();
    throw;
  }
  feeder_started_.store(true, std::memory_order_release);
}

void QueueCore::put(bool block, std::optional<std::chrono::duration<double>> timeout,
                    const std::function<void(FeederBuffer&)>& push_item) {
  if (closed_.load(std::memory_order_relaxed)) throw ValueError("Queue " + repr() + " is closed");
  if (!sem_.acquire(block, timeout)) throw Full();
  start_feeder_once();
  std::optional<std::unique_lock<Condition>> cond_lock;
  if (cond_) cond_lock.emplace(*cond_);
  bool first_pending = false;
  bool wake_feeder = false;
  {
    std::lock_guard lock(feeder_->mutex);
    push_item(*feeder_->buffer);
    if (unfinished_) unfinished_->release();
    feeder_->has_work.store(true, std::memory_order_relaxed);
    feeder_->puts.fetch_add(1, std::memory_order_relaxed);
    first_pending = !feeder_->registered;
    feeder_->registered = true;
    wake_feeder = feeder_->sleeping;
  }
  // A polling feeder thread finds the item by itself (queue_feeder.hpp): no wake-up to pay.
  if (wake_feeder) feeder_->wake.notify_one();
  if (first_pending) register_pending_feeder(feeder_);
}

std::string QueueCore::spare_item_buffer() { return feeder_->buffer->take_spare(); }

std::string QueueCore::get_payload(bool block,
                                   std::optional<std::chrono::duration<double>> timeout,
                                   std::size_t split, std::string* head) {
  if (closed_.load(std::memory_order_relaxed)) throw ValueError("Queue " + repr() + " is closed");
  std::string payload;
  // About to block, or to look once: write this process's small pending batches first
  // (queue_feeder.hpp), so get_nowait() right after put() in one process finds the items.
  help_flush_pending_feeders();
  if (block && !timeout) {
    {
      std::lock_guard lock(channel_.rlock);
      payload = channel_.recv_locked(split, head);
    }
    sem_.release();
    return payload;
  }
  const Deadline deadline = deadline_after(timeout);
  if (!channel_.rlock.acquire(block, timeout)) throw Empty();
  try {
    std::optional<std::chrono::duration<double>> remaining = std::chrono::duration<double>(0);
    if (block && deadline) {
      timespec now{};
      clock_gettime(CLOCK_MONOTONIC, &now);
      remaining = std::chrono::duration<double>(
          static_cast<double>(deadline->tv_sec - now.tv_sec) +
          static_cast<double>(deadline->tv_nsec - now.tv_nsec) * 1e-9);
    }
    if (!channel_.poll(remaining)) throw Empty();
    payload = channel_.recv_locked(split, head);
    sem_.release();
  } catch (...) {
    channel_.rlock.release();
    throw;
  }
  channel_.rlock.release();
  return payload;
}

int QueueCore::qsize() const noexcept { return maxsize_ - static_cast<int>(sem_.value()); }

bool QueueCore::empty() {
  help_flush_pending_feeders();  // as get_nowait(): an item this process put is not hidden
  return !channel_.poll(std::chrono::duration<double>(0));
}

bool QueueCore::full() const noexcept { return sem_.value() == 0; }

void QueueCore::close() {
  closed_.store(true);
  std::optional<FinalizerId> close_id;
  {
    std::lock_guard lock(state_mutex_);
    close_id.swap(close_finalizer_);
  }
  if (close_id) run_finalizer(*close_id);
}

void QueueCore::join_thread() {
  if (!closed_.load()) throw AssertionError("Queue " + repr() + " not closed");
  std::optional<FinalizerId> join_id;
  {
    std::lock_guard lock(state_mutex_);
    join_id = join_finalizer_;
  }
  if (join_id) run_finalizer(*join_id);
}

void QueueCore::cancel_join_thread() {
  std::optional<FinalizerId> join_id;
  {
    std::lock_guard lock(state_mutex_);
    join_cancelled_ = true;
    join_id.swap(join_finalizer_);
  }
  if (join_id) cancel_finalizer(*join_id);
}

void QueueCore::task_done() {
  std::lock_guard lock(*cond_);
  if (!unfinished_->acquire(false)) throw ValueError("task_done() called too many times");
  if (unfinished_->get_value() == 0) cond_->notify_all();
}

void QueueCore::join() {
  std::lock_guard lock(*cond_);
  if (unfinished_->get_value() != 0) cond_->wait();
}

SimpleQueueCore::SimpleQueueCore() : channel_(QueueChannel::create()) {}

void SimpleQueueCore::put_frame(std::string_view frame) {
  std::lock_guard lock(channel_.wlock);
  channel_.writer.send_frame(frame);
}

std::string SimpleQueueCore::get_payload(std::size_t split, std::string* head) {
  help_flush_pending_feeders();
  std::lock_guard lock(channel_.rlock);
  return channel_.recv_locked(split, head);
}

void SimpleQueueCore::close() noexcept {
  channel_.reader.close();
  channel_.writer.close();
}

}  // namespace mp::detail
