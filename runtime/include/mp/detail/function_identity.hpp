#pragma once
// Function identity: how "call fn(args...)" travels to another process of the same executable (a
// spawn or forkserver child, a pool worker), the way pickle sends a function by its qualified name.
//
// Code is named by its offset from an anchor inside this executable. Every process that runs the
// same executable (spawn and forkserver children are fresh execs of /proc/self/exe) finds the same
// code at anchor + offset, whatever ASLR did to the load address.
//
// A callable F is *transportable* when it is one of:
//   - a pointer to a free function (or a captureless lambda converted to one): sent as its offset;
//   - an empty, default-constructible function-object type (a captureless lambda, a stateless
//     functor): sent as nothing; the receiver default-constructs F;
//   - a default-constructible function-object type that cereal can serialize: sent as its state.
// A capturing lambda, a std::function or any other stateful type without serialize() is not
// transportable. That is not a compile error (it is fine under fork, where nothing is
// serialized): pack_call() throws, before anything is sent, what CPython raises for a lambda:
//   PicklingError: Can't pickle <function <lambda> at 0x55d0c0ffee00>: attribute lookup <lambda>
//   on __main__ failed
// (for a non-lambda type the `<function <lambda> ...>` part reads `<TypeName object at 0x...>` and
// the lookup names TypeName; the address is the callable object's). An argument or result type
// that cereal cannot serialize throws CPython's TypeError for an unpicklable object:
//   TypeError: cannot pickle 'TypeName' object
//
// Pool reuse: pack_call(fn, args...) gives a PackedCall (an 8-byte trampoline offset + payload
// bytes) that serializes with cereal; in the worker, PackedCall::invoke() deserializes fn and args,
// calls fn and returns the result serialized with mp::dumps (empty for void). Exceptions thrown by
// fn propagate out of invoke(). To send fn once and many argument tuples, use save_callable /
// load_callable and code_offset(&your_trampoline<F, Args...>) directly.

#include <concepts>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "mp/errors.hpp"
#include "mp/serialize.hpp"

