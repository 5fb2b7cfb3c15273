#pragma once
// The interpreters of the version axis (`run --python-versions LIST`, `record --python-versions`):
// each entry of LIST is a version looked up under pyenv's root ("3.8" takes the newest 3.8.x
// there, "3.12.1" that one), a path to an interpreter (it holds a '/'), or "all": every CPython
// >= 3.8 pyenv's root holds (3.6 and 3.7 only when named: they predate
// multiprocessing.shared_memory, which the catalog uses). Each interpreter is asked once for its
// version and real executable (python_probe.hpp). An entry that names nothing, an interpreter that
// does not run, and one that is not Python 3 are InterpreterErrors whose message names what was
// found, so the command line can make them usage errors.
//
// The reference interpreter (--python) stands for its own minor version: a listed interpreter of
// the same X.Y is its column and is not run a second time.

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace parity {

class Launcher;

// One interpreter of the axis, as it answered.
struct Interpreter {
  std::string version;     // "3.8.18"
  std::string executable;  // its sys.executable: cases run it, never a shim
  std::string minor() const;  // "3.8": the column it is shown in
};

// An interpreter found by its directory under pyenv's root, not yet asked anything.
struct InstalledPython {
  std::string version;  // the directory name, "3.8.18"
  std::filesystem::path executable;  // <root>/versions/<version>/bin/python3 (or bin/python)
};

class InterpreterError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// $PYENV_ROOT, else $HOME/.pyenv (pyenv's own default). The directory may not exist.
std::filesystem::path default_pyenv_root();

// versions/<X.Y.Z>/bin/python3 (else bin/python) under pyenv_root, sorted by version; directories
// whose names are not plain versions (pypy3.10-7.3, miniconda3, a virtualenv) are left out. Empty
// when there is no such directory.
std::vector<InstalledPython> installed_pythons(const std::filesystem::path& pyenv_root);

// "3.8.18" -> "3.8" (a text that is not a version is returned as it is).
std::string minor_version(const std::string& version);
// Orders versions numerically: 3.9.18 < 3.10.13 (texts that are not versions last).
bool version_less(const std::string& a, const std::string& b);

// Whether version ("3.8.18", "3.8") is at least major.minor.
bool version_at_least(const std::string& version, int major, int minor);

// "2.7.18 3.6.15 ... 3.13.0 under /root/.pyenv", or "no pyenv root at /x (PYENV_ROOT)": what an
// error says was found.
std::string describe_installed(const std::filesystem::path& pyenv_root);

struct VersionAxisOptions {
  std::filesystem::path pyenv_root = default_pyenv_root();
  // The reference interpreter's version ("3.11.7"); an entry of the same minor is its column.
  std::string reference_version;
};

// The interpreters of LIST's entries (each may itself be a comma-separated list), sorted by
// version, one per minor version, the reference's minor left out. Throws InterpreterError.
std::vector<Interpreter> resolve_python_versions(const std::vector<std::string>& entries,
                                                 Launcher& launcher,
                                                 const VersionAxisOptions& options);

}  // namespace parity
