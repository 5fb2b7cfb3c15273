#pragma once
// The command line of a case program, the C++ twin of cases/support/case_args.py (same grammar,
// same defaults, same error messages):
//
//   PROGRAM [--start-method fork|spawn|forkserver] [--param KEY=VALUE]...
//
// `--start-method=M` and `--param=KEY=VALUE` are accepted too. Without --start-method the method is
// "fork" (CPython's default on Linux), so `./case` alone runs. A VALUE may be empty and may hold
// `=`; a KEY may not be empty. An unknown argument, a missing or invalid value, or an option given
// twice (the same KEY twice) is a CaseUsageError; so is a getter asked for a number that the given
// value does not spell. case_main() turns a CaseUsageError into usage text on stderr and exit 2,
// as argparse does.
//
// Typed getters take the value the case uses when the harness passes none (case.toml `params`
// absent): the case's own code, not the command line, holds its defaults. Numbers are spelled
// alike in both languages: an integer is [+-]digits within 64 bits; a float is a finite decimal
// ([+-], digits with an optional point, an optional exponent; no inf, nan, hex or underscores).

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace parity {

// A command line the case cannot run with; what() is the message after "PROGRAM: error: ".
class CaseUsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class CaseArgs {
 public:
  // Parses argv[1] .. argv[argc - 1]. Throws CaseUsageError.
  static CaseArgs parse(int argc, const char* const* argv);

  // "fork", "spawn" or "forkserver".
  const std::string& start_method() const noexcept { return start_method_; }

  bool has_param(std::string_view key) const { return params_.find(key) != params_.end(); }
  // The --param value of key, or fallback when key was not given.
  std::string str_param(std::string_view key, std::string_view fallback) const;
  // The same as a whole number; CaseUsageError if the value is not one.
  long long int_param(std::string_view key, long long fallback) const;
  // The same as a finite decimal number; CaseUsageError if the value is not one.
  double float_param(std::string_view key, double fallback) const;

 private:
  std::string start_method_ = "fork";
  std::map<std::string, std::string, std::less<>> params_;
};

// The usage line for a program, as printed above a usage error.
std::string case_usage(std::string_view program);

}  // namespace parity
