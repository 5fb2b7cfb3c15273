// valid_utf8, tail_of, side_name, shown_run, iso8601 (report_text.hpp).

#include "report_text.hpp"

#include <ctime>

namespace parity {

std::string valid_utf8(std::string_view text) {
  static constexpr std::string_view replacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(text.size());
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t size = text.size();
  std::size_t i = 0;
  while (i < size) {
    unsigned char lead = bytes[i];
    if (lead < 0x80) {
      out += static_cast<char>(lead);
      ++i;
      continue;
    }
    // The sequence length and the range of its second byte (Unicode Table 3-7, well-formed
    // UTF-8): this excludes overlong forms, surrogates and code points beyond U+10FFFF.
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) length = 2;
    else if (lead == 0xE0) length = 3, low = 0xA0;
    else if (lead >= 0xE1 && lead <= 0xEC) length = 3;
    else if (lead == 0xED) length = 3, high = 0x9F;
    else if (lead >= 0xEE && lead <= 0xEF) length = 3;
    else if (lead == 0xF0) length = 4, low = 0x90;
    else if (lead >= 0xF1 && lead <= 0xF3) length = 4;
    else if (lead == 0xF4) length = 4, high = 0x8F;
    std::size_t valid = length == 0 ? 0 : 1;  // bytes of the sequence that are well-formed so far
    while (valid > 0 && valid < length && i + valid < size) {
      unsigned char next = bytes[i + valid];
      unsigned char from = valid == 1 ? low : 0x80, to = valid == 1 ? high : 0xBF;
      if (next < from || next > to) break;
      ++valid;
    }
    if (length > 0 && valid == length) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += replacement;  // the maximal subpart: the lead and the continuation bytes that fit
      i += valid == 0 ? 1 : valid;
    }
  }
  return out;
}

TextTail tail_of(std::string_view text, std::size_t lines) {
  TextTail tail;
  if (text.empty() || lines == 0) {
    if (!text.empty()) {
      tail.omitted = 1;
      for (char c : text.substr(0, text.size() - 1)) tail.omitted += c == '\n';
    }
    return tail;
  }
  // Walk back over `lines` line ends, the final one (or the unterminated last line) included.
  std::size_t start = text.size();
  if (text.back() == '\n') --start;
  std::size_t taken = 0;
  while (start > 0) {
    if (text[start - 1] == '\n') {
      if (++taken == lines) break;
    }
    --start;
  }
  tail.text = std::string(text.substr(start));
  if (tail.text.back() != '\n') tail.text += '\n';
  for (char c : text.substr(0, start)) tail.omitted += c == '\n';
  return tail;
}

std::string side_name(const CaseResult& result) {
  return to_string(result.impl) + (result.python_version.empty() ? "" : " " + result.python_version);
}

const NormalizedRun* shown_run(const CaseResult& result) {
  if (result.runs.empty()) return nullptr;
  for (const auto& run : result.runs) {
    const RunRecord& record = run.record;
    if (record.timed_out || !record.status || *record.status != ExitStatus::exited(0)) return &run;
  }
  return &result.runs.front();
}

std::string iso8601(std::chrono::system_clock::time_point when, ZoneDesignator zone) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, zone == ZoneDesignator::utc_z ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S", &utc);
  return text;
}

}  // namespace parity
