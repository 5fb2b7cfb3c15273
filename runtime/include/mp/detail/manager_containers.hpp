#pragma once
// The objects behind a manager's dict, list, Value and Array proxies: Python's dict, list,
// managers.Value and array.array, living in the server process. Each method holds the object's
// mutex for its whole run, as the GIL makes each Python method call atomic. Errors are Python's,
// with its messages (KeyError carries repr(key), as str(KeyError(key)) prints).

#include <algorithm>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mp/detail/manager_protocol.hpp"
#include "mp/detail/manager_repr.hpp"
#include "mp/errors.hpp"

namespace mp::detail {

// A Python index (negative counts from the end) into a sequence of `size` items; out of range:
// IndexError "<what> index out of range" (what: "list", "list assignment", "pop", "array", ...).
std::size_t python_index(std::int64_t index, std::size_t size, std::string_view what);

// Python's dict: insertion-ordered (iteration order is the order keys were first inserted).
template <class K, class V>
class DictServant final : public Servant {
 public:
  DictServant() = default;
  explicit DictServant(std::vector<std::pair<K, V>> items) { update(std::move(items)); }

  V getitem(K key) {
    std::lock_guard lock(mutex_);
    return entry(key).second;
  }
  std::optional<V> get(K key) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    return entries_[it->second]->second;
  }
  V get_or(K key, V fallback) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    return it == index_.end() ? std::move(fallback) : entries_[it->second]->second;
  }
  void setitem(K key, V value) {
    std::lock_guard lock(mutex_);
    put(std::move(key), std::move(value));
  }
  V setdefault(K key, V fallback) {
    std::lock_guard lock(mutex_);
    auto it = index_.find(key);
    if (it != index_.end()) return entries_[it->second]->second;
    put(std::move(key), fallback);
    return fallback;
  }
  void delitem(K key) {
    std::lock_guard lock(mutex_);
    take(key);
  }
  V pop(K key) {
    std::lock_guard lock(mutex_);
    return take(key).second;
  }
  V pop_or(K key, V fallback) {
    std::lock_guard lock(mutex_);
    if (!index_.contains(key)) return fallback;
    return take(key).second;
  }
  // The last inserted item (LIFO, as Python 3.7+).
  std::pair<K, V> popitem() {
    std::lock_guard lock(mutex_);
    while (!entries_.empty() && !entries_.back()) entries_.pop_back();
    if (entries_.empty()) throw KeyError(python_str_repr("popitem(): dictionary is empty"));
    K key = entries_.back()->first;
    return take(key);
  }
  bool contains(K key) {
    std::lock_guard lock(mutex_);
    return index_.contains(key);
  }
  std::uint64_t size() {
    std::lock_guard lock(mutex_);
    return index_.size();
  }
  std::vector<K> keys() {
    return collect([](const std::pair<K, V>& item) { return item.first; });
  }
  std::vector<V> values() {
    return collect([](const std::pair<K, V>& item) { return item.second; });
  }
  std::vector<std::pair<K, V>> items() {
    return collect([](const std::pair<K, V>& item) { return item; });
  }
  std::map<K, V> copy() {
    std::lock_guard lock(mutex_);
    std::map<K, V> out;
    for (const auto& item : entries_) {
      if (item) out.insert(*item);
    }
    return out;
  }
  void update(std::vector<std::pair<K, V>> items) {
    std::lock_guard lock(mutex_);
    for (auto& [key, value] : items) put(std::move(key), std::move(value));
  }
  void clear() {
    std::lock_guard lock(mutex_);
    entries_.clear();
    index_.clear();
  }

 private:
  // project(item) of every item, in insertion order.
  template <class Project>
  auto collect(Project project) {
    std::lock_guard lock(mutex_);
    std::vector<decltype(project(std::declval<const std::pair<K, V>&>()))> out;
    for (const auto& item : entries_) {
      if (item) out.push_back(project(*item));
    }
    return out;
  }
  std::pair<K, V>& entry(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) throw KeyError(python_repr(key));
    return *entries_[it->second];
  }
  void put(K key, V value) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      entries_[it->second]->second = std::move(value);
      return;
    }
    index_.emplace(key, entries_.size());
    entries_.emplace_back(std::in_place, std::move(key), std::move(value));
  }
  std::pair<K, V> take(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) throw KeyError(python_repr(key));
    std::pair<K, V> item = std::move(*entries_[it->second]);
    entries_[it->second].reset();
    index_.erase(it);
    if (entries_.size() > 32 && index_.size() < entries_.size() / 2) compact();
    return item;
  }
  // Drops the holes erased keys left, keeping the order.
  void compact() {
    std::vector<std::optional<std::pair<K, V>>> kept;
    kept.reserve(index_.size());
    for (auto& item : entries_) {
      if (!item) continue;
      index_[item->first] = kept.size();
      kept.push_back(std::move(item));
    }
    entries_ = std::move(kept);
  }

  std::mutex mutex_;
  std::vector<std::optional<std::pair<K, V>>> entries_;  // insertion order; erased keys leave holes
  std::map<K, std::size_t> index_;                      // key -> position in entries_
};

