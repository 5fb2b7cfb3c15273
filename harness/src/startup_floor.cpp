// measure_startup_floor: the empty programs of both sides, alternating.

#include "startup_floor.hpp"

#include "launcher.hpp"

namespace parity {

std::filesystem::path mp_startup_program(const std::filesystem::path& build_dir) {
  return build_dir / "bin" / "parity_mp_startup";
}

std::map<Impl, std::vector<double>> measure_startup_floor(Launcher& launcher,
                                                          const StartupFloorOptions& options) {
  LaunchOptions python;
  python.argv = {options.python_executable, "-c", "import multiprocessing"};
  python.python = true;  // as cases run: with the faulthandler sitecustomize
  python.env_overrides["PYTHONUNBUFFERED"] = "1";
  LaunchOptions cpp;
  cpp.argv = {options.mp_program.string()};
  std::map<Impl, LaunchOptions*> programs{{Impl::python, &python}};
  std::error_code ec;
  if (!options.mp_program.empty() && std::filesystem::exists(options.mp_program, ec))
    programs[Impl::cpp] = &cpp;

  std::map<Impl, std::vector<double>> floors;
  for (auto& [impl, launch] : programs) {
    launch->timeout = std::chrono::seconds(30);
    launch->collect_stacks = false;
  }
  for (int round = 0; round < options.rounds; ++round) {
    for (auto& [impl, launch] : programs) {
      RunRecord record = launcher.run(*launch);
      if (record.status && *record.status == ExitStatus::exited(0) && !record.timed_out)
        floors[impl].push_back(record.wall_s);
    }
  }
  return floors;
}

}  // namespace parity
