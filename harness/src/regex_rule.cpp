#include "regex_rule.hpp"

#include <re2/re2.h>

#include <stdexcept>

namespace parity {

std::string re2_rewrite(std::string_view replace) {
  std::string rewrite;
  rewrite.reserve(replace.size());
  for (std::size_t i = 0; i < replace.size(); ++i) {
    char c = replace[i];
    if (c == '\\') {
      rewrite += "\\\\";
      continue;
    }
    if (c != '$' || i + 1 == replace.size()) {
      rewrite += c;
      continue;
    }
    char next = replace[i + 1];
    if (next == '$') {
      rewrite += '$';
      ++i;
    } else if (next == '&') {
      rewrite += "\\0";
      ++i;
    } else if (next >= '1' && next <= '9') {
      if (i + 2 < replace.size() && replace[i + 2] >= '0' && replace[i + 2] <= '9')
        throw std::invalid_argument("replacement refers to group " + std::string(replace.substr(i + 1, 2)) +
                                    " (at most $9)");
      rewrite += '\\';
      rewrite += next;
      ++i;
    } else {
      rewrite += '$';
    }
  }
  return rewrite;
}

namespace {

RE2::Options rule_options() {
  RE2::Options options;
  options.set_log_errors(false);
  return options;
}

}  // namespace

RegexRule::RegexRule(const std::string& regex, std::string_view replace)
    : regex_(std::make_unique<re2::RE2>(regex, rule_options())), rewrite_(re2_rewrite(replace)) {
  if (!regex_->ok()) throw std::invalid_argument(regex_->error());
  std::string error;
  if (!regex_->CheckRewriteString(rewrite_, &error))
    throw std::invalid_argument("replacement: " + error);
}

RegexRule::~RegexRule() = default;
RegexRule::RegexRule(RegexRule&&) noexcept = default;
RegexRule& RegexRule::operator=(RegexRule&&) noexcept = default;

void RegexRule::apply(std::string& line) const { RE2::GlobalReplace(&line, *regex_, rewrite_); }

}  // namespace parity
