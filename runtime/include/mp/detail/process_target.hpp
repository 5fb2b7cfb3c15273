#pragma once
// Internals of mp::Process (process.hpp): a process object's target, type-erased, and how a
// process object travels to a spawn/forkserver child (a factory that rebuilds it there, by code
// offset, and its serialized payload; function_identity.hpp).

#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <tuple>
#include <typeinfo>
#include <utility>

#include "mp/detail/function_identity.hpp"

namespace mp {

class Process;

namespace detail {

class Popen;
struct ProcessAccess;  // the runtime's access to Process internals (src/)

// A process object as it travels to a spawn/forkserver child: the code offset of a factory
// `std::unique_ptr<Process>(*)(std::string_view payload)` that rebuilds it there, and its payload.
struct PackedProcess {
  std::int64_t factory = 0;
  std::string payload;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(factory, payload);
  }
};
using ProcessFactory = std::unique_ptr<Process> (*)(std::string_view payload);

// The target and its arguments, type-erased.
class ProcessTarget {
 public:
  virtual ~ProcessTarget() = default;
  virtual void call() = 0;
  // Throws PicklingError / TypeError if the target or an argument cannot travel.
  virtual PackedProcess pack() const = 0;
};

// Which Python class a process object stands for: its name prefix ("Process", "SpawnProcess").
struct ContextProcessTag {
  std::string_view class_name;
  std::string_view start_method;
};

std::string short_type_name(const std::type_info& type);  // without namespaces or templates

// The factory of a BoundTarget<F, Args...>: a Process with default options running the loaded
// target (Process is complete where this is instantiated: process.hpp).
template <class F, class... Args>
std::unique_ptr<Process> rebuild_bound_target(std::string_view payload) {
  std::istringstream in(std::string(payload), std::ios::binary);
  cereal::BinaryInputArchive archive(in);
  F fn = load_callable<F>(archive);
  std::tuple<Args...> args;
  archive(args);
  return std::apply([&](Args&... a) { return std::make_unique<Process>(std::move(fn), std::move(a)...); }, args);
}

// fn(args...), with the arguments stored by value.
template <class F, class... Args>
class BoundTarget final : public ProcessTarget {
 public:
  template <class G, class... A>
  explicit BoundTarget(G&& fn, A&&... args) : fn_(std::forward<G>(fn)), args_(std::forward<A>(args)...) {}

  void call() override { std::apply(fn_, args_); }

  PackedProcess pack() const override {
    check_transportable<F, Args...>(fn_);
    if constexpr (TransportableCallable<F> && (Serializable<Args> && ...)) {
      PackedProcess packed;
      packed.factory = code_offset(reinterpret_cast<const void*>(&rebuild_bound_target<F, Args...>));
      std::ostringstream out(std::ios::binary);
      {
        cereal::BinaryOutputArchive archive(out);
        save_callable(archive, fn_);
        archive(args_);
      }
      packed.payload = std::move(out).str();
      return packed;
    } else {
      return {};  // unreachable: check_transportable threw
    }
  }

 private:
  F fn_;
  std::tuple<Args...> args_;
};

}  // namespace detail
}  // namespace mp
