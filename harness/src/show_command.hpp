#pragma once
// `parity show CASE`: one case run on both sides and shown up close (ShowReporter), once, N times
// (--repeat) or until a result fails (--until-fail).

#include <ostream>
#include <string>

#include "cli_options.hpp"

namespace parity {

// Runs the case named by case_name (an exact id, else the one id holding it) and prints it on out,
// is_tty and width columns wide. Returns the exit status: 0 when every result succeeded, 1
// otherwise. Throws UsageError when the name selects no case (with the closest ids as "did you
// mean") or several (listing them).
int show_case(const CommandLine& line, const std::string& case_name, std::ostream& out, bool is_tty,
              int width);

}  // namespace parity
