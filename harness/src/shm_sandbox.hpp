#pragma once
// Where one run's POSIX shared memory (shm_open, sem_open: entries of /dev/shm) goes, so that what
// the run leaves behind is found and removed exactly.
//
// Attribution: with CAP_SYS_ADMIN (the harness runs as root in CI and here), every run gets a
// private /dev/shm: the launcher creates /dev/shm/.parity-<run id>/ and, in the child before exec,
// enters a new mount namespace and bind-mounts that directory onto /dev/shm. The whole process
// tree shares it, nothing else sees it, so whatever is in it after the run is that run's leak,
// whatever other runs (-j) or unrelated processes on the machine do meanwhile.
// Without that privilege (probed once per harness process): a snapshot diff of /dev/shm between
// the start and the end of the run. That is exact only when nothing else creates entries
// meanwhile; with concurrent runs an entry is blamed on (and removed by) whichever run ends first.

#include <string>
#include <vector>

namespace parity {

class ShmSandbox {
 public:
  // Whether private /dev/shm directories work here (probed once, in a throwaway child). The
  // probe also removes private directories of harness processes that died mid-run.
  static bool isolation_available();

  // Creates the run's directory (isolated mode) or snapshots /dev/shm (fallback mode).
  explicit ShmSandbox(const std::string& run_id);
  // Removes the run's directory and anything left in it.
  ~ShmSandbox();
  ShmSandbox(const ShmSandbox&) = delete;
  ShmSandbox& operator=(const ShmSandbox&) = delete;

  // In the forked child, before exec; async-signal-safe. Failures are ignored (the run then
  // uses the real /dev/shm and its leaks there go unseen): a case must still run.
  void enter_in_child() const noexcept;

  // After the run: the names it left behind, sorted, each removed.
  std::vector<std::string> collect_leaks();

 private:
  bool isolated_ = false;
  std::string dir_;                     // isolated: /dev/shm/.parity-<run id>
  std::vector<std::string> snapshot_;   // fallback: sorted names present at the start
};

}  // namespace parity
