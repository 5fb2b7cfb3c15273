#pragma once
// The untyped machinery of mp::Queue, JoinableQueue and SimpleQueue (mp/queue.hpp): a one-way
// pipe, the cross-process locks, the feeder thread, and a read buffer shared by every consumer.
//
// Shape and lifecycle are CPython's multiprocessing/queues.py:
// - put() appends to a per-process buffer and returns; a feeder thread, started by the first put,
//   serializes the buffered items and writes them to the pipe under the write lock. Several items
//   pending at once go out in one write.
// - starting the feeder registers two exit finalizers: close (priority 10: the feeder writes what
//   is buffered, closes this process's pipe ends and stops) and join (priority -5: wait for the
//   feeder), unless cancel_join_thread() was called. So a process that put an item the pipe cannot
//   hold does not finish exiting until someone reads it. Both hold the feeder weakly, and the
//   join finalizer ends with the feeder thread (CPython ties it to the thread object): a queue
//   destroyed without close() or join_thread() leaves nothing behind once its feeder has flushed.
// - a fork child starts with an empty buffer, no feeder, not closed (an AfterForkHook).
//
// The read side differs from CPython in one way that is not observable: a consumer holding the
// read lock reads as many bytes as the pipe has into a buffer in shared memory (so one read(2)
// serves many small messages), and every consumer takes messages from that buffer first. Bytes
// read by one process are therefore never lost to the others.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "mp/connection.hpp"
#include "mp/detail/lifecycle.hpp"
#include "mp/detail/shared_memory.hpp"
#include "mp/synchronize.hpp"

namespace mp::detail {

// Items put but not yet written, of one item type. pending (empty(), take_batch(), clear()) is
// guarded by the feeder's mutex; the batch belongs to whichever thread holds the feeder's flush
// token (Feeder::flushing).
class FeederBuffer {
 public:
  virtual ~FeederBuffer() = default;
  virtual bool empty() const noexcept = 0;
  virtual void clear() noexcept = 0;
  // Moves every pending item to the end of the batch.
  virtual void take_batch() = 0;
  // Appends the frame of the first batched item to out and drops the item; false when the batch is
  // empty. An item that cannot be serialized is dropped after on_error(the exception) (and true is
  // returned: the batch may hold more).
  virtual bool frame_next(std::string& out,
                          const std::function<void(const std::exception&)>& on_error) = 0;
  // When the first batched item is large enough to be written from where it is (a long
  // std::string): its frame's leading bytes (header, cereal size) in prefix, its characters in
  // body, and true; the item stays until pop_front(). False otherwise.
  virtual bool front_in_place(std::string& prefix, std::string_view& body) {
    (void)prefix;
    (void)body;
    return false;
  }
  virtual void pop_front() noexcept {}
  // A buffer of a long item already written (empty if none is kept), for the copy of the next
  // long item put: its memory is already the process's, where a fresh block would be faulted in
  // (and zeroed by the kernel) page by page. Thread-safe.
  virtual std::string take_spare() { return {}; }
  // An empty buffer of the same item type.
  virtual std::unique_ptr<FeederBuffer> make_empty() const = 0;
};

// Items at least this long are written from where they are (FeederBuffer::front_in_place).
inline constexpr std::size_t kInPlaceItemBytes = 64 * 1024;

enum class QueueKind { queue, joinable, simple };

// The pipe-plus-locks every queue kind has, and the shared read buffer.
struct QueueChannel {
  Connection reader;
  Connection writer;
  Lock rlock{SemLock{}};  // empty handles until create() or load()
  Lock wlock{SemLock{}};
  SharedMemory read_buffer;

  static QueueChannel create();

  // One message's payload (the read lock must be held). EOFError / OSError as Connection. With
  // head given and a payload of at least `split` bytes, the first `split` bytes go to *head and
  // the rest is returned (a long tail then lands in its own buffer, never shifted afterwards).
  std::string recv_locked(std::size_t split = 0, std::string* head = nullptr);
  // Whether a message is buffered or the pipe is readable, waiting up to timeout.
  bool poll(std::optional<std::chrono::duration<double>> timeout);

