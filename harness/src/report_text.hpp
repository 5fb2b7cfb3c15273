#pragma once
// Text the reporters share: outputs made safe to embed (valid UTF-8), the tail of an output,
// which run of a result a failure report shows, and the time stamps reports carry.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "case_result.hpp"

namespace parity {

// text with every byte sequence that is not valid UTF-8 (a stray byte, an overlong form, a
// surrogate, a truncated sequence, beyond U+10FFFF) replaced by U+FFFD, one per maximal invalid
// subpart as Unicode recommends. A program's output and a directory name are bytes; XML and JSON
// consumers need characters.
std::string valid_utf8(std::string_view text);

// The last `lines` lines of text (a final line without '\n' counts), and how many came before.
struct TextTail {
  std::string text;         // ends with '\n' unless empty
  std::size_t omitted = 0;  // lines before the tail
};
TextTail tail_of(std::string_view text, std::size_t lines);

// A UTC time as ISO 8601 to the second: "2026-11-26T14:40:12Z", or without the zone designator
// for JUnit, whose Ant-derived schema has no zone in its timestamp pattern.
enum class ZoneDesignator { utc_z, none };
std::string iso8601(std::chrono::system_clock::time_point when, ZoneDesignator zone = ZoneDesignator::utc_z);

// How many stderr lines a failure shows (console and JUnit).
inline constexpr std::size_t stderr_tail_lines = 20;

// Which side a result is: "python", "cpp", or a version axis result's "python 3.12.1".
std::string side_name(const CaseResult& result);

// The run a failure report shows: the first that timed out, crashed, exited non-zero or could not
// start; else the first. Null when the result has no runs (UNRESOLVED before running, SKIP).
const NormalizedRun* shown_run(const CaseResult& result);

}  // namespace parity
