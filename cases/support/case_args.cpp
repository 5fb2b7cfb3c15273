// CaseArgs: the case command line. Messages match cases/support/case_args.py word for word.

#include "parity/case_args.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <regex>

namespace parity {
namespace {

constexpr std::string_view start_method_option = "--start-method";
constexpr std::string_view param_option = "--param";

bool is_start_method(std::string_view text) {
  return text == "fork" || text == "spawn" || text == "forkserver";
}

// The value of `option VALUE` or `option=VALUE` at argv[index] (advancing index past a separate
// value), or nothing when argv[index] is not that option.
bool take_option(std::string_view option, int argc, const char* const* argv, int& index,
                 std::string& value) {
  std::string_view arg = argv[index];
  if (arg == option) {
    if (index + 1 >= argc)
      throw CaseUsageError("argument " + std::string(option) + ": expected one argument");
    value = argv[++index];
    return true;
  }
  if (arg.size() > option.size() && arg.starts_with(option) && arg[option.size()] == '=') {
    value = std::string(arg.substr(option.size() + 1));
    return true;
  }
  return false;
}

CaseUsageError bad_value(std::string_view key, const std::string& value, const char* what) {
  return CaseUsageError("argument --param: " + std::string(key) + "=" + value + ": " + what);
}

}  // namespace

CaseArgs CaseArgs::parse(int argc, const char* const* argv) {
  CaseArgs args;
  bool start_method_given = false;
  for (int index = 1; index < argc; ++index) {
    std::string value;
    if (take_option(start_method_option, argc, argv, index, value)) {
      if (start_method_given) throw CaseUsageError("argument --start-method: given twice");
      if (!is_start_method(value))
        throw CaseUsageError("argument --start-method: invalid choice: '" + value +
                             "' (choose from fork, spawn, forkserver)");
      args.start_method_ = value;
      start_method_given = true;
    } else if (take_option(param_option, argc, argv, index, value)) {
      auto equals = value.find('=');
      if (equals == std::string::npos || equals == 0)
        throw CaseUsageError("argument --param: expected KEY=VALUE, got '" + value + "'");
      std::string key = value.substr(0, equals);
      if (!args.params_.emplace(key, value.substr(equals + 1)).second)
        throw CaseUsageError("argument --param: " + key + " given twice");
    } else {
      throw CaseUsageError("unrecognized argument: " + std::string(argv[index]));
    }
  }
  return args;
}

std::string CaseArgs::str_param(std::string_view key, std::string_view fallback) const {
  auto found = params_.find(key);
  return found == params_.end() ? std::string(fallback) : found->second;
}

long long CaseArgs::int_param(std::string_view key, long long fallback) const {
  auto found = params_.find(key);
  if (found == params_.end()) return fallback;
  const std::string& value = found->second;
  static const std::regex integer("[+-]?[0-9]+");
  if (!std::regex_match(value, integer)) throw bad_value(key, value, "not an integer");
  const char* first = value.data() + (value[0] == '+' ? 1 : 0);
  long long result = 0;
  auto [end, error] = std::from_chars(first, value.data() + value.size(), result);
  if (error != std::errc() || end != value.data() + value.size())
    throw bad_value(key, value, "not a 64-bit integer");
  return result;
}

double CaseArgs::float_param(std::string_view key, double fallback) const {
  auto found = params_.find(key);
  if (found == params_.end()) return fallback;
  const std::string& value = found->second;
  static const std::regex decimal("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");
  if (!std::regex_match(value, decimal)) throw bad_value(key, value, "not a number");
  double result = std::strtod(value.c_str(), nullptr);
  if (!std::isfinite(result)) throw bad_value(key, value, "not a finite number");
  return result;
}

std::string case_usage(std::string_view program) {
  return "usage: " + std::string(program) +
         " [--start-method fork|spawn|forkserver] [--param KEY=VALUE]...";
}

}  // namespace parity
