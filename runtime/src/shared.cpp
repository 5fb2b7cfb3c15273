// Value / Array support: the ctypes names CPython prints and the segment layout.
#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeindex>
#include <unordered_map>

#include "mp/shared.hpp"

namespace mp::detail {

static_assert(sizeof(SemaphoreState) <= kSharedPayloadOffset);

std::string ctype_name(const std::type_info& type) {
  static const std::unordered_map<std::type_index, const char*> names = {
      {typeid(bool), "c_bool"},          {typeid(char), "c_char"},
      {typeid(signed char), "c_byte"},   {typeid(unsigned char), "c_ubyte"},
      {typeid(short), "c_short"},        {typeid(unsigned short), "c_ushort"},
      {typeid(int), "c_int"},            {typeid(unsigned int), "c_uint"},
      {typeid(long), "c_long"},          {typeid(unsigned long), "c_ulong"},
      {typeid(long long), "c_long"},     {typeid(unsigned long long), "c_ulong"},
      {typeid(float), "c_float"},        {typeid(double), "c_double"},
      {typeid(long double), "c_longdouble"}, {typeid(wchar_t), "c_wchar"},
  };
  if (auto found = names.find(type); found != names.end()) return found->second;
  // A user type: its unqualified name, as a ctypes Structure subclass prints its class name.
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> demangled(
      abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
  std::string name = status == 0 && demangled ? demangled.get() : type.name();
  if (name.find('<') == std::string::npos) {
    if (auto colon = name.rfind("::"); colon != std::string::npos) name = name.substr(colon + 2);
  }
  return name;
}

SharedMemory make_shared_segment(std::size_t payload_bytes, std::string_view name) {
  return SharedMemory::create(kSharedPayloadOffset + payload_bytes, name);
}

}  // namespace mp::detail
