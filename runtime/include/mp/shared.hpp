#pragma once
// Shared memory objects, as multiprocessing.Value / Array / RawValue / RawArray (sharedctypes):
// values of a trivially copyable T in a shared segment (mp/detail/shared_memory.hpp), seen by
// every process that holds a copy of the handle.
//
//   mp::Value<int> counter(0);                    // CPython: Value('i', 0) -- with an RLock
//   { std::lock_guard guard(counter.get_lock()); counter.set_value(counter.value() + 1); }
//   mp::Array<double> samples(8);                 // CPython: Array('d', 8), zero-filled
//   samples[3] = 1.5;  double x = samples[3];     // each access takes the lock, as CPython
//
// Value<T> and Array<T> are CPython's Synchronized wrappers: every read and write takes the lock
// (an RLock unless another lock type is given), so a single read or write is atomic, but
// `v.set_value(v.value() + 1)` is two separate locked steps, not an atomic increment (CPython's
// `v.value += 1` has the same race). Hold get_lock() around read-modify-write sequences.
// RawValue<T> and RawArray<T> have no lock (CPython's RawValue/RawArray, or lock=False).
//
// Handles are copyable; copies share the memory. Travel rules are CPython's: inherited by fork
// children, passed to spawn/forkserver children as Process arguments; serialized anywhere else
// they throw RuntimeError("Synchronized objects should only be shared between processes through
// inheritance") -- "SynchronizedArray" for Array, the ctypes name ("c_int", "c_int_Array_3") for
// the raw variants. The memory is freed when the last process holding it lets go.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <mutex>
#include <span>
#include <string>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "mp/detail/fd_transfer.hpp"
#include "mp/detail/shared_memory.hpp"
#include "mp/detail/shared_object.hpp"
#include "mp/synchronize.hpp"

namespace mp {

// A type a shared object can hold: copied bytewise into shared memory.
template <class T>
concept SharedTrivial = std::is_trivially_copyable_v<T> && alignof(T) <= detail::kSharedPayloadOffset;

// multiprocessing.RawValue: one T in shared memory, without a lock.
template <SharedTrivial T>
class RawValue {
 public:
  explicit RawValue(const T& initial = T{})
      : memory_(detail::make_shared_segment(sizeof(T), "mp-value")),
        object_(new (memory_.at<T>(detail::kSharedPayloadOffset)) T(initial)) {}

  T value() const noexcept { return detail::load_raw(object_); }
  void set_value(const T& value) noexcept { detail::store_raw(object_, value); }
  // The object itself, for in-place access (unsynchronized).
  T& get_obj() const noexcept { return *object_; }
  // "c_int(3)", as ctypes prints it.
  std::string repr() const { return detail::ctype_repr(value(), object_); }

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning(detail::ctype_name(typeid(T)));
    archive(memory_);
  }
  template <class Archive>
  void load(Archive& archive) {
    archive(memory_);
    object_ = memory_.at<T>(detail::kSharedPayloadOffset);
  }

 private:
  template <SharedTrivial U, detail::SharedLockType L>
  friend class Value;
  RawValue(detail::SharedMemory memory, const T& initial)
      : memory_(std::move(memory)),
        object_(new (memory_.at<T>(detail::kSharedPayloadOffset)) T(initial)) {}

  detail::SharedMemory memory_;
  T* object_ = nullptr;
};

// multiprocessing.Value: one T in shared memory whose reads and writes take a lock (CPython's
// Synchronized wrapper; the lock is a new RLock, in the same segment, unless one is given).
template <SharedTrivial T, detail::SharedLockType LockType = RLock>
class Value {
 public:
  explicit Value(const T& initial = T{}) : Value(initial, own_segment()) {}
  // Shares an existing lock (CPython: Value(typecode, value, lock=lock)).
  Value(const T& initial, LockType lock)
      : raw_(detail::make_shared_segment(sizeof(T), "mp-value"), initial), lock_(std::move(lock)) {}

  T value() const {
    std::lock_guard guard(lock_);
    return raw_.value();
  }
  void set_value(const T& value) {
    std::lock_guard guard(lock_);
    raw_.set_value(value);
  }
  // The lock (a reference to this handle's lock; copy it for a handle of its own).
  LockType& get_lock() const noexcept { return lock_; }
  // The unsynchronized object (CPython's get_obj()).
  RawValue<T> get_obj() const { return raw_; }
  // "<Synchronized wrapper for c_int(3)>", as CPython prints it.
  std::string repr() const {
    return detail::wrapper_repr(detail::synchronized_class(typeid(T), std::is_arithmetic_v<T>),
                                detail::ctype_repr(value(), raw_.object_));
  }

