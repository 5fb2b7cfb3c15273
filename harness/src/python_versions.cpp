// The version axis's interpreters: pyenv's directory layout, and each listed entry resolved and
// asked for its version once.

#include "python_versions.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <regex>
#include <tuple>

#include "python_probe.hpp"

namespace parity {
namespace fs = std::filesystem;
namespace {

const std::regex plain_version(R"((\d+)\.(\d+)(?:\.(\d+))?)");

// (major, minor, micro) of "3.8.18" or "3.8" (micro -1); nullopt when it is not a plain version.
std::optional<std::tuple<int, int, int>> version_numbers(const std::string& text) {
  std::smatch match;
  if (!std::regex_match(text, match, plain_version)) return std::nullopt;
  return std::tuple{std::stoi(match[1]), std::stoi(match[2]),
                    match[3].matched ? std::stoi(match[3]) : -1};
}

std::vector<std::string> split_entries(const std::vector<std::string>& entries) {
  std::vector<std::string> split;
  for (const std::string& entry : entries) {
    std::size_t start = 0;
    while (start <= entry.size()) {
      std::size_t comma = entry.find(',', start);
      if (comma == std::string::npos) comma = entry.size();
      std::string part = entry.substr(start, comma - start);
      part.erase(0, part.find_first_not_of(" \t"));
      part.erase(part.find_last_not_of(" \t") + 1);
      if (!part.empty()) split.push_back(part);
      start = comma + 1;
    }
  }
  return split;
}

// Asks one interpreter; throws InterpreterError when it does not answer as Python 3.
Interpreter probe(Launcher& launcher, const std::string& entry, const std::string& program) {
  PythonIdentity identity = identify_python(launcher, program);
  if (identity.version.empty())
    throw InterpreterError("--python-versions " + entry + ": " + program +
                           " does not run (it could not be asked for its version)");
  auto numbers = version_numbers(identity.version);
  if (!numbers || std::get<2>(*numbers) < 0)
    throw InterpreterError("--python-versions " + entry + ": " + program +
                           " did not answer as a Python interpreter (it printed '" +
                           identity.version.substr(0, 60) + "')");
  if (std::get<0>(*numbers) != 3)
    throw InterpreterError("--python-versions " + entry + ": " + program + " is Python " +
                           identity.version + ", not Python 3");
  return Interpreter{identity.version, identity.executable.empty() ? program : identity.executable};
}

}  // namespace

std::string Interpreter::minor() const { return minor_version(version); }

std::string minor_version(const std::string& version) {
  auto numbers = version_numbers(version);
  if (!numbers) return version;
  return std::to_string(std::get<0>(*numbers)) + "." + std::to_string(std::get<1>(*numbers));
}

bool version_less(const std::string& a, const std::string& b) {
  auto left = version_numbers(a), right = version_numbers(b);
  if (left && right) return *left < *right;
  if (left || right) return left.has_value();
  return a < b;
}

fs::path default_pyenv_root() {
  if (const char* root = std::getenv("PYENV_ROOT"); root && *root) return root;
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".pyenv";
  return {};
}

bool version_at_least(const std::string& version, int major, int minor) {
  auto numbers = version_numbers(version);
  if (!numbers) return false;
  return std::pair{std::get<0>(*numbers), std::get<1>(*numbers)} >= std::pair{major, minor};
}

std::vector<InstalledPython> installed_pythons(const fs::path& pyenv_root) {
  std::vector<InstalledPython> found;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(pyenv_root / "versions", error)) {
    const std::string name = entry.path().filename().string();
    auto numbers = version_numbers(name);
    if (!numbers || std::get<2>(*numbers) < 0) continue;
    for (const char* program : {"bin/python3", "bin/python"}) {
      fs::path executable = entry.path() / program;
      if (::access(executable.c_str(), X_OK) == 0) {
        found.push_back({name, executable});
        break;
      }
    }
  }
  std::sort(found.begin(), found.end(), [](const InstalledPython& a, const InstalledPython& b) {
    return version_less(a.version, b.version);
  });
  return found;
}

std::string describe_installed(const fs::path& pyenv_root) {
  if (pyenv_root.empty()) return "no pyenv root (neither PYENV_ROOT nor HOME is set)";
  std::error_code error;
  if (!fs::is_directory(pyenv_root / "versions", error))
    return "no pyenv root at " + pyenv_root.string() + " (set PYENV_ROOT, or give paths)";
  std::string versions;
  for (const InstalledPython& python : installed_pythons(pyenv_root))
    versions += (versions.empty() ? "" : " ") + python.version;
  if (versions.empty()) return "no interpreter under " + (pyenv_root / "versions").string();
  return versions + " under " + pyenv_root.string();
}

std::vector<Interpreter> resolve_python_versions(const std::vector<std::string>& entries,
                                                 Launcher& launcher,
                                                 const VersionAxisOptions& options) {
  const std::vector<InstalledPython> installed = installed_pythons(options.pyenv_root);
  std::vector<std::pair<std::string, std::string>> wanted;  // (entry, program)
  for (const std::string& entry : split_entries(entries)) {
    if (entry == "all") {
      std::size_t before = wanted.size();
      for (const InstalledPython& python : installed)
        if (version_at_least(python.version, 3, 8)) wanted.emplace_back(entry, python.executable.string());
      if (wanted.size() == before)
        throw InterpreterError("--python-versions all: no CPython >= 3.8 found (" +
                               describe_installed(options.pyenv_root) + ")");
    } else if (entry.find('/') != std::string::npos) {
      wanted.emplace_back(entry, entry);
    } else if (auto numbers = version_numbers(entry)) {
      // "3.8": the newest 3.8.x; "3.8.18": exactly that one.
      const InstalledPython* match = nullptr;
      for (const InstalledPython& python : installed) {
        auto have = version_numbers(python.version);
        if (std::get<0>(*have) == std::get<0>(*numbers) && std::get<1>(*have) == std::get<1>(*numbers) &&
            (std::get<2>(*numbers) < 0 || std::get<2>(*have) == std::get<2>(*numbers)))
          match = &python;
      }
      if (!match)
        throw InterpreterError("--python-versions " + entry + ": no CPython " + entry + " found (" +
                               describe_installed(options.pyenv_root) + ")");
      wanted.emplace_back(entry, match->executable.string());
    } else {
      throw InterpreterError("--python-versions: expected versions (3.8), interpreter paths or all, "
                             "separated by commas; got '" + entry + "'");
    }
  }
  if (wanted.empty()) throw InterpreterError("--python-versions: the list is empty");

  std::vector<Interpreter> resolved;
  const Interpreter reference{options.reference_version, ""};
  for (const auto& [entry, program] : wanted) {
    Interpreter interpreter = probe(launcher, entry, program);
    if (!options.reference_version.empty() && interpreter.minor() == reference.minor()) continue;
    auto same_minor = std::find_if(resolved.begin(), resolved.end(), [&](const Interpreter& other) {
      return other.minor() == interpreter.minor();
    });
    if (same_minor == resolved.end()) {
      resolved.push_back(std::move(interpreter));
    } else if (same_minor->executable != interpreter.executable) {
      throw InterpreterError("--python-versions: two interpreters of " + interpreter.minor() + " (" +
                             same_minor->executable + ", " + interpreter.executable +
                             "): a version is one column");
    }
  }
  std::sort(resolved.begin(), resolved.end(), [](const Interpreter& a, const Interpreter& b) {
    return version_less(a.version, b.version);
  });
  return resolved;
}

}  // namespace parity
