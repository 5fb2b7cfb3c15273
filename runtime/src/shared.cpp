// Value / Array support: the ctypes names CPython prints and the segment layout.
#include <cxxabi.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
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

std::string synchronized_class(const std::type_info& type, bool simple) {
  return simple ? std::string("Synchronized") : "Synchronized" + ctype_name(type);
}

std::string python_float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // The shortest round-tripping digits, then Python's layout: positional for exponents in
  // [-4, 16), scientific with a signed two-digit exponent otherwise.
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::scientific);
  std::string text(buffer, end);
  std::string sign;
  if (text[0] == '-') {
    sign = "-";
    text.erase(0, 1);
  }
  auto e = text.find('e');
  int exponent = std::stoi(text.substr(e + 1));
  std::string digits = text.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return sign + "0." + std::string(static_cast<std::size_t>(-exponent - 1), '0') + digits;
    auto integer_digits = static_cast<std::size_t>(exponent) + 1;
    if (digits.size() <= integer_digits) return sign + digits + std::string(integer_digits - digits.size(), '0') + ".0";
    return sign + digits.substr(0, integer_digits) + "." + digits.substr(integer_digits);
  }
  std::string mantissa = digits.substr(0, 1);
  if (digits.size() > 1) mantissa += "." + digits.substr(1);
  char exponent_text[16];
  std::snprintf(exponent_text, sizeof exponent_text, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return sign + mantissa + exponent_text;
}

std::string wrapper_repr(std::string_view wrapper_class, std::string_view inner) {
  std::string text = "<";
  return text.append(wrapper_class).append(" wrapper for ").append(inner).append(">");
}

std::string object_repr(std::string_view class_path, const void* address) {
  char address_text[32];
  std::snprintf(address_text, sizeof address_text, "%p", address);
  std::string text = "<";
  return text.append(class_path).append(" object at ").append(address_text).append(">");
}

SharedMemory make_shared_segment(std::size_t payload_bytes, std::string_view name) {
  return SharedMemory::create(kSharedPayloadOffset + payload_bytes, name);
}

}  // namespace mp::detail
