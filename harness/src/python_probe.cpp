// identify_python: one short run of the interpreter through the launcher.

#include "python_probe.hpp"

#include "launcher.hpp"

namespace parity {

PythonIdentity identify_python(Launcher& launcher, const std::string& python) {
  LaunchOptions options;
  options.argv = {python, "-c",
                  "import sys; print('%d.%d.%d' % sys.version_info[:3]); print(sys.executable)"};
  options.timeout = std::chrono::seconds(30);
  options.collect_stacks = false;
  RunRecord record = launcher.run(options);
  if (!record.status || *record.status != ExitStatus::exited(0)) return {};
  PythonIdentity identity;
  std::size_t newline = record.stdout_text.find('\n');
  identity.version = record.stdout_text.substr(0, newline);
  if (newline != std::string::npos) {
    identity.executable = record.stdout_text.substr(newline + 1);
    while (!identity.executable.empty() &&
           (identity.executable.back() == '\n' || identity.executable.back() == '\r'))
      identity.executable.pop_back();
  }
  return identity;
}

}  // namespace parity
