#include "case_result.hpp"

namespace parity {

std::string to_string(ResultCode code) {
  switch (code) {
    case ResultCode::pass: return "PASS";
    case ResultCode::fail: return "FAIL";
    case ResultCode::xfail: return "XFAIL";
    case ResultCode::xpass: return "XPASS";
    case ResultCode::timeout: return "TIMEOUT";
    case ResultCode::crash: return "CRASH";
    case ResultCode::unresolved: return "UNRESOLVED";
    case ResultCode::skip: return "SKIP";
    case ResultCode::reference_changed: return "REFERENCE-CHANGED";
  }
  return "UNRESOLVED";
}

bool is_success(ResultCode code) {
  return code == ResultCode::pass || code == ResultCode::xfail || code == ResultCode::skip;
}

}  // namespace parity