  bool acquire(bool block = true, detail::WaitTimeout timeout = std::nullopt) {
    return lock_.acquire(block, timeout);
  }
  void release() { lock_.release(); }
  void lock() { lock_.lock(); }
  void unlock() { lock_.unlock(); }
  bool try_lock() { return lock_.try_lock(); }

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning(detail::synchronized_class(typeid(T), std::is_arithmetic_v<T>));
    archive(raw_.memory_);
    lock_.save_handle(archive);
  }
  template <class Archive>
  void load(Archive& archive) {
    archive(raw_.memory_);
    raw_.object_ = raw_.memory_.template at<T>(detail::kSharedPayloadOffset);
    lock_.load_handle(archive);
  }

 private:
  struct OwnSegment {
    detail::SharedMemory memory;
  };
  static OwnSegment own_segment() {
    OwnSegment own{detail::make_shared_segment(sizeof(T), "mp-value")};
    detail::SemLock::initialize(own.memory.template at<detail::SemaphoreState>(),
                                detail::kind_of<LockType>(), 1, 1);
    return own;
  }
  Value(const T& initial, OwnSegment own)
      : raw_(own.memory, initial), lock_(detail::SemLock(own.memory, 0)) {}

  RawValue<T> raw_;
  mutable LockType lock_;
};

// multiprocessing.RawArray: a fixed number of T in shared memory, without a lock. Elements are
// plain references (unsynchronized, as ctypes arrays).
template <SharedTrivial T>
class RawArray {
 public:
  // `size` zero-initialized elements (CPython: RawArray('i', 10)).
  explicit RawArray(std::size_t size) : RawArray(allocate(size), size) {}
  // An empty handle (no memory), only to load a RawArray into.
  RawArray() = default;
  // A copy of `values` (CPython: RawArray('i', [1, 2, 3])).
  RawArray(std::initializer_list<T> values) : RawArray(std::span<const T>(values.begin(), values.size())) {}
  explicit RawArray(std::span<const T> values) : RawArray(values.size()) {
    std::copy(values.begin(), values.end(), data_);
  }
  explicit RawArray(const std::vector<T>& values) : RawArray(std::span<const T>(values)) {}

  std::size_t size() const noexcept { return size_; }
  T& operator[](std::size_t index) const noexcept { return data_[index]; }
  T* data() const noexcept { return data_; }
  T* begin() const noexcept { return data_; }
  T* end() const noexcept { return data_ + size_; }
  std::vector<T> to_vector() const { return std::vector<T>(begin(), end()); }
  // "<multiprocessing.sharedctypes.c_int_Array_3 object at 0x...>", as CPython prints it.
  std::string repr() const {
    return detail::object_repr("multiprocessing.sharedctypes." + detail::ctype_name(typeid(T)) +
                                   "_Array_" + std::to_string(size_),
                               data_);
  }

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning(detail::ctype_name(typeid(T)) + "_Array_" + std::to_string(size_));
    archive(memory_, static_cast<std::uint64_t>(size_));
  }
  template <class Archive>
  void load(Archive& archive) {
    std::uint64_t size = 0;
    archive(memory_, size);
    size_ = static_cast<std::size_t>(size);
    data_ = memory_.at<T>(detail::kSharedPayloadOffset);
  }

 private:
  template <SharedTrivial U, detail::SharedLockType L>
  friend class Array;
  static detail::SharedMemory allocate(std::size_t size) {
    return detail::make_shared_segment(size * sizeof(T), "mp-array");
  }
  RawArray(detail::SharedMemory memory, std::size_t size)
      : memory_(std::move(memory)), data_(memory_.at<T>(detail::kSharedPayloadOffset)), size_(size) {
    for (std::size_t i = 0; i < size_; ++i) new (data_ + i) T{};
  }

  detail::SharedMemory memory_;
  T* data_ = nullptr;
  std::size_t size_ = 0;
};