namespace mp::detail {

// Offset of `code` (a function's address) from this executable's anchor. Throws PicklingError if
// the code does not belong to the main executable (e.g. a function of a shared library).
std::int64_t code_offset(const void* code);
// The address of the code at `offset` in this process (inverse of code_offset).
const void* code_address(std::int64_t offset) noexcept;

template <class Fn>
  requires std::is_function_v<Fn>
std::int64_t function_offset(Fn* fn) {
  return code_offset(reinterpret_cast<const void*>(fn));
}
template <class Fn>
  requires std::is_function_v<Fn>
Fn* function_at(std::int64_t offset) noexcept {
  return reinterpret_cast<Fn*>(const_cast<void*>(code_address(offset)));
}

// The code offset of a trampoline, computed once per trampoline (code_offset asks the dynamic
// loader, which costs more than the rest of a small task's packing or a manager call).
template <auto Trampoline>
std::int64_t trampoline_offset() {
  static const std::int64_t offset = code_offset(reinterpret_cast<const void*>(Trampoline));
  return offset;
}

// "TypeName" of T as C++ spells it (demangled), e.g. "std::mutex".
std::string type_name_of(const std::type_info& type);
// The PicklingError message for a non-transportable callable of `type` at `address`.
std::string callable_pickling_message(const std::type_info& type, const void* address);

template <class F>
struct is_std_function : std::false_type {};
template <class Sig>
struct is_std_function<std::function<Sig>> : std::true_type {};

template <class F>
concept FunctionPointer =
    std::is_pointer_v<F> && std::is_function_v<std::remove_pointer_t<F>>;

// A function-object type that travels as its type (and its cereal state, if any).
template <class F>
concept TransportableFunctionObject =
    std::is_class_v<F> && !is_std_function<F>::value && std::default_initializable<F> &&
    (std::is_empty_v<F> || Serializable<F>);

template <class F>
concept TransportableCallable = FunctionPointer<F> || TransportableFunctionObject<F>;

// Writes the identity (and state) of a transportable callable.
template <class Archive, class F>
  requires TransportableCallable<F>
void save_callable(Archive& archive, const F& fn) {
  if constexpr (FunctionPointer<F>) {
    archive(function_offset(fn));
  } else if constexpr (std::is_empty_v<F>) {
    // The type is the identity; nothing to write.
  } else {
    archive(fn);
  }
}

template <class F, class Archive>
  requires TransportableCallable<F>
F load_callable(Archive& archive) {
  if constexpr (FunctionPointer<F>) {
    std::int64_t offset = 0;
    archive(offset);
    return function_at<std::remove_pointer_t<F>>(offset);
  } else if constexpr (std::is_empty_v<F>) {
    return F{};
  } else {
    F fn{};
    archive(fn);
    return fn;
  }
}

// Throws the PicklingError / TypeError described above unless F and every Args can travel.
template <class F, class... Args>
void check_transportable(const F& fn) {
  if constexpr (!TransportableCallable<F>) {
    throw PicklingError(callable_pickling_message(typeid(F), static_cast<const void*>(&fn)));
  } else {
    (
        [] {
          if constexpr (!Serializable<Args>) {
            throw TypeError("cannot pickle '" + type_name_of(typeid(Args)) + "' object");
          }
        }(),
        ...);
  }
}

// What fn(args...) returns, serialized (empty for void).
template <class R>
std::string dumps_result(R&& result) {
  using Result = std::remove_cvref_t<R>;
  if constexpr (Serializable<Result>) {
    return dumps(result);
  } else {
    throw TypeError("cannot pickle '" + type_name_of(typeid(Result)) + "' object");
  }
}

// Calls fn(args...) and returns the result serialized (empty for void).
template <class F, class... Args>
std::string call_and_dump(F& fn, std::tuple<Args...>& args) {
  using Result = decltype(std::apply(fn, args));
  if constexpr (std::is_void_v<Result>) {
    std::apply(fn, args);
    return {};
  } else {
    return dumps_result(std::apply(fn, args));
  }
}

// Deserializes F and Args... from payload, calls, returns the serialized result.
template <class F, class... Args>
std::string call_trampoline(std::string_view payload) {
  std::istringstream in(std::string(payload), std::ios::binary);
  cereal::BinaryInputArchive archive(in);
  F fn = load_callable<F>(archive);
  std::tuple<Args...> args;
  archive(args);
  return call_and_dump(fn, args);
}

// Deserializes F and Args... from payload now and returns the call, ready to run later. Objects
// owning descriptors can only be rebuilt while a child's FdImportScope is active, so a call kept
// for later (a pool initializer) is bound while its carrier is deserialized.
template <class F, class... Args>
std::function<std::string()> bind_trampoline(std::string_view payload) {
  std::istringstream in(std::string(payload), std::ios::binary);
  cereal::BinaryInputArchive archive(in);
  struct Bound {
    F fn;
    std::tuple<Args...> args;
  };
  auto bound = std::make_shared<Bound>(Bound{load_callable<F>(archive), {}});
  archive(bound->args);
  return [bound] { return call_and_dump(bound->fn, bound->args); };
}

using CallTrampoline = std::string (*)(std::string_view payload);

// A call that can run in any process of this executable.
struct PackedCall {
  std::int64_t trampoline = 0;  // code_offset of call_trampoline<F, Args...>
  std::int64_t binder = 0;      // code_offset of bind_trampoline<F, Args...>
  std::string payload;          // callable identity/state, then the argument tuple

  // Runs the call here; returns the serialized result (empty for void). Throws what fn throws.
  std::string invoke() const { return function_at<std::string(std::string_view)>(trampoline)(payload); }

  // Deserializes the callable and arguments now; the returned call runs them later, here.
  std::function<std::string()> bind() const {
    return function_at<std::function<std::string()>(std::string_view)>(binder)(payload);
  }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(trampoline, binder, payload);
  }
};

// Packs fn(args...) by value. Throws PicklingError / TypeError (above) if something cannot travel.
// Objects owning descriptors serialize only inside an FdExportScope (see fd_transfer.hpp).
template <class F, class... Args>
  requires(!std::is_function_v<F>)
PackedCall pack_call(const F& fn, const Args&... args) {
  check_transportable<F, Args...>(fn);
  if constexpr (TransportableCallable<F> && (Serializable<Args> && ...)) {
    PackedCall call;
    call.trampoline = code_offset(reinterpret_cast<const void*>(&call_trampoline<F, Args...>));
    call.binder = code_offset(reinterpret_cast<const void*>(&bind_trampoline<F, Args...>));
    std::ostringstream out(std::ios::binary);
    {
      cereal::BinaryOutputArchive archive(out);
      save_callable(archive, fn);
      archive(std::tuple<const Args&...>(args...));
    }
    call.payload = std::move(out).str();
    return call;
  } else {
    return {};  // unreachable: check_transportable threw
  }
}
template <class R, class... P, class... Args>
PackedCall pack_call(R (&fn)(P...), const Args&... args) {
  return pack_call(&fn, args...);
}

}  // namespace mp::detail
