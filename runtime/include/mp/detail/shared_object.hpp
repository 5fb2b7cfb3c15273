#pragma once
// Internals of Value and Array (shared.hpp): the segment layout of a shared object, the ctypes
// names and reprs CPython prints, and tear-free loads and stores (src/shared.cpp).

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>

#include "mp/detail/shared_memory.hpp"
#include "mp/synchronize.hpp"

namespace mp::detail {

// Segment layout of every shared object: a SemaphoreState slot (used by Value and Array for their
// own lock), then the payload at kSharedPayloadOffset.
inline constexpr std::size_t kSharedPayloadOffset = 64;

// The ctypes class name CPython prints for T on LP64 Linux ("c_int", "c_double", "c_long" for
// both long and long long), or T's own unqualified name for other types.
std::string ctype_name(const std::type_info& type);

// CPython's class name of the synchronized wrapper: "Synchronized" for a simple ctypes value,
// "Synchronized<Name>" for a structure (e.g. "SynchronizedPoint").
std::string synchronized_class(const std::type_info& type, bool simple);
// Python's repr of a float ("100.0", "0.1", "1e+16", "1e-05", "inf").
std::string python_float_repr(double value);
// "<Class wrapper for inner>".
std::string wrapper_repr(std::string_view wrapper_class, std::string_view inner);
// The repr of the object at `address` of a non-simple ctypes type: "<__main__.Point object at 0x...>".
std::string object_repr(std::string_view class_path, const void* address);

// ctypes' repr of a simple value: "c_int(3)", "c_double(0.1)", "c_bool(True)", "c_char(b'x')";
// for other types their object repr.
template <class T>
std::string ctype_repr(const T& value, const void* address) {
  std::string name = ctype_name(typeid(T));
  if constexpr (std::is_same_v<T, bool>) {
    return name + (value ? "(True)" : "(False)");
  } else if constexpr (std::is_same_v<T, char>) {
    if (value >= 0x20 && value < 0x7f && value != '\\' && value != '\'') return name + "(b'" + value + "')";
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(value));
    return name + "(b'" + escaped + "')";
  } else if constexpr (std::is_floating_point_v<T>) {
    return name + "(" + python_float_repr(static_cast<double>(value)) + ")";
  } else if constexpr (std::is_integral_v<T>) {
    return name + "(" + std::to_string(value) + ")";
  } else {
    return object_repr("__main__." + name, address);
  }
}

// A new segment with room for `payload_bytes` after the lock slot.
SharedMemory make_shared_segment(std::size_t payload_bytes, std::string_view name);

// Plain loads and stores where T fits a lock-free atomic (relaxed: no tearing, no ordering), a
// memcpy otherwise. Unsynchronized access stays a race in meaning (as in CPython) but not UB.
// Whether T is accessed through atomic_ref: lock-free, and every element of an array starting at
// the 64-byte payload offset is aligned as atomic_ref requires.
template <class T>
inline constexpr bool kAtomicAccess =
    std::atomic_ref<T>::is_always_lock_free && sizeof(T) % std::atomic_ref<T>::required_alignment == 0;

template <class T>
T load_raw(const T* where) noexcept {
  if constexpr (kAtomicAccess<T>) {
    return std::atomic_ref<T>(*const_cast<T*>(where)).load(std::memory_order_relaxed);
  } else {
    T value;
    std::memcpy(&value, where, sizeof(T));
    return value;
  }
}
template <class T>
void store_raw(T* where, const T& value) noexcept {
  if constexpr (kAtomicAccess<T>) {
    std::atomic_ref<T>(*where).store(value, std::memory_order_relaxed);
  } else {
    std::memcpy(where, &value, sizeof(T));
  }
}

template <class T>
concept SharedLockType = std::is_same_v<T, Lock> || std::is_same_v<T, RLock>;

template <SharedLockType LockType>
constexpr SemKind kind_of() {
  return std::is_same_v<LockType, Lock> ? SemKind::lock : SemKind::rlock;
}

}  // namespace mp::detail