// What Python's list and array.array share: Python's indexing, length, a copy of the items.
template <class T>
class SequenceServant : public Servant {
 public:
  T getitem(std::int64_t index) {
    std::lock_guard lock(mutex_);
    return items_[python_index(index, items_.size(), read_)];
  }
  void setitem(std::int64_t index, T value) {
    std::lock_guard lock(mutex_);
    items_[python_index(index, items_.size(), write_)] = std::move(value);
  }
  std::uint64_t size() {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  std::vector<T> list() {
    std::lock_guard lock(mutex_);
    return items_;
  }

 protected:
  // read, write: what IndexError names for a bad index to read or assign ("list", "list
  // assignment"; "array", "array assignment").
  SequenceServant(std::vector<T> items, std::string_view read, std::string_view write)
      : items_(std::move(items)), read_(read), write_(write) {}

  std::mutex mutex_;
  std::vector<T> items_;

 private:
  std::string_view read_;
  std::string_view write_;
};

// Python's list.
template <class T>
class ListServant final : public SequenceServant<T> {
  using SequenceServant<T>::mutex_;
  using SequenceServant<T>::items_;

 public:
  explicit ListServant(std::vector<T> items = {}) : SequenceServant<T>(std::move(items), "list", "list assignment") {}

  void delitem(std::int64_t index) {
    std::lock_guard lock(mutex_);
    std::size_t at = python_index(index, items_.size(), "list assignment");
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(at));
  }
  void append(T value) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(value));
  }
  void extend(std::vector<T> values) {
    std::lock_guard lock(mutex_);
    for (T& value : values) items_.push_back(std::move(value));
  }
  // Python's insert: an index past either end inserts at that end.
  void insert(std::int64_t index, T value) {
    std::lock_guard lock(mutex_);
    const auto size = static_cast<std::int64_t>(items_.size());
    if (index < 0) index = std::max<std::int64_t>(0, index + size);
    index = std::min(index, size);
    items_.insert(items_.begin() + index, std::move(value));
  }
  T pop(std::int64_t index) {
    std::lock_guard lock(mutex_);
    if (items_.empty()) throw IndexError("pop from empty list");
    std::size_t at = python_index(index, items_.size(), "pop");
    T value = std::move(items_[at]);
    items_.erase(items_.begin() + static_cast<std::ptrdiff_t>(at));
    return value;
  }
  void remove(T value) {
    std::lock_guard lock(mutex_);
    auto it = std::find(items_.begin(), items_.end(), value);
    if (it == items_.end()) throw ValueError("list.remove(x): x not in list");
    items_.erase(it);
  }
  std::uint64_t index(T value) {
    std::lock_guard lock(mutex_);
    auto it = std::find(items_.begin(), items_.end(), value);
    if (it == items_.end()) throw ValueError(python_repr(value) + " is not in list");
    return static_cast<std::uint64_t>(it - items_.begin());
  }
  std::uint64_t count(T value) {
    std::lock_guard lock(mutex_);
    return static_cast<std::uint64_t>(std::count(items_.begin(), items_.end(), value));
  }
  bool contains(T value) {
    std::lock_guard lock(mutex_);
    return std::find(items_.begin(), items_.end(), value) != items_.end();
  }
  void reverse() {
    std::lock_guard lock(mutex_);
    std::reverse(items_.begin(), items_.end());
  }
  // Stable, as Python's sort.
  void sort() {
    std::lock_guard lock(mutex_);
    std::stable_sort(items_.begin(), items_.end());
  }
};

// multiprocessing.managers.Value: one value behind get() and set().
template <class T>
class ValueServant final : public Servant {
 public:
  explicit ValueServant(T value = T{}) : value_(std::move(value)) {}
  T get() {
    std::lock_guard lock(mutex_);
    return value_;
  }
  void set(T value) {
    std::lock_guard lock(mutex_);
    value_ = std::move(value);
  }

 private:
  std::mutex mutex_;
  T value_;
};

// array.array, as the manager's Array makes it: fixed length, indexable.
template <class T>
class ArrayServant final : public SequenceServant<T> {
 public:
  explicit ArrayServant(std::vector<T> items = {}) : SequenceServant<T>(std::move(items), "array", "array assignment") {}
};

}  // namespace mp::detail
