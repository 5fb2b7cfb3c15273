#pragma once
// Bytes on the wire of connections and queues. A message is a frame: a 4-byte big-endian signed
// length, then the payload; a payload over 0x7fffffff bytes has the length -1 followed by an 8-byte
// big-endian length (CPython's Connection._send_bytes). Objects are payloads written by the cereal
// binary archive: the same bytes as mp::dumps(obj), without its stringstream copies.

#include <cereal/archives/binary.hpp>

#include <cstdint>
#include <cstring>
#include <istream>
#include <ostream>
#include <streambuf>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "mp/serialize.hpp"

namespace mp::detail {

inline constexpr std::uint64_t kShortFrameLimit = 0x7fffffff;

// Bytes of a frame header for a payload of n bytes: 4, or 12 for the extended form.
constexpr std::size_t frame_header_size(std::uint64_t n) noexcept {
  return n > kShortFrameLimit ? 12 : 4;
}

// Writes the header for a payload of n bytes at out (frame_header_size(n) bytes).
inline void write_frame_header(char* out, std::uint64_t n) noexcept {
  auto put_be = [](char* at, std::uint64_t value, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) {
      at[i] = static_cast<char>(value & 0xff);
      value >>= 8;
    }
  };
  if (n > kShortFrameLimit) {
    put_be(out, 0xffffffffu, 4);
    put_be(out + 4, n, 8);
  } else {
    put_be(out, n, 4);
  }
}

// A big-endian unsigned integer of `bytes` bytes at `in`.
inline std::uint64_t read_be(const char* in, int bytes) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) value = (value << 8) | static_cast<unsigned char>(in[i]);
  return value;
}

// Python's repr of a bytes object: b'abc', b"it's", b'\x00' (src/connection.cpp), for error
// messages that quote a message.
std::string python_bytes_repr(std::string_view bytes);

// A streambuf appending to a std::string.
class StringAppendBuf : public std::streambuf {
 public:
  explicit StringAppendBuf(std::string& out) : out_(out) {}

 protected:
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    out_.append(s, static_cast<std::size_t>(n));
    return n;
  }
  int_type overflow(int_type ch) override {
    if (!traits_type::eq_int_type(ch, traits_type::eof())) out_.push_back(traits_type::to_char_type(ch));
    return ch;
  }

 private:
  std::string& out_;
};

// A read-only streambuf over borrowed bytes.
class ViewBuf : public std::streambuf {
 public:
  explicit ViewBuf(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());
    setg(begin, begin, begin + bytes.size());
  }
  // Bytes read so far (cereal reads exactly what it loads).
  std::size_t consumed() const noexcept { return static_cast<std::size_t>(gptr() - eback()); }
};

// Reusable per-thread streams: constructing a std::ostream/istream (locale, facets) costs more
// than serializing a small item. `in_use` guards against a serialize() that itself sends.
struct ThreadStreams {
  std::string* target = nullptr;
  struct AppendBuf : std::streambuf {
    std::string** target;
    explicit AppendBuf(std::string** t) : target(t) {}
    std::streamsize xsputn(const char* s, std::streamsize n) override {
      (*target)->append(s, static_cast<std::size_t>(n));
      return n;
    }
    int_type overflow(int_type ch) override {
      if (!traits_type::eq_int_type(ch, traits_type::eof())) (*target)->push_back(traits_type::to_char_type(ch));
      return ch;
    }
  } append_buf{&target};
  struct ReadBuf : std::streambuf {
    void reset(std::string_view bytes) {
      char* begin = const_cast<char*>(bytes.data());
      setg(begin, begin, begin + bytes.size());
    }
    std::size_t consumed() const noexcept { return static_cast<std::size_t>(gptr() - eback()); }
  } read_buf;
  std::ostream out{&append_buf};
  std::istream in{&read_buf};
  bool in_use = false;

  static ThreadStreams& get() {
    thread_local ThreadStreams streams;
    return streams;
  }
};

// Calls write(archive) with a cereal binary output archive appending to out: over this thread's
// reusable stream, or over a fresh one when that is in use (write() itself serializing).
template <class Write>
void with_output_archive(std::string& out, Write&& write) {
  ThreadStreams& streams = ThreadStreams::get();
  if (streams.in_use) {
    StringAppendBuf buf(out);
    std::ostream stream(&buf);
    cereal::BinaryOutputArchive archive(stream);
    write(archive);
    return;
  }
  struct Release {
    ThreadStreams& streams;
    ~Release() { streams.in_use = false; }
  } release{streams};
  streams.in_use = true;
  streams.target = &out;
  streams.out.clear();
  cereal::BinaryOutputArchive archive(streams.out);
  write(archive);
}

