#pragma once
// Bounds a case.toml must keep before it is parsed at all, so that no file can make the TOML
// parser (which recurses per nesting level) overflow the harness's stack or eat its memory:
//   - at most max_case_file_bytes;
//   - no key with more than max_key_depth dotted parts (`a.b.c` has 3), in a [table] header, a
//     key/value line or an inline table;
//   - arrays and inline tables nested at most max_value_depth deep.
// Real case files use 3 or 4 levels. A violation is a CaseError at the offending line and column.

#include <cstddef>
#include <filesystem>
#include <string_view>

namespace parity {

inline constexpr std::size_t max_case_file_bytes = 1u << 20;
inline constexpr int max_key_depth = 16;
inline constexpr int max_value_depth = 16;

// Throws CaseError naming `file` when `text` (the file's contents) exceeds a bound.
void check_case_file_limits(std::string_view text, const std::filesystem::path& file);

}  // namespace parity
