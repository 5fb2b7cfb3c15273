#pragma once
// Python's repr() of the values a manager's dict and list hold, for the messages their errors carry:
// a missing key raises KeyError whose text is repr(key) ("KeyError: 'missing'", "KeyError: 3"),
// list.index raises ValueError "'a' is not in list".
//
// Strings as Python str (quotes and escapes as repr chooses them; bytes >= 0x80 are taken as UTF-8
// and printed as they are), integers, bool (True/False), floating point (Python's shortest repr),
// pairs and tuples ("(1, 'a')"), vectors ("[1, 2]"), optionals (None). Other types print as
// "<TypeName object>".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace mp::detail {

// repr of a Python str holding `text`: 'abc', "it's", 'a\n'.
std::string python_str_repr(std::string_view text);
// repr of a Python float ("0.1", "1e+16", "inf"); defined with the shared-memory reprs.
std::string python_float_repr(double value);
// "<TypeName object>" for a type with no Python counterpart.
std::string python_object_repr(const std::type_info& type);

template <class T>
std::string python_repr(const T& value);

template <class Tuple, std::size_t... I>
std::string python_tuple_repr(const Tuple& tuple, std::index_sequence<I...>) {
  std::string text = "(";
  ((text += (I == 0 ? "" : ", ") + python_repr(std::get<I>(tuple))), ...);
  if constexpr (sizeof...(I) == 1) text += ",";
  return text + ")";
}

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_tuple_like : std::false_type {};
template <class... T>
struct is_tuple_like<std::tuple<T...>> : std::true_type {};
template <class A, class B>
struct is_tuple_like<std::pair<A, B>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
std::string python_repr(const T& value) {
  if constexpr (std::is_same_v<T, bool>) {
    return value ? "True" : "False";
  } else if constexpr (std::is_integral_v<T>) {
    return std::to_string(value);
  } else if constexpr (std::is_floating_point_v<T>) {
    return python_float_repr(static_cast<double>(value));
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    return python_str_repr(std::string_view(value));
  } else if constexpr (is_tuple_like<T>::value) {
    return python_tuple_repr(value, std::make_index_sequence<std::tuple_size_v<T>>{});
  } else if constexpr (is_vector<T>::value) {
    std::string text = "[";
    for (std::size_t i = 0; i < value.size(); ++i) text += (i ? ", " : "") + python_repr(value[i]);
    return text + "]";
  } else if constexpr (is_optional<T>::value) {
    return value ? python_repr(*value) : std::string("None");
  } else {
    return python_object_repr(typeid(T));
  }
}

}  // namespace mp::detail
