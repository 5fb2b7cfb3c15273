// Python's repr of strings and of objects without a Python counterpart (detail/manager_repr.hpp).
#include "mp/detail/manager_repr.hpp"

#include <cstdio>

#include "mp/detail/function_identity.hpp"

namespace mp::detail {

std::string python_str_repr(std::string_view text) {
  // repr picks single quotes unless the text has a single quote and no double quote.
  const bool has_single = text.find('\'') != std::string_view::npos;
  const bool has_double = text.find('"') != std::string_view::npos;
  const char quote = has_single && !has_double ? '"' : '\'';
  std::string out(1, quote);
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

std::string python_object_repr(const std::type_info& type) {
  return "<" + type_name_of(type) + " object>";
}

}  // namespace mp::detail