// multiprocessing.Array: a RawArray whose element reads and writes take a lock (CPython's
// SynchronizedArray; a new RLock in the same segment unless one is given). Element access goes
// through a Reference proxy: `a[i] = x`, `T x = a[i]`, `a[i] += d` (a locked read, then a locked
// write: not atomic, as CPython's `a[i] += d`). Indexes are unchecked.
template <SharedTrivial T, detail::SharedLockType LockType = RLock>
class Array {
 public:
  class Reference {
   public:
    operator T() const { return array_->get(index_); }
    Reference& operator=(const T& value) {
      array_->set(index_, value);
      return *this;
    }
    Reference& operator=(const Reference& other) { return *this = static_cast<T>(other); }
    Reference& operator+=(const T& delta) { return *this = static_cast<T>(*this) + delta; }
    Reference& operator-=(const T& delta) { return *this = static_cast<T>(*this) - delta; }

   private:
    friend class Array;
    Reference(const Array* array, std::size_t index) : array_(array), index_(index) {}
    const Array* array_;
    std::size_t index_;
  };

  explicit Array(std::size_t size) : Array(own_segment(size), size) {}
  // An empty handle (no memory), only to load an Array into.
  Array() = default;
  Array(std::initializer_list<T> values) : Array(std::span<const T>(values.begin(), values.size())) {}
  explicit Array(std::span<const T> values) : Array(values.size()) {
    std::copy(values.begin(), values.end(), raw_.data());
  }
  explicit Array(const std::vector<T>& values) : Array(std::span<const T>(values)) {}
  // Shares an existing lock (CPython: Array(typecode, size, lock=lock)).
  Array(std::size_t size, LockType lock)
      : raw_(RawArray<T>::allocate(size), size), lock_(std::move(lock)) {}

  std::size_t size() const noexcept { return raw_.size(); }
  Reference operator[](std::size_t index) { return Reference(this, index); }
  T operator[](std::size_t index) const { return get(index); }
  T get(std::size_t index) const {
    std::lock_guard guard(lock_);
    return detail::load_raw(raw_.data() + index);
  }
  void set(std::size_t index, const T& value) const {
    std::lock_guard guard(lock_);
    detail::store_raw(raw_.data() + index, value);
  }
  // All elements, read under the lock in one step (CPython: a[:]).
  std::vector<T> to_vector() const {
    std::lock_guard guard(lock_);
    return raw_.to_vector();
  }
  // The lock (a reference to this handle's lock; copy it for a handle of its own).
  LockType& get_lock() const noexcept { return lock_; }
  RawArray<T> get_obj() const { return raw_; }
  // "<SynchronizedArray wrapper for <multiprocessing.sharedctypes.c_int_Array_3 object at 0x...>>".
  std::string repr() const { return detail::wrapper_repr(kClassName, raw_.repr()); }

  bool acquire(bool block = true, detail::WaitTimeout timeout = std::nullopt) {
    return lock_.acquire(block, timeout);
  }
  void release() { lock_.release(); }
  void lock() { lock_.lock(); }
  void unlock() { lock_.unlock(); }
  bool try_lock() { return lock_.try_lock(); }

  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning(kClassName);
    archive(raw_.memory_, static_cast<std::uint64_t>(raw_.size_));
    lock_.save_handle(archive);
  }
  template <class Archive>
  void load(Archive& archive) {
    std::uint64_t size = 0;
    archive(raw_.memory_, size);
    raw_.size_ = static_cast<std::size_t>(size);
    raw_.data_ = raw_.memory_.template at<T>(detail::kSharedPayloadOffset);
    lock_.load_handle(archive);
  }

 private:
  // CPython wraps a char array (Array('c', ...)) in SynchronizedString.
  static constexpr const char* kClassName =
      std::is_same_v<T, char> ? "SynchronizedString" : "SynchronizedArray";

  static detail::SharedMemory own_segment(std::size_t size) {
    detail::SharedMemory memory = RawArray<T>::allocate(size);
    detail::SemLock::initialize(memory.template at<detail::SemaphoreState>(),
                                detail::kind_of<LockType>(), 1, 1);
    return memory;
  }
  Array(detail::SharedMemory memory, std::size_t size)
      : raw_(memory, size), lock_(detail::SemLock(memory, 0)) {}

  RawArray<T> raw_;
  mutable LockType lock_;
};

}  // namespace mp
