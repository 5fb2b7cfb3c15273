#pragma once
// Internals of mp::Pool (pool.hpp): how calls and map chunks become task frames, and the
// trampolines that run them in a worker. One frame per task, whatever the chunk size: the callable
// identity once, then the arguments, serialized straight into the frame.

#include <cstdint>
#include <cstring>
#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <tuple>
#include <variant>
#include <type_traits>
#include <vector>

#include "mp/detail/function_identity.hpp"
#include "mp/detail/pool_job.hpp"
#include "mp/detail/pool_core.hpp"
#include "mp/detail/wire.hpp"

namespace mp::detail {

// What fn returns for one item of a map (Star: the item is a tuple of arguments).
template <class F, class T, bool Star>
struct ChunkResult {
  using type = std::invoke_result_t<F&, T&>;
};
template <class F, class T>
struct ChunkResult<F, T, true> {
  using type = decltype(std::apply(std::declval<F&>(), std::declval<T&>()));
};
template <class F, class T, bool Star>
using chunk_result_t = typename ChunkResult<F, T, Star>::type;

// The serialized value, appended to nothing (a whole payload).
template <class R>
std::string result_payload(const R& result) {
  if constexpr (Serializable<R>) {
    std::string out;
    append_payload(out, result);
    return out;
  } else {
    throw TypeError("cannot pickle '" + type_name_of(typeid(R)) + "' object");
  }
}

// Worker side of apply: fn(args...) -> the serialized result (empty for void).
template <class F, class... Args>
std::string call_task_trampoline(std::string_view payload) {
  std::optional<F> fn;
  std::tuple<Args...> args;
  with_input_archive(payload, [&](cereal::BinaryInputArchive& archive) {
    fn.emplace(load_callable<F>(archive));
    archive(args);
  });
  using R = decltype(std::apply(*fn, args));
  if constexpr (std::is_void_v<R>) {
    std::apply(*fn, args);
    return {};
  } else {
    return result_payload(std::apply(*fn, args));
  }
}

// Worker side of a map chunk: the serialized std::vector of fn(item) (of std::monostate for void).
template <class F, class T, bool Star>
std::string chunk_task_trampoline(std::string_view payload) {
  std::optional<F> loaded;
  std::vector<T> items;
  const std::size_t callable_bytes = with_input_archive(payload, [&](cereal::BinaryInputArchive& archive) {
    loaded.emplace(load_callable<F>(archive));
    if constexpr (!std::is_same_v<T, std::string>) archive(items);
  });
  if constexpr (std::is_same_v<T, std::string>) items = load_payload<std::vector<T>>(payload.substr(callable_bytes));
  F& fn = *loaded;
  auto call = [&fn](T& item) -> decltype(auto) {
    if constexpr (Star) {
      return std::apply(fn, item);
    } else {
      return std::invoke(fn, item);
    }
  };
  using R = chunk_result_t<F, T, Star>;
  if constexpr (std::is_void_v<R>) {
    for (T& item : items) call(item);
    return result_payload(std::vector<std::monostate>(items.size()));  // a count, for imap
  } else {
    std::vector<R> results;
    results.reserve(items.size());
    for (T& item : items) results.push_back(call(item));
    return result_payload(results);
  }
}

// Fills in the trampoline offset and the frame header of a task frame whose body was appended
// after kTaskHeaderSize bytes; a body over kShortFrameLimit bytes gets the extended header.
inline void finish_task_frame(std::string& frame, std::int64_t offset) {
  std::memcpy(frame.data() + 4, &offset, 8);
  const std::uint64_t body = frame.size() - 4;
  if (body > kShortFrameLimit) frame.insert(0, 8, '\0');
  write_frame_header(frame.data(), body);
}

// The task for fn(args...). Throws PicklingError / TypeError / what an argument's save() throws.
template <class F, class... Args>
PoolTask call_task(const F& fn, const Args&... args) {
  check_transportable<F, Args...>(fn);
  if constexpr (TransportableCallable<F> && (Serializable<Args> && ...)) {
    PoolTask task;
    task.frame.assign(kTaskHeaderSize, '\0');
    with_output_archive(task.frame, [&](cereal::BinaryOutputArchive& archive) {
      save_callable(archive, fn);
      archive(std::tuple<const Args&...>(args...));
    });
    finish_task_frame(task.frame, trampoline_offset<&call_task_trampoline<F, Args...>>());
    return task;
  } else {
    return {};  // unreachable: check_transportable threw
  }
}

// Bytes to reserve for the frame of a chunk of `count` items: a little more than the previous
// chunk's frame (chunks are alike), or for strings their serialized size plus room for the
// callable, so a large frame is written once.
template <class T>
std::size_t chunk_frame_estimate(const T* items, std::size_t count, std::size_t last_frame) {
  constexpr std::size_t kCallableRoom = 256;  // a callable's identity, usually tens of bytes
  if constexpr (std::is_same_v<T, std::string>) {
    std::size_t bytes = kTaskHeaderSize + 8 + kCallableRoom + 8;  // + an extended frame header
    for (std::size_t i = 0; i < count; ++i) bytes += 8 + items[i].size();
    return bytes;
  } else {
    return last_frame + last_frame / 8;
  }
}

// The tasks of a map over items[0, count): one per chunk of `chunksize` items.
template <bool Star, class F, class T>
std::vector<PoolTask> chunk_tasks(const F& fn, const T* items, std::size_t count, std::size_t chunksize) {
  check_transportable<F, T>(fn);
  if constexpr (TransportableCallable<F> && Serializable<T>) {
    std::vector<PoolTask> tasks;
    tasks.reserve((count + chunksize - 1) / chunksize);
    const std::int64_t trampoline = trampoline_offset<&chunk_task_trampoline<F, T, Star>>();
    std::size_t last_frame = 0;
    for (std::size_t begin = 0; begin < count; begin += chunksize) {
      PoolTask task;
      task.index = static_cast<std::uint32_t>(tasks.size());
      // Each frame is allocated once at about its size rather than grown (and copied) by doubling:
      // the exact size of strings, the previous chunk's size for other items.
      task.frame.reserve(chunk_frame_estimate(items + begin, std::min(chunksize, count - begin), last_frame));
      task.frame.assign(kTaskHeaderSize, '\0');
      with_output_archive(task.frame, [&](cereal::BinaryOutputArchive& archive) {
        save_callable(archive, fn);
        save_as_vector(archive, items + begin, std::min(chunksize, count - begin));
      });
      finish_task_frame(task.frame, trampoline);
      last_frame = task.frame.size();
      tasks.push_back(std::move(task));
    }
    return tasks;
  } else {
    return {};  // unreachable: check_transportable threw
  }
}

}  // namespace mp::detail
