#pragma once
// The options of mp::Pool (pool.hpp): the worker initializer, the start method, the options struct,
// and the callbacks of the *_async calls.
//
//   mp::PoolOptions{.processes = 2, .initializer = mp::PoolInitializer(set_up, 1),
//                   .maxtasksperchild = 1, .context = "spawn"}

#include <concepts>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "mp/context.hpp"
#include "mp/detail/function_identity.hpp"

namespace mp {

// What each worker runs once before its first task (CPython's Pool(initializer=, initargs=)):
//   mp::PoolInitializer(set_up)            or   mp::PoolInitializer(set_up, 3, std::string("x"))
// Under fork the worker calls the stored callable (anything callable works, as a Process target);
// under spawn and forkserver it travels by identity with its arguments by value, and what cannot
// travel makes the Pool constructor throw PicklingError / TypeError (function_identity.hpp).
class PoolInitializer {
 public:
  PoolInitializer() = default;

  template <class F, class... Args>
    requires(!std::is_same_v<std::decay_t<F>, PoolInitializer> &&
             std::invocable<std::decay_t<F>&, std::decay_t<Args>&...>)
  PoolInitializer(F&& fn, Args&&... args) {  // NOLINT(google-explicit-constructor): `.initializer = f`
    using Fn = std::decay_t<F>;
    auto bound = std::make_shared<std::tuple<Fn, std::decay_t<Args>...>>(std::forward<F>(fn),
                                                                         std::forward<Args>(args)...);
    local_ = [bound] { std::apply([](auto& f, auto&... a) { f(a...); }, *bound); };
    pack_ = [bound] {
      return std::apply([](const auto& f, const auto&... a) { return detail::pack_call(f, a...); }, *bound);
    };
  }

  explicit operator bool() const noexcept { return local_ || packed_.has_value(); }

  // Runs the initializer in this process.
  void operator()() const {
    if (local_) {
      local_();
    } else if (packed_) {
      packed_->invoke();
    }
  }

  // Serializes as its PackedCall (throws what pack_call throws).
  template <class Archive>
  void save(Archive& archive) const {
    bool present = static_cast<bool>(*this);
    archive(present);
    if (present) archive(packed_ ? *packed_ : pack_());
  }
  template <class Archive>
  void load(Archive& archive) {
    bool present = false;
    archive(present);
    local_ = nullptr;
    pack_ = nullptr;
    packed_.reset();
    if (present) {
      detail::PackedCall call;
      archive(call);
      // Bound now: arguments owning descriptors (an Event, a Lock) are rebuilt only while the
      // worker's process object is deserialized.
      local_ = [bound = call.bind()] { bound(); };
      packed_ = std::move(call);
    }
  }

 private:
  std::function<void()> local_;
  std::function<detail::PackedCall()> pack_;
  std::optional<detail::PackedCall> packed_;
};

// Which start method a pool's workers use: a name ("fork", "spawn", "forkserver") or a Context
// (mp::get_context("spawn")); empty: the default context (CPython's Pool(context=None)).
struct PoolContext {
  std::string start_method;
  PoolContext() = default;
  PoolContext(const char* method) : start_method(method) {}           // NOLINT: `.context = "spawn"`
  PoolContext(std::string method) : start_method(std::move(method)) {}  // NOLINT
  PoolContext(const Context& context) : start_method(context.get_start_method()) {}  // NOLINT
};

struct PoolOptions {
  std::optional<int> processes;         // empty: cpu_count()
  PoolInitializer initializer;          // run by each worker before its first task
  std::optional<int> maxtasksperchild;  // tasks (chunks) per worker before it is replaced; empty: no limit
  PoolContext context;                  // empty: the default context
};

// callback(result) / error_callback(exception) of the *_async calls (CPython's callback=,
// error_callback=). T is the result type: R for apply_async, std::vector<R> for map_async.
template <class T>
struct Callbacks {
  std::function<void(const T&)> callback;
  std::function<void(const std::exception&)> error_callback;
};
template <>
struct Callbacks<void> {
  std::function<void()> callback;
  std::function<void(const std::exception&)> error_callback;
};

}  // namespace mp
