// The life of a child process after it was started (CPython's Process._bootstrap).
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <string>

#include "mp/detail/function_identity.hpp"
#include "mp/errors.hpp"
#include "process_internal.hpp"

namespace mp::detail {
namespace {

// "<Type>: <message>" of the exception in flight, as Python's last traceback line.
std::string describe_current_exception() {
  try {
    throw;
  } catch (const Error& e) {
    return e.str();
  } catch (const std::exception& e) {
    std::string message = e.what();
    std::string type = type_name_of(typeid(e));
    return message.empty() ? type : type + ": " + message;
  } catch (...) {
    return "BaseException: exception of unknown type";
  }
}

}  // namespace

void run_child(Process& self, bool after_fork) {
  int code = 0;
  std::string error;
  try {
    if (after_fork) after_fork_in_child();
    self.run();
  } catch (...) {
    code = 1;
    error = describe_current_exception();
  }
  try {
    exit_function();
  } catch (...) {
  }
  if (code == 1) {
    std::string text = "Process " + self.name() + ":\nTraceback (most recent call last):\n  File \"<mp>\", in " +
                       "_bootstrap\n    self.run()\n" + error + "\n";
    flush_std_streams();
    (void)!::write(2, text.data(), text.size());
  }
  flush_std_streams();
  ::_exit(code);
}

}  // namespace mp::detail
