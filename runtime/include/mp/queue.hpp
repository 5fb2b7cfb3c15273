#pragma once
// Process-shared FIFO queues, as CPython's multiprocessing.queues: Queue<T>, JoinableQueue<T>,
// SimpleQueue<T>. Items travel as mp::dumps() payloads (cereal binary), so T is Serializable.
//
// Each is a handle: copies share one queue object, as Python names do. A queue reaches a child
// only as a Process argument (fork: inherited with the memory; spawn/forkserver: its descriptors
// are handed over). Serialized anywhere else — put on another queue, sent through a Connection, a
// pool task — it raises RuntimeError "Queue objects should only be shared between processes
// through inheritance" (JoinableQueue / SimpleQueue with their own names). As in CPython, a queue
// put on another queue fails in that queue's feeder thread (the traceback goes to stderr and the
// item is dropped); through a Connection, send() throws.
//
// Delivery semantics are CPython's (see mp/detail/queue_core.hpp): put() returns before the item
// can be read by anyone, so get_nowait() right after put() may raise Empty; a process that put
// items does not finish exiting until they are in the pipe unless cancel_join_thread() was called,
// so joining a child before taking its large item deadlocks, exactly as the Python docs warn.
// qsize(), empty() and full() are approximations, as CPython's.
//
// Errors: Empty, Full (no message); ValueError "Queue <multiprocessing.queues.Queue object at
// 0x...> is closed" from put/get after close(); AssertionError "Queue <...> not closed" from
// join_thread() before close(); ValueError "task_done() called too many times".

#include <chrono>
#include <deque>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "mp/detail/queue_core.hpp"
#include "mp/detail/typed_feeder_buffer.hpp"
#include "mp/detail/wire.hpp"
#include "mp/errors.hpp"
#include "mp/serialize.hpp"

namespace mp {

template <Serializable T>
class Queue {
 public:
  // maxsize <= 0: unbounded (SEM_VALUE_MAX).
  explicit Queue(int maxsize = 0)
      : core_(std::make_shared<detail::QueueCore>(
            detail::QueueKind::queue, maxsize, std::make_unique<detail::TypedFeederBuffer<T>>())) {}

  // Hands item to the feeder (a copy of it; an rvalue is moved); Full when block is false or
  // timeout passes without a free slot. A long std::string is copied into a buffer of an item
  // this queue already wrote (detail::TypedFeederBuffer keeps a few), not into fresh memory.
  void put(const T& item, bool block = true,
           std::optional<std::chrono::duration<double>> timeout = std::nullopt) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (item.size() >= detail::kInPlaceItemBytes) {
        std::string copy = core_->spare_item_buffer();
        copy.assign(item);
        put(std::move(copy), block, timeout);
        return;
      }
    }
    put(T(item), block, timeout);
  }
  void put(T&& item, bool block = true,
           std::optional<std::chrono::duration<double>> timeout = std::nullopt) {
    core_->put(block, timeout, [&item](detail::FeederBuffer& buffer) {
      static_cast<detail::TypedFeederBuffer<T>&>(buffer).push(std::move(item));
    });
  }
  void put_nowait(T item) { put(std::move(item), false); }

  // The next item; Empty when block is false and none is ready, or the timeout passes.
  T get(bool block = true, std::optional<std::chrono::duration<double>> timeout = std::nullopt) {
    // Deserialized after the read lock is released, as CPython.
    if constexpr (std::is_same_v<T, std::string>) {
      std::string head;
      std::string tail = core_->get_payload(block, timeout, sizeof(std::uint64_t), &head);
      return detail::load_string_payload(head, std::move(tail));
    } else {
      return detail::load_payload<T>(core_->get_payload(block, timeout));
    }
  }
  T get_nowait() { return get(false); }

  int qsize() const noexcept { return core_->qsize(); }
  bool empty() { return core_->empty(); }
  bool full() const noexcept { return core_->full(); }

  // No more puts or gets from this process; the feeder flushes what is buffered and stops.
  void close() { core_->close(); }
  // Waits for the feeder to flush (after close()).
  void join_thread() { core_->join_thread(); }
  // Lets this process exit without waiting for the feeder (buffered items may be lost).
  void cancel_join_thread() { core_->cancel_join_thread(); }

  friend bool operator==(const Queue& a, const Queue& b) noexcept { return a.core_ == b.core_; }

  template <class Archive>
  void save(Archive& archive) const {
    core_->save(archive);
  }
  template <class Archive>
  void load(Archive& archive) {
    core_ = detail::QueueCore::load(archive, kind(),
                                    std::make_unique<detail::TypedFeederBuffer<T>>());
  }

 protected:
  Queue(detail::QueueKind kind, int maxsize)
      : core_(std::make_shared<detail::QueueCore>(
            kind, maxsize, std::make_unique<detail::TypedFeederBuffer<T>>())) {}
  virtual detail::QueueKind kind() const noexcept { return detail::QueueKind::queue; }

  std::shared_ptr<detail::QueueCore> core_;
};

// A Queue whose consumers report each item done; join() waits until every item put has been.
template <Serializable T>
class JoinableQueue : public Queue<T> {
 public:
  explicit JoinableQueue(int maxsize = 0) : Queue<T>(detail::QueueKind::joinable, maxsize) {}

  // ValueError "task_done() called too many times" when more than were put.
  void task_done() { this->core_->task_done(); }
  // Until every item put has been reported done.
  void join() { this->core_->join(); }

 protected:
  detail::QueueKind kind() const noexcept override { return detail::QueueKind::joinable; }
};

// A locked pipe: put() writes at once (no feeder), get() blocks.
template <Serializable T>
class SimpleQueue {
 public:
  SimpleQueue() : core_(std::make_shared<detail::SimpleQueueCore>()) {}

  void put(const T& item) {
    // Serialized before taking the write lock, as CPython.
    std::string frame;
    detail::append_frame(frame, item);
    core_->put_frame(frame);
  }
  T get() {
    if constexpr (std::is_same_v<T, std::string>) {
      std::string head;
      std::string tail = core_->get_payload(sizeof(std::uint64_t), &head);
      return detail::load_string_payload(head, std::move(tail));
    } else {
      return detail::load_payload<T>(core_->get_payload());
    }
  }
  bool empty() { return core_->empty(); }
  void close() noexcept { core_->close(); }

  friend bool operator==(const SimpleQueue& a, const SimpleQueue& b) noexcept {
    return a.core_ == b.core_;
  }

  template <class Archive>
  void save(Archive& archive) const {
    core_->save(archive);
  }
  template <class Archive>
  void load(Archive& archive) {
    core_ = detail::SimpleQueueCore::load(archive);
  }

 private:
  std::shared_ptr<detail::SimpleQueueCore> core_;
};

}  // namespace mp
