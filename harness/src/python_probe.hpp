#pragma once
// Asks the CPython interpreter of a run about itself, once per run: its version (which reference
// recordings belong to it) and its sys.executable (cases run the real interpreter: a shim such as
// pyenv's, a shell script, would add its own start-up to every CPython timing).

#include <string>

namespace parity {

class Launcher;

// What `<python> -c ...` says about itself. Both empty when the interpreter cannot be run.
struct PythonIdentity {
  std::string version;     // "3.11.7"
  std::string executable;  // sys.executable: the real interpreter behind a shim
};

PythonIdentity identify_python(Launcher& launcher, const std::string& python);

}  // namespace parity
