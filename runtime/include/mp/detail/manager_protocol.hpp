#pragma once
// Internals of mp::Manager (managers.hpp): how a proxy call reaches the object in the server
// process and how its result or error comes back.
//
// Every client thread of every process keeps one connection per manager (CPython's per-thread
// connection of BaseProxy), opened on first use with CPython's HMAC handshake on the authkey. On
// it, each request and each reply is one frame (wire.hpp):
//   request  u8 op | u64 object id | i64 code offset | arguments (cereal)
//   reply    u8 kind | the result (cereal), or for kind error: type name and message (cereal)
// op call:     the code offset names method_trampoline<Method> (function_identity.hpp: the server
//              runs the same executable), which checks the object's type, loads the arguments,
//              calls the method and writes its result.
// op create:   the offset names create_trampoline<S, Args...>; the reply is the new object's id.
// op shutdown: the server replies, then exits.
// A method that throws replies with its exception's Python name and text, and the proxy re-raises
// it as the mp exception of that name (CPython's '#ERROR' reply).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "mp/detail/function_identity.hpp"
#include "mp/detail/wire.hpp"
#include "mp/errors.hpp"
#include "mp/serialize.hpp"

namespace mp::detail {

// An object owned by a manager's server. Each servant serializes its own methods (one mutex,
// CPython's GIL for that object): many client threads call it at once.
class Servant {
 public:
  virtual ~Servant() = default;
};

enum class ManagerOp : std::uint8_t { call = 0, create = 1, shutdown = 2 };
enum class ReplyKind : std::uint8_t { value = 0, error = 1 };

// Bytes before the arguments in a request payload.
inline constexpr std::size_t kRequestHeaderBytes = 1 + 8 + 8;

using MethodTrampoline = void (*)(Servant& servant, std::string_view arguments, std::string& reply);
using CreateTrampoline = std::unique_ptr<Servant> (*)(std::string_view arguments);

// Identifies a shared object: its server's address and its id there (CPython's Token).
struct ProxyToken {
  std::string address;
  std::uint64_t id = 0;
  // The key to authenticate with; empty: this process's authkey (current_process().authkey()).
  std::string authkey;
};

template <class Method>
struct MethodTraits;
template <class S, class R, class... A>
struct MethodTraits<R (S::*)(A...)> {
  using Servant = S;
  using Result = R;
  using Arguments = std::tuple<std::decay_t<A>...>;
};

[[noreturn]] void throw_wrong_servant(const std::type_info& expected);

// Server side of one method: checks the type, loads the arguments, calls, appends the result.
template <auto Method>
void method_trampoline(Servant& servant, std::string_view arguments, std::string& reply) {
  using Traits = MethodTraits<decltype(Method)>;
  auto* self = dynamic_cast<typename Traits::Servant*>(&servant);
  if (self == nullptr) throw_wrong_servant(typeid(typename Traits::Servant));
  typename Traits::Arguments loaded{};
  if constexpr (std::tuple_size_v<typename Traits::Arguments> > 0) {
    loaded = load_payload<typename Traits::Arguments>(arguments);
  }
  auto invoke = [self](auto&... values) -> decltype(auto) { return (self->*Method)(std::move(values)...); };
  if constexpr (std::is_void_v<typename Traits::Result>) {
    std::apply(invoke, loaded);
  } else {
    append_payload(reply, std::apply(invoke, loaded));
  }
}

// Server side of a factory: builds S from the arguments.
template <class S, class... Args>
std::unique_ptr<Servant> create_trampoline(std::string_view arguments) {
  if constexpr (sizeof...(Args) == 0) {
    return std::make_unique<S>();
  } else {
    auto loaded = load_payload<std::tuple<Args...>>(arguments);
    return std::apply([](Args&... values) { return std::make_unique<S>(std::move(values)...); }, loaded);
  }
}

// This thread's request buffer, emptied, with room for the frame header and the request header.
std::string& begin_request(ManagerOp op, std::uint64_t id, std::int64_t code);

// Sends the request begun by begin_request on this thread's connection to `token.address` (opened
// on first use) and waits for the reply. Returns the result bytes, valid until this thread's next
// request; throws the error the server replied with (as the mp exception of that name), or the
// OSError / EOFError of a connection the server closed.
std::string_view round_trip(const ProxyToken& token, std::string& request);

// Writes arguments as the tuple the trampoline loads: converted to the parameter types first
// (the conversions' temporaries live until write() returns).
template <class... Params>
struct ArgumentWriter {
  static void write(std::string& out, const Params&... params) {
    if constexpr (sizeof...(Params) > 0) append_payload(out, std::tuple<const Params&...>(params...));
  }
};
template <class Tuple>
struct ArgumentWriterFor;
template <class... Params>
struct ArgumentWriterFor<std::tuple<Params...>> {
  using type = ArgumentWriter<Params...>;
};

// Calls Method on the object `token` names, with `args` converted to its parameter types.
template <auto Method, class... Args>
typename MethodTraits<decltype(Method)>::Result call_method(const ProxyToken& token, Args&&... args) {
  using Traits = MethodTraits<decltype(Method)>;
  std::string& request = begin_request(ManagerOp::call, token.id, trampoline_offset<&method_trampoline<Method>>());
  ArgumentWriterFor<typename Traits::Arguments>::type::write(request, std::forward<Args>(args)...);
  std::string_view reply = round_trip(token, request);
  if constexpr (!std::is_void_v<typename Traits::Result>) {
    return load_payload<typename Traits::Result>(reply);
  }
}

// Creates an S from args on the server at token.address; returns its id.
template <class S, class... Args>
std::uint64_t create_object(const ProxyToken& server, const Args&... args) {
  std::string& request = begin_request(ManagerOp::create, 0, trampoline_offset<&create_trampoline<S, Args...>>());
  ArgumentWriter<Args...>::write(request, args...);
  return load_payload<std::uint64_t>(round_trip(server, request));
}

}  // namespace mp::detail
