// The result code table: the one place a code's properties are written.

#include "result_code.hpp"

#include <array>
#include <cstddef>

namespace parity {
namespace {

using enum ResultCode;

constexpr std::array<ResultCodeInfo, 9> table{{
    // code              name                 failure severity under_xfail  junit                   color                 version_mark
    {pass,              "PASS",               false, 0, xpass,             JunitElement::none,    ConsoleColor::green,   "✓"},
    {fail,              "FAIL",               true,  2, xfail,             JunitElement::failure, ConsoleColor::red,     "✗"},
    {xfail,             "XFAIL",              false, 0, xfail,             JunitElement::none,    ConsoleColor::green,   "~"},
    {xpass,             "XPASS",              true,  2, xpass,             JunitElement::failure, ConsoleColor::red,     "✗"},
    {timeout,           "TIMEOUT",            true,  3, xfail,             JunitElement::failure, ConsoleColor::red,     "✗"},
    {crash,             "CRASH",              true,  4, xfail,             JunitElement::failure, ConsoleColor::red,     "✗"},
    {unresolved,        "UNRESOLVED",         true,  5, unresolved,        JunitElement::error,   ConsoleColor::magenta, "?"},
    {skip,              "SKIP",               false, 0, skip,              JunitElement::skipped, ConsoleColor::cyan,    "-"},
    {reference_changed, "REFERENCE-CHANGED",  true,  1, reference_changed, JunitElement::failure, ConsoleColor::magenta, "!"},
}};

constexpr bool indexed_by_code() {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (static_cast<std::size_t>(table[i].code) != i) return false;
  return true;
}
static_assert(indexed_by_code(), "the table lists the codes in the enum's order");

}  // namespace

const ResultCodeInfo& info(ResultCode code) { return table[static_cast<std::size_t>(code)]; }

std::span<const ResultCodeInfo> all_result_codes() { return table; }

}  // namespace parity