// Calls read(archive) with a cereal binary input archive over bytes (a reusable stream, as
// with_output_archive); returns how many bytes it read.
template <class Read>
std::size_t with_input_archive(std::string_view bytes, Read&& read) {
  ThreadStreams& streams = ThreadStreams::get();
  if (streams.in_use) {
    ViewBuf buf(bytes);
    std::istream stream(&buf);
    cereal::BinaryInputArchive archive(stream);
    read(archive);
    return buf.consumed();
  }
  struct Release {
    ThreadStreams& streams;
    ~Release() { streams.in_use = false; }
  } release{streams};
  streams.in_use = true;
  streams.read_buf.reset(bytes);
  streams.in.clear();
  cereal::BinaryInputArchive archive(streams.in);
  read(archive);
  return streams.read_buf.consumed();
}

// Types whose cereal binary form is their raw bytes (cereal's BinaryOutputArchive writes
// arithmetic values as they are in memory).
template <class T>
inline constexpr bool kRawBytesPayload = std::is_arithmetic_v<T>;

// Appends the payload of obj (the bytes of mp::dumps(obj)) to out.
template <class T>
void append_payload(std::string& out, const T& obj) {
  if constexpr (kRawBytesPayload<T>) {
    out.append(reinterpret_cast<const char*>(&obj), sizeof(T));
  } else if constexpr (std::is_same_v<T, std::string>) {
    // cereal: a 64-bit size, then the characters.
    const std::uint64_t size = obj.size();
    out.append(reinterpret_cast<const char*>(&size), sizeof size);
    out.append(obj);
  } else {
    with_output_archive(out, [&obj](cereal::BinaryOutputArchive& archive) { archive(obj); });
  }
}

// Appends a whole frame for obj to out.
template <class T>
void append_frame(std::string& out, const T& obj) {
  const std::size_t header_at = out.size();
  out.append(4, '\0');
  append_payload(out, obj);
  const std::uint64_t n = out.size() - header_at - 4;
  if (n > kShortFrameLimit) {
    out.insert(header_at + 4, 8, '\0');
  }
  write_frame_header(out.data() + header_at, n);
}

// Appends the std::vector<std::string> whose payload is `bytes` (cereal's layout: a 64-bit count,
// then each string's 64-bit size and characters) to out: each string is made from its characters
// at once, where cereal's load zero-fills it first and then overwrites it. False, with out as it
// was, for bytes of another layout (cereal then says what is wrong with them).
inline bool append_string_vector(std::string_view bytes, std::vector<std::string>& out) {
  std::uint64_t count = 0;
  if (bytes.size() < sizeof count) return false;
  std::memcpy(&count, bytes.data(), sizeof count);
  std::size_t at = sizeof count;
  if (count > (bytes.size() - at) / sizeof(std::uint64_t)) return false;
  const std::size_t mark = out.size();
  out.reserve(mark + static_cast<std::size_t>(count));
  for (std::uint64_t i = 0; i < count; ++i) {
    std::uint64_t size = 0;
    if (bytes.size() - at < sizeof size) break;
    std::memcpy(&size, bytes.data() + at, sizeof size);
    at += sizeof size;
    if (size > bytes.size() - at) break;
    out.emplace_back(bytes.data() + at, static_cast<std::size_t>(size));
    at += static_cast<std::size_t>(size);
  }
  if (out.size() - mark == count && at == bytes.size()) return true;
  out.resize(mark);
  return false;
}

// The object a payload holds (mp::loads<T>(bytes) without copying the bytes first). Malformed
// payloads throw what cereal throws.
template <class T>
T load_payload(std::string_view bytes) {
  if constexpr (kRawBytesPayload<T>) {
    if (bytes.size() >= sizeof(T)) {
      T value;
      std::memcpy(&value, bytes.data(), sizeof(T));
      return value;
    }
  } else if constexpr (std::is_same_v<T, std::string>) {
    std::uint64_t size = 0;
    if (bytes.size() >= sizeof size) {
      std::memcpy(&size, bytes.data(), sizeof size);
      if (size <= bytes.size() - sizeof size) return std::string(bytes.substr(sizeof size, size));
    }
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    std::vector<std::string> strings;
    if (append_string_vector(bytes, strings)) return strings;
  }
  T value{};
  with_input_archive(bytes, [&value](cereal::BinaryInputArchive& archive) { archive(value); });
  return value;
}

// The std::string whose payload is head followed by tail, where head is its first 8 bytes (the
// cereal size) when the payload was split there: tail is then the string itself, not copied.
inline std::string load_string_payload(const std::string& head, std::string&& tail) {
  std::uint64_t size = 0;
  if (head.size() == sizeof size) {
    std::memcpy(&size, head.data(), sizeof size);
    if (size == tail.size()) return std::move(tail);
  }
  return load_payload<std::string>(std::string_view(head + tail));
}

// load_payload for a payload the caller gives up: a std::string payload is taken over in place
// (no second buffer for large strings).
template <class T>
T load_payload(std::string&& bytes) {
  if constexpr (std::is_same_v<T, std::string>) {
    std::uint64_t size = 0;
    if (bytes.size() >= sizeof size) {
      std::memcpy(&size, bytes.data(), sizeof size);
      if (size == bytes.size() - sizeof size) {
        bytes.erase(0, sizeof size);
        return std::move(bytes);
      }
    }
  }
  return load_payload<T>(std::string_view(bytes));
}

}  // namespace mp::detail
