#pragma once
// The pickle of C++: values travel between processes as bytes written by cereal's binary archive.
// Any type cereal can serialize travels (standard containers, strings, tuples, optionals, and user
// types with a `serialize(Archive&)` member). Types owning OS resources (queues, locks, shared
// memory) serialize only while a process is being started (see mp/detail/fd_transfer.hpp).

#include <cereal/archives/binary.hpp>
#include <cereal/types/array.hpp>
#include <cereal/types/chrono.hpp>
#include <cereal/types/deque.hpp>
#include <cereal/types/map.hpp>
#include <cereal/types/memory.hpp>
#include <cereal/types/optional.hpp>
#include <cereal/types/set.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/tuple.hpp>
#include <cereal/types/unordered_map.hpp>
#include <cereal/types/utility.hpp>
#include <cereal/types/variant.hpp>
#include <cereal/types/vector.hpp>

#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace mp {

// True when T can be written and read back by dumps()/loads().
template <class T>
concept Serializable =
    cereal::traits::is_output_serializable<std::remove_cvref_t<T>, cereal::BinaryOutputArchive>::value &&
    cereal::traits::is_input_serializable<std::remove_cvref_t<T>, cereal::BinaryInputArchive>::value;

// Serializes values into one byte string (like pickle.dumps of a tuple).
template <class... T>
std::string dumps(const T&... values) {
  std::ostringstream out(std::ios::binary);
  {
    cereal::BinaryOutputArchive archive(out);
    archive(values...);
  }
  return std::move(out).str();
}

// Reads back one value written by dumps(value).
template <class T>
T loads(std::string_view bytes) {
  std::istringstream in(std::string(bytes), std::ios::binary);
  cereal::BinaryInputArchive archive(in);
  T value{};
  archive(value);
  return value;
}

}  // namespace mp
