#pragma once
// Internals of the queues (queue.hpp): the feeder buffer of a Queue<T> (queue_core.hpp's
// FeederBuffer for items of type T), which holds items put but not yet written and frames them
// for the feeder thread. For std::string items it also keeps the buffers of a few long items
// already written (up to kSpareBytes), which Queue::put(const T&) copies the next long item into.

#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "mp/detail/queue_core.hpp"
#include "mp/detail/wire.hpp"

namespace mp::detail {

template <class T>
class TypedFeederBuffer final : public FeederBuffer {
 public:
  void push(T item) { pending_.push_back(std::move(item)); }
  bool empty() const noexcept override { return pending_.empty(); }
  void clear() noexcept override { pending_.clear(); }
  void take_batch() override {
    if (batch_.empty()) {
      batch_.swap(pending_);
    } else {
      for (T& item : pending_) batch_.push_back(std::move(item));
      pending_.clear();
    }
  }
  bool frame_next(std::string& out,
                  const std::function<void(const std::exception&)>& on_error) override {
    if (batch_.empty()) return false;
    const std::size_t mark = out.size();
    try {
      append_frame(out, batch_.front());
    } catch (const std::exception& error) {
      out.resize(mark);
      batch_.pop_front();
      on_error(error);
      return true;
    }
    batch_.pop_front();
    return true;
  }
  bool front_in_place(std::string& prefix, std::string_view& body) override {
    if constexpr (std::is_same_v<T, std::string>) {
      if (batch_.empty() || batch_.front().size() < kInPlaceItemBytes) return false;
      const std::string& item = batch_.front();
      const std::uint64_t size = item.size();  // cereal's size prefix
      const std::uint64_t payload = sizeof size + size;
      prefix.assign(frame_header_size(payload), '\0');
      write_frame_header(prefix.data(), payload);
      prefix.append(reinterpret_cast<const char*>(&size), sizeof size);
      body = item;
      return true;
    } else {
      (void)prefix;
      (void)body;
      return false;
    }
  }
  void pop_front() noexcept override {
    if (batch_.empty()) return;
    if constexpr (std::is_same_v<T, std::string>) keep_spare(batch_.front());
    batch_.pop_front();
  }
  std::string take_spare() override {
    std::lock_guard lock(spare_mutex_);
    if (spares_.empty()) return {};
    std::string spare = std::move(spares_.back());
    spares_.pop_back();
    spare_bytes_ -= spare.capacity();
    return spare;
  }
  std::unique_ptr<FeederBuffer> make_empty() const override {
    return std::make_unique<TypedFeederBuffer<T>>();
  }

 private:
  // Keeps the buffer of a long item just written for take_spare(), up to kSpareBytes in all.
  void keep_spare(std::string& item) noexcept {
    if (item.size() < kInPlaceItemBytes) return;
    std::lock_guard lock(spare_mutex_);
    if (spare_bytes_ + item.capacity() > kSpareBytes) return;
    try {
      spares_.push_back(std::move(item));
    } catch (...) {
      return;  // no room to list it: the item is freed instead
    }
    spare_bytes_ += spares_.back().capacity();
  }

  // What a queue keeps of written items' buffers (long strings only).
  static constexpr std::size_t kSpareBytes = 8u << 20;

  std::deque<T> pending_;
  std::deque<T> batch_;
  std::mutex spare_mutex_;
  std::vector<std::string> spares_;
  std::size_t spare_bytes_ = 0;
};

}  // namespace mp::detail
