#pragma once
// Each implementation's start-up floor, measured once per run: the wall time of an empty program
// launched exactly as cases are (CPython: `python -c "import multiprocessing"` with the launcher's
// sitecustomize and PYTHONUNBUFFERED; mp: build/bin/parity_mp_startup, which calls mp::init and
// exits). A case's whole-program wall time minus its side's floor is the time of the behavior
// itself. The two programs alternate, so both see the same machine load.

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "case_spec.hpp"

namespace parity {

class Launcher;

struct StartupFloorOptions {
  std::string python_executable;       // the interpreter cases run with
  std::filesystem::path mp_program;    // the probe; absent: no cpp floor
  int rounds = 5;                      // runs of each program
};

// Wall seconds of every successful run, per implementation (an implementation whose program cannot
// run, or does not exit 0, is absent).
std::map<Impl, std::vector<double>> measure_startup_floor(Launcher& launcher,
                                                          const StartupFloorOptions& options);

// Where the probe of a build lives: build_dir/bin/parity_mp_startup.
std::filesystem::path mp_startup_program(const std::filesystem::path& build_dir);

}  // namespace parity
