// Outcomes: parsing and spelling them, and observing one from a run.

#include "outcome.hpp"

#include <charconv>

namespace parity {
namespace {

std::optional<int> parse_int(std::string_view text) {
  int value = 0;
  if (text.empty()) return std::nullopt;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<Outcome> Outcome::parse(std::string_view text) {
  if (text == "hang") return Outcome{Kind::hang, 0};
  if (text == "crash") return Outcome{Kind::crash, 0};
  if (text.starts_with("exit:")) {
    auto code = parse_int(text.substr(5));
    // Exit statuses are 0..255 as waitpid() reports them.
    if (!code || *code < 0 || *code > 255) return std::nullopt;
    return Outcome{Kind::exit, *code};
  }
  if (text.starts_with("signal:")) {
    std::string_view name = text.substr(7);
    std::optional<int> number = parse_int(name);
    if (!number) number = signal_number(name);
    if (!number || *number <= 0 || *number >= 65) return std::nullopt;
    return Outcome{Kind::signal, *number};
  }
  return std::nullopt;
}

std::string Outcome::str() const {
  switch (kind) {
    case Kind::exit: return "exit:" + std::to_string(value);
    case Kind::signal: return "signal:" + signal_name(value);
    case Kind::hang: return "hang";
    case Kind::crash: return "crash";
  }
  return "?";
}

bool Outcome::accepts(const Outcome& observed) const {
  if (kind == Kind::crash) return observed.kind == Kind::signal || observed.kind == Kind::crash;
  return *this == observed;
}

std::optional<Outcome> observed_outcome(const RunRecord& record) {
  if (record.timed_out) return Outcome{Outcome::Kind::hang, 0};
  if (!record.status) return std::nullopt;
  if (record.status->is_killed()) return Outcome{Outcome::Kind::signal, record.status->signal()};
  return Outcome{Outcome::Kind::exit, record.status->code()};
}

std::string outcome_text(const std::optional<Outcome>& outcome) {
  return outcome ? outcome->str() : "launch-error";
}

}  // namespace parity
