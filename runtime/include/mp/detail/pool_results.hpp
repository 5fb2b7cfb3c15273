#pragma once
// Internals of mp::Pool (pool.hpp): the jobs behind AsyncResult (ApplyJob, MapJob: a value decoded
// once, callbacks run on completion) and the collected input of a map.

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <ranges>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <variant>
#include <vector>

#include "mp/detail/pool_job.hpp"
#include "mp/detail/pool_tasks.hpp"
#include "mp/errors.hpp"
#include "mp/pool_options.hpp"
#include "mp/serialize.hpp"

namespace mp::detail {

template <class T>
using Stored = std::conditional_t<std::is_void_v<T>, std::monostate, T>;
// What map() of a function returning R gives: std::vector<R>, or void.
template <class R>
using MapValue = std::conditional_t<std::is_void_v<R>, void, std::vector<R>>;

void report_callback_error(const std::string& what) noexcept;  // src/pool.cpp

// A job whose value is decoded once, on demand or for the callback.
template <class T>
class ValueJob : public Job {
 public:
  ValueJob(std::size_t tasks, std::string class_name, Callbacks<T> callbacks)
      : Job(tasks, Order::all_at_once, std::move(class_name)), callbacks_(std::move(callbacks)) {}

  // After completion: the value, or the failure thrown.
  const Stored<T>& value() {
    if (const TaskOutcome* failed = failure()) failed->rethrow();
    // Not std::call_once: glibc's pthread_once makes a futex system call every time it runs.
    if (!decoded_.load(std::memory_order_acquire)) {
      std::lock_guard lock(decode_mutex_);
      if (!decoded_.load(std::memory_order_relaxed)) {
        value_ = decode();  // what decode() throws leaves the value to decode again
        decoded_.store(true, std::memory_order_release);
      }
    }
    return value_;
  }
  // As value(), moving it out: for the only holder (Pool::map of its own map_async).
  Stored<T> take() {
    value();
    return std::move(value_);
  }

 protected:
  virtual Stored<T> decode() = 0;

  void on_complete() noexcept override {
    try {
      if (const TaskOutcome* failed = failure()) {
        if (callbacks_.error_callback) {
          try {
            failed->rethrow();
          } catch (const std::exception& e) {
            callbacks_.error_callback(e);
          }
        }
      } else if (callbacks_.callback) {
        if constexpr (std::is_void_v<T>) {
          callbacks_.callback();
        } else {
          callbacks_.callback(value());
        }
      }
    } catch (const std::exception& e) {
      report_callback_error(e.what());
    } catch (...) {
      report_callback_error("exception of unknown type");
    }
  }

 private:
  Callbacks<T> callbacks_;
  std::mutex decode_mutex_;
  std::atomic<bool> decoded_{false};
  Stored<T> value_{};
};

template <class R>
class ApplyJob final : public ValueJob<R> {
 public:
  using ValueJob<R>::ValueJob;

 private:
  Stored<R> decode() override {
    if constexpr (std::is_void_v<R>) {
      return {};
    } else if constexpr (Serializable<R>) {
      return load_payload<R>(this->outcomes()[0]->bytes);
    } else {
      throw TypeError("cannot pickle '" + type_name_of(typeid(R)) + "' object");
    }
  }
};

// The chunks of a map, each a serialized std::vector<R>, concatenated in order.
template <class R>
class MapJob final : public ValueJob<MapValue<R>> {
 public:
  MapJob(std::size_t tasks, std::size_t items, Callbacks<MapValue<R>> callbacks)
      : ValueJob<MapValue<R>>(tasks, "MapResult", std::move(callbacks)), items_(items) {}

 private:
  Stored<MapValue<R>> decode() override {
    if constexpr (std::is_void_v<R>) {
      return {};
    } else if constexpr (std::is_arithmetic_v<R> && !std::is_same_v<R, bool>) {
      // cereal's vector of arithmetic values: a 64-bit count, then the values' bytes.
      std::vector<R> all(items_);
      std::size_t filled = 0;
      for (const auto& outcome : this->outcomes()) {
        const std::string& bytes = outcome->bytes;
        std::uint64_t count = 0;
        if (bytes.size() < sizeof count) throw ValueError("pool: truncated map result");
        std::memcpy(&count, bytes.data(), sizeof count);
        if (bytes.size() != sizeof count + count * sizeof(R) || filled + count > items_) {
          throw ValueError("pool: malformed map result");
        }
        std::memcpy(all.data() + filled, bytes.data() + sizeof count, count * sizeof(R));
        filled += count;
      }
      all.resize(filled);
      return all;
    } else if constexpr (Serializable<R>) {
      std::vector<R> all;
      all.reserve(items_);
      for (const auto& outcome : this->outcomes()) {
        if constexpr (std::is_same_v<R, std::string>) {
          if (append_string_vector(outcome->bytes, all)) continue;  // straight into place
        }
        std::vector<R> chunk = load_payload<std::vector<R>>(outcome->bytes);
        std::move(chunk.begin(), chunk.end(), std::back_inserter(all));
      }
      return all;
    } else {
      throw TypeError("cannot pickle '" + type_name_of(typeid(R)) + "' object");
    }
  }
  std::size_t items_;
};

// The items of an input range, collected (a contiguous range of T is used in place).
template <class R>
class CollectedItems {
 public:
  using T = std::remove_cvref_t<std::ranges::range_value_t<R>>;
  explicit CollectedItems(R& range) {
    if constexpr (std::ranges::contiguous_range<R> && std::ranges::sized_range<R> &&
                  std::is_same_v<std::remove_cvref_t<std::ranges::range_reference_t<R>>, T>) {
      data_ = std::ranges::data(range);
      size_ = std::ranges::size(range);
    } else {
      for (auto&& item : range) owned_.push_back(static_cast<T>(item));
      data_ = owned_.data();
      size_ = owned_.size();
    }
  }
  const T* data() const noexcept { return data_; }
  std::size_t size() const noexcept { return size_; }

 private:
  std::vector<T> owned_;
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace mp::detail