  template <class Archive>
  void save(Archive& archive) const {
    archive(reader, writer, rlock, wlock, read_buffer);
  }
  template <class Archive>
  void load(Archive& archive) {
    archive(reader, writer, rlock, wlock, read_buffer);
  }
};

struct Feeder;

// Called by every Queue read (get, get_nowait, empty) and every operation about to block this
// thread on another process (a SimpleQueue get, Connection recv and poll with a timeout, wait()):
// writes the small batches this process's queue feeders still hold, so a put followed by a read
// or a wait for the answer does not also wait for the feeder thread to be scheduled. Never
// blocks; a no-op (one atomic load) when nothing is pending.
void help_flush_pending_feeders();

// Bytes of the shared segment holding a queue's read buffer (header included).
inline constexpr std::size_t kReadBufferSegment = 64 * 1024;

// One Queue or JoinableQueue object in this process (shared by its handles).
class QueueCore {
 public:
  // A new queue: pipe, locks, semaphore of maxsize (<= 0: kSemValueMax).
  QueueCore(QueueKind kind, int maxsize, std::unique_ptr<FeederBuffer> buffer);
  // A queue rebuilt in a spawn/forkserver child from what save() wrote.
  QueueCore(QueueKind kind, std::unique_ptr<FeederBuffer> buffer, int maxsize, QueueChannel channel,
            BoundedSemaphore sem, std::optional<Semaphore> unfinished,
            std::optional<Condition> cond);
  ~QueueCore();
  QueueCore(const QueueCore&) = delete;
  QueueCore& operator=(const QueueCore&) = delete;

  // put(): ValueError if closed, Full when no slot frees up in time, then push_item(buffer) with
  // the feeder's mutex held.
  void put(bool block, std::optional<std::chrono::duration<double>> timeout,
           const std::function<void(FeederBuffer&)>& push_item);
  // FeederBuffer::take_spare() of this process's feeder.
  std::string spare_item_buffer();
  // get() up to deserialization: the payload of the next message, or Empty.
  std::string get_payload(bool block, std::optional<std::chrono::duration<double>> timeout,
                          std::size_t split = 0, std::string* head = nullptr);

  int qsize() const noexcept;
  bool empty();
  bool full() const noexcept;
  void close();
  void join_thread();
  void cancel_join_thread();
  void task_done();
  void join();

  // "<multiprocessing.queues.Queue object at 0x...>"
  std::string repr() const;
  std::string_view type_name() const noexcept;

  template <class Archive>
  void save(Archive& archive) const {
    assert_spawning(type_name());
    archive(maxsize_, channel_, sem_);
    if (kind_ == QueueKind::joinable) archive(*cond_, *unfinished_);
  }
  // Reads what save() wrote, for the QueueCore constructor above.
  template <class Archive>
  static std::shared_ptr<QueueCore> load(Archive& archive, QueueKind kind,
                                         std::unique_ptr<FeederBuffer> buffer) {
    int maxsize = 0;
    QueueChannel channel;
    BoundedSemaphore sem(1);
    archive(maxsize, channel, sem);
    std::optional<Semaphore> unfinished;
    std::optional<Condition> cond;
    if (kind == QueueKind::joinable) {
      cond.emplace();
      unfinished.emplace(0);
      archive(*cond, *unfinished);
    }
    return std::make_shared<QueueCore>(kind, std::move(buffer), maxsize, std::move(channel),
                                       std::move(sem), std::move(unfinished), std::move(cond));
  }

 private:
  void start_feeder_once();
  void reset_after_fork();
  void register_fork_reset();

  QueueKind kind_;
  int maxsize_;
  QueueChannel channel_;
  BoundedSemaphore sem_;
  std::optional<Semaphore> unfinished_;
  std::optional<Condition> cond_;

  std::shared_ptr<Feeder> feeder_;
  std::atomic<bool> feeder_started_{false};
  std::atomic<bool> closed_{false};
  std::mutex state_mutex_;  // guards the finalizer ids and join_cancelled_
  bool join_cancelled_ = false;
  std::optional<FinalizerId> join_finalizer_;
  std::optional<FinalizerId> close_finalizer_;
  AfterForkHook fork_reset_;  // reset_after_fork() in a fork child, while this queue lives
};

// One SimpleQueue object in this process: a locked pipe, no feeder.
class SimpleQueueCore {
 public:
  SimpleQueueCore();
  explicit SimpleQueueCore(QueueChannel channel) : channel_(std::move(channel)) {}

  void put_frame(std::string_view frame);
  std::string get_payload(std::size_t split = 0, std::string* head = nullptr);
  bool empty() { return !channel_.poll(std::chrono::duration<double>(0)); }
  void close() noexcept;

  template <class Archive>
  void save(Archive& archive) const {
    assert_spawning("SimpleQueue");
    archive(channel_);
  }
  template <class Archive>
  static std::shared_ptr<SimpleQueueCore> load(Archive& archive) {
    QueueChannel channel;
    archive(channel);
    return std::make_shared<SimpleQueueCore>(std::move(channel));
  }

 private:
  QueueChannel channel_;
};

}  // namespace mp::detail
