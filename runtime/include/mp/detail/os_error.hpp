#pragma once
// errno converted in one place: the OSError CPython raises for an errno, with the PEP 3151
// subclass name (BrokenPipeError for EPIPE, FileNotFoundError for ENOENT, ...) and Python's text
// "[Errno 32] Broken pipe".

#include <string>
#include <system_error>

#include "mp/errors.hpp"

namespace mp::detail {

class ErrnoError : public OSError {
 public:
  // `filename`, when given, is appended as Python does: "[Errno 2] No such file or directory: 'x'".
  explicit ErrnoError(int err, const std::string& filename = {});
  int error_number() const noexcept { return errno_; }

 private:
  int errno_;
};

// The Python exception class name for errno `err` ("OSError" when PEP 3151 has no subclass).
const char* python_errno_class(int err) noexcept;

// Throws ErrnoError for ec (an errc/system_category code), or does nothing when ec is clear.
void throw_if(const std::error_code& ec, const std::string& filename = {});

// The error_code for the current errno.
std::error_code last_error() noexcept;

// Throws ErrnoError for the current errno.
[[noreturn]] void throw_last_error(const std::string& filename = {});

}  // namespace mp::detail
