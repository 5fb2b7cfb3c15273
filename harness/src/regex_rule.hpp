#pragma once
// One [[normalize.rule]] compiled: an RE2 regex (linear time in the line's length whatever the
// pattern, and no recursion, so no case's rule can hang or overflow the harness) and its
// replacement, written in ECMAScript's `$n` style and applied to every match in a line.
//
// Syntax is RE2's (https://github.com/google/re2/wiki/Syntax): Perl-like, without backreferences
// or lookaround. Replacements: `$1`..`$9` a group, `$&` the whole match, `$$` a dollar; any other
// `$` is literal.

#include <memory>
#include <string>
#include <string_view>

namespace re2 {
class RE2;
}

namespace parity {

class RegexRule {
 public:
  // Throws std::invalid_argument with RE2's message (or the replacement's fault).
  RegexRule(const std::string& regex, std::string_view replace);
  ~RegexRule();
  RegexRule(RegexRule&&) noexcept;
  RegexRule& operator=(RegexRule&&) noexcept;

  // Every non-overlapping match in line replaced.
  void apply(std::string& line) const;

 private:
  std::unique_ptr<re2::RE2> regex_;
  std::string rewrite_;  // RE2's spelling: \0..\9, \\ for a backslash
};

// RE2's rewrite string for an ECMAScript-style replacement; throws std::invalid_argument for a
// group above 9.
std::string re2_rewrite(std::string_view replace);

}  // namespace parity
