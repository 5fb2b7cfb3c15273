#pragma once
// Internals of mp::Manager (managers.hpp): what every proxy class shares, CPython's BaseProxy (the
// token of one object of one manager, how it serializes, and the call), and the indexing that list
// and Array proxies share.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mp/detail/fd_transfer.hpp"
#include "mp/detail/manager_protocol.hpp"
#include "mp/process.hpp"

namespace mp::detail {

// Seconds for the wire; nullopt is Python's None.
inline std::optional<double> wire_seconds(std::optional<std::chrono::duration<double>> timeout) {
  if (!timeout) return std::nullopt;
  return timeout->count();
}

// CPython's BaseProxy: the token of one object of one manager, and the call machinery.
class BaseProxy {
 public:
  // A proxy naming nothing (to load a received one into); calls throw ValueError.
  BaseProxy() = default;

  // The server's socket path and the object's id there (CPython's proxy._token).
  const std::string& address() const noexcept { return token_.address; }
  std::uint64_t id() const noexcept { return token_.id; }

  friend bool operator==(const BaseProxy& a, const BaseProxy& b) noexcept {
    return a.token_.id == b.token_.id && a.token_.address == b.token_.address;
  }

  // The authkey travels only to a child being started (CPython's __reduce__).
  template <class Archive>
  void save(Archive& archive) const {
    std::string authkey;
    if (spawning()) authkey = token_.authkey.empty() ? current_process().authkey() : token_.authkey;
    archive(token_.address, token_.id, authkey);
  }
  template <class Archive>
  void load(Archive& archive) {
    archive(token_.address, token_.id, token_.authkey);
  }

 protected:
  explicit BaseProxy(ProxyToken token) : token_(std::move(token)) {}

  template <auto Method, class... Args>
  decltype(auto) call(Args&&... args) const {
    return call_method<Method>(token_, std::forward<Args>(args)...);
  }

 private:
  ProxyToken token_;
};

// What a list and an Array proxy share: Python indexing (negative counts from the end), length,
// and a copy of every item.
template <class T, class S>
class SequenceProxy : public BaseProxy {
 public:
  // s[i]: a copy; IndexError "list index out of range" / "array index out of range".
  T operator[](std::int64_t index) const { return get(index); }
  T get(std::int64_t index) const { return call<&S::getitem>(index); }
  // s[i] = value; IndexError "list assignment index out of range" / "array assignment ...".
  void set(std::int64_t index, const T& value) const { call<&S::setitem>(index, value); }
  std::size_t size() const { return call<&S::size>(); }
  // A copy of every item (Python's s[:]).
  std::vector<T> list() const { return call<&S::list>(); }

 protected:
  SequenceProxy() = default;
  using BaseProxy::BaseProxy;
};

}  // namespace mp::detail
