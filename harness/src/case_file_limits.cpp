// A TOML pre-scan that knows just enough of the grammar (strings, comments, keys, brackets) to
// measure nesting without recursing.

#include "case_file_limits.hpp"

#include <string>
#include <vector>

#include "case_spec.hpp"

namespace parity {
namespace {

class NestingScan {
 public:
  NestingScan(std::string_view text, const std::filesystem::path& file) : text_(text), file_(file) {}

  void run() {
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\n') {
        ++line_;
        line_begin_ = ++at_;
        if (brackets_.empty()) {  // a new line outside brackets starts with a key or a header
          expect_key_ = true;
          key_parts_ = 0;
          header_ = false;
        }
        continue;
      }
      if (c == ' ' || c == '\t' || c == '\r') {
        ++at_;
        continue;
      }
      if (c == '#') {
        while (at_ < text_.size() && text_[at_] != '\n') ++at_;
        continue;
      }
      if (expect_key_) {
        expect_key_ = false;
        if (c == '[' && brackets_.empty()) {  // [table] or [[array of tables]]
          header_ = true;
          key_parts_ = 1;
          while (at_ < text_.size() && text_[at_] == '[') ++at_;
          continue;
        }
        if (c != '}') key_parts_ = 1;
      }
      if (c == '"' || c == '\'') {
        skip_string(c);
        continue;
      }
      if (key_parts_ > 0) {
        if (c == '.' && ++key_parts_ > max_key_depth)
          fail("key with more than " + std::to_string(max_key_depth) + " dotted parts");
        if (c == '=' || (c == ']' && header_)) {
          key_parts_ = 0;
          header_ = false;
        }
        ++at_;
        continue;
      }
      if (c == '[' || c == '{') {
        brackets_.push_back(c);
        if (static_cast<int>(brackets_.size()) > max_value_depth)
          fail("arrays or inline tables nested more than " + std::to_string(max_value_depth) +
               " deep");
        expect_key_ = c == '{';
      } else if (c == ']' || c == '}') {
        if (!brackets_.empty()) brackets_.pop_back();
      } else if (c == ',' && !brackets_.empty() && brackets_.back() == '{') {
        expect_key_ = true;
      }
      ++at_;
    }
  }

 private:
  // Past a basic or literal string, one-line or multi-line (counting the lines it spans).
  void skip_string(char quote) {
    const std::string delimiter(3, quote);
    const bool multi = text_.substr(at_, 3) == delimiter;
    at_ += multi ? 3 : 1;
    while (at_ < text_.size()) {
      const char c = text_[at_];
      if (c == '\\' && quote == '"') {
        at_ += 2;
        continue;
      }
      if (c == '\n') {
        if (!multi) return;  // unterminated: the parser says so
        ++line_;
        line_begin_ = at_ + 1;
      }
      if (c == quote && (!multi || text_.substr(at_, 3) == delimiter)) {
        at_ += multi ? 3 : 1;
        while (multi && at_ < text_.size() && text_[at_] == quote) ++at_;  // """a"""" is legal
        return;
      }
      ++at_;
    }
  }

  [[noreturn]] void fail(const std::string& message) const {
    throw CaseError({file_, line_, static_cast<int>(at_ - line_begin_) + 1}, message);
  }

  std::string_view text_;
  const std::filesystem::path& file_;
  std::size_t at_ = 0;
  std::size_t line_begin_ = 0;
  int line_ = 1;
  bool expect_key_ = true;  // the next token starts a key (or, at a line's start, a header)
  bool header_ = false;     // the key being read is a [table] header's
  int key_parts_ = 0;       // > 0 while reading a key: its dotted parts so far
  std::vector<char> brackets_;
};

}  // namespace

void check_case_file_limits(std::string_view text, const std::filesystem::path& file) {
  if (text.size() > max_case_file_bytes)
    throw CaseError({file, 1, 1}, "file is larger than " + std::to_string(max_case_file_bytes) +
                                      " bytes");
  NestingScan(text, file).run();
}

}  // namespace parity
