// Code identity across processes of the same executable (function_identity.hpp).
#include "mp/detail/function_identity.hpp"

#include <cxxabi.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <memory>

namespace mp::detail {
namespace {

// The anchor every offset is taken from: code of this executable (mp is a static library).
__attribute__((noinline, used)) void code_anchor() { asm volatile(""); }

std::uintptr_t anchor_address() noexcept { return reinterpret_cast<std::uintptr_t>(&code_anchor); }

const void* image_base(const void* address) noexcept {
  Dl_info info{};
  if (dladdr(address, &info) == 0) return nullptr;
  return info.dli_fbase;
}

}  // namespace

std::int64_t code_offset(const void* code) {
  static const void* executable_base = image_base(reinterpret_cast<const void*>(&code_anchor));
  const void* base = image_base(code);
  if (base == nullptr || base != executable_base) {
    char address[32];
    std::snprintf(address, sizeof address, "%p", code);
    throw PicklingError(std::string("Can't pickle <function at ") + address +
                        ">: it is not code of the main executable");
  }
  return static_cast<std::int64_t>(reinterpret_cast<std::uintptr_t>(code) - anchor_address());
}

const void* code_address(std::int64_t offset) noexcept {
  return reinterpret_cast<const void*>(anchor_address() + static_cast<std::uintptr_t>(offset));
}

std::string type_name_of(const std::type_info& type) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  if (status != 0 || !demangled) return type.name();
  std::string name = demangled.get();
  // Spell the standard strings as written in code.
  if (name.rfind("std::__cxx11::basic_string<char", 0) == 0) return "std::string";
  for (std::string::size_type at; (at = name.find("std::__cxx11::")) != std::string::npos;) {
    name.erase(at + 5, 9);
  }
  static constexpr std::string_view anonymous = "(anonymous namespace)::";
  for (std::string::size_type at; (at = name.find(anonymous)) != std::string::npos;) {
    name.erase(at, anonymous.size());
  }
  return name;
}

std::string short_type_name(const std::type_info& type) {
  std::string name = type_name_of(type);
  // Drop template arguments, then namespaces/enclosing scopes.
  int depth = 0;
  std::string flat;
  for (char c : name) {
    if (c == '<') ++depth;
    if (depth == 0) flat += c;
    if (c == '>') --depth;
  }
  auto colon = flat.rfind("::");
  return colon == std::string::npos ? flat : flat.substr(colon + 2);
}

std::string callable_pickling_message(const std::type_info& type, const void* address) {
  char where[32];
  std::snprintf(where, sizeof where, "%p", address);
  std::string name = type_name_of(type);
  if (name.find("{lambda(") != std::string::npos) {
    return std::string("Can't pickle <function <lambda> at ") + where +
           ">: attribute lookup <lambda> on __main__ failed";
  }
  std::string short_name = short_type_name(type);
  return "Can't pickle <" + short_name + " object at " + where + ">: attribute lookup " + short_name +
         " on __main__ failed";
}

}  // namespace mp::detail
