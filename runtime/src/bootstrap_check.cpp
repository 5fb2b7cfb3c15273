// CPython's spawn._check_not_importing_main, for C++: see process_internal.hpp.
#include <fstream>
#include <iterator>
#include <string>

#include "forkserver_protocol.hpp"
#include "mp/errors.hpp"
#include "process_internal.hpp"

namespace mp::detail {

namespace {

// Whether this program was executed as a spawn child or as the forkserver (argv[1] is mp's marker).
bool executed_as_child() {
  std::ifstream in("/proc/self/cmdline", std::ios::binary);
  const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::size_t end_of_argv0 = cmdline.find('\0');
  if (end_of_argv0 == std::string::npos) return false;
  const std::string argv1 = cmdline.substr(end_of_argv0 + 1, cmdline.find('\0', end_of_argv0 + 1) - end_of_argv0 - 1);
  return argv1 == "--mp-spawn-child" || argv1 == kForkserverMarker;
}

}  // namespace

void check_not_bootstrapping() {
  if (initialized() || !executed_as_child()) return;
  throw RuntimeError(R"msg(
        An attempt has been made to start a new process before the
        current process has finished its bootstrapping phase.

        This probably means that you are not using fork to start your
        child processes and you have forgotten to use the proper idiom
        in the main module:

            if __name__ == '__main__':
                freeze_support()
                ...

        The "freeze_support()" line can be omitted if the program
        is not going to be frozen to produce an executable.

        To fix this issue, refer to the "Safe importing of main module"
        section in https://docs.python.org/3/library/multiprocessing.html
        )msg");
}

}  // namespace mp::detail
