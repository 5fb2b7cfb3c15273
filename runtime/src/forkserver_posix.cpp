// The forkserver start method, client side (CPython's forkserver.py and popen_forkserver.py):
// starts the server on first use, sends process objects to it, and waits for the exit codes it
// reports. The wire is described in forkserver_protocol.hpp; the server is forkserver_server.cpp.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <string>
#include <tuple>

#include "forkserver_protocol.hpp"
#include "mp/detail/fd_io.hpp"
#include "mp/detail/lifecycle.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/errors.hpp"
#include "mp/serialize.hpp"
#include "process_internal.hpp"
#include "spawn_fds.hpp"

extern char** environ;

namespace mp::detail {
namespace {

// How long a client waits for the server to answer before giving up (seconds).
constexpr double kServerReplyTimeout = 30.0;
// How long the starter's exit waits for the server to leave before it kills it (milliseconds).
constexpr int kServerExitTimeoutMs = 5000;
// Process objects up to this size are written to the data socket before the request (bytes; well
// under the default AF_UNIX socket buffer, so the write cannot block).
constexpr std::size_t kPrewriteLimit = 64 * 1024;

struct ClientState {
  std::mutex mutex;
  std::string authkey;    // the key the server checks
  // The authenticated SOCK_SEQPACKET connection; a forked child shares its parent's (requests are
  // single packets), so it is not closed at fork.
  int connection = -1;
  // Only in the starter:
  int alive_w = -1;
  pid_t server_pid = 0;
  bool hooks_registered = false;
};

ClientState& client() {
  static ClientState* instance = new ClientState;  // never destroyed: used from atexit
  return *instance;
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

void remove_socket_dir(const std::string& dir, const std::string& address) {
  ::unlink(address.c_str());
  ::rmdir(dir.c_str());
}

// Starter's exit: let the server go (EOF on its alive pipe) and wait for it, up to
// kServerExitTimeoutMs, then SIGKILL it. The wait blocks on the server's pidfd: no polling.
void stop_server() {
  ClientState& c = client();
  std::lock_guard lock(c.mutex);
  close_fd(c.connection);
  if (c.server_pid == 0) return;
  close_fd(c.alive_w);
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, c.server_pid, 0));
  if (pidfd >= 0) {
    pollfd exited{pidfd, POLLIN, 0};
    const int r = retry_on_eintr([&] { return ::poll(&exited, 1, kServerExitTimeoutMs); });
    ::close(pidfd);
    if (r == 0) ::kill(c.server_pid, SIGKILL);  // still there after the timeout
  } else {
    ::kill(c.server_pid, SIGKILL);  // cannot wait for it without polling: end it now
  }
  retry_on_eintr([&] { return ::waitpid(c.server_pid, nullptr, 0); });
  c.server_pid = 0;
}

// A forked child is not the starter: the server must see EOF when the starter dies.
void forget_after_fork() {
  ClientState& c = client();
  new (&c.mutex) std::mutex;
  close_fd(c.alive_w);
  c.server_pid = 0;
}

int connect_and_authenticate(const std::string& address, const std::string& authkey) {
  int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_last_error();
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::strncpy(un.sun_path, address.c_str(), sizeof un.sun_path - 1);
  const int r = retry_on_eintr([&] { return ::connect(fd, reinterpret_cast<sockaddr*>(&un), sizeof un); });
  if (r != 0) {
    int error = errno;
    ::close(fd);
    throw ErrnoError(error);
  }
  try {
    answer_challenge(fd, authkey);
    deliver_challenge(fd, authkey);
  } catch (...) {
    ::close(fd);
    throw;
  }
  return fd;
}

void start_server(ClientState& c) {
  // $TMPDIR as Python's tempfile.mkdtemp; mkdtemp creates the directory with mode 0700.
  const char* tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/mp-forkserver-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) throw_last_error();
  std::string dir = templ;
  std::string address = dir + "/forkserver";
  int listener = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (listener < 0) throw_last_error();
  sockaddr_un un{};
  un.sun_family = AF_UNIX;
  std::strncpy(un.sun_path, address.c_str(), sizeof un.sun_path - 1);
  int alive[2] = {-1, -1};
  int setup[2] = {-1, -1};
  auto fail = [&](int error) {
    ::close(listener);
    if (alive[0] >= 0) ::close(alive[0]), ::close(alive[1]);
    if (setup[0] >= 0) ::close(setup[0]), ::close(setup[1]);
    remove_socket_dir(dir, address);
    throw ErrnoError(error);
  };
  if (address.size() >= sizeof un.sun_path) fail(ENAMETOOLONG);
  if (::bind(listener, reinterpret_cast<sockaddr*>(&un), sizeof un) != 0) fail(errno);
  if (::listen(listener, 128) != 0) fail(errno);
  if (::pipe2(alive, O_CLOEXEC) != 0) fail(errno);
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, setup) != 0) fail(errno);

  std::string marker(kForkserverMarker);
  std::string argv0 = program_name();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const int crossing[] = {listener, alive[0], setup[1]};
  const std::vector<int> numbers = pass_only(&actions, crossing);  // and no other descriptor
  std::string a1 = std::to_string(numbers[0]), a2 = std::to_string(numbers[1]), a3 = std::to_string(numbers[2]);
  char* argv[] = {argv0.data(), marker.data(), a1.data(), a2.data(), a3.data(), nullptr};
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  // The server leads its own process group (same session): a kill of the client's group (a
  // harness timeout, a terminal) takes the client and its children, and the server, seeing EOF on
  // its alive pipe, removes its socket directory and exits instead of dying with it in place.
  // The children it forks rejoin the client's group (sent with each request).
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);
  pid_t pid = 0;
  int error = ::posix_spawn(&pid, "/proc/self/exe", &actions, &attr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (error != 0) fail(error);
  ::close(listener);
  ::close(alive[0]);
  ::close(setup[1]);
  try {
    write_frame(setup[0], dumps(c.authkey, dir));
  } catch (...) {
    ::close(setup[0]);
    ::close(alive[1]);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    remove_socket_dir(dir, address);
    throw;
  }
  ::close(setup[0]);
  c.alive_w = alive[1];
  c.server_pid = pid;
  register_finalizer(-100, stop_server);  // after the exit sequence has joined every child
  try {
    c.connection = connect_and_authenticate(address, c.authkey);
  } catch (...) {
    remove_socket_dir(dir, address);
    close_fd(c.alive_w);
    ::kill(c.server_pid, SIGKILL);
    ::waitpid(c.server_pid, nullptr, 0);
    c.server_pid = 0;
    throw;
  }
  remove_socket_dir(dir, address);  // handshake done: nothing on disk from here on
}

// Returns the connection to a running server, starting the server if needed.
int ensure_connection(ClientState& c) {
  if (!c.hooks_registered) {
    register_after_fork(forget_after_fork);
    c.hooks_registered = true;
  }
  // The starter restarts a server that died (as CPython's ensure_running).
  if (c.server_pid != 0 && ::waitpid(c.server_pid, nullptr, WNOHANG) == c.server_pid) {
    close_fd(c.connection);
    close_fd(c.alive_w);
    c.server_pid = 0;
  }
  if (c.connection >= 0) return c.connection;
  c.authkey = current_process().authkey();
  start_server(c);
  return c.connection;
}

// A child forked by the server: its pid, then its exit code, arrive on the status socket. The pid
// is read on first need rather than in start(): the client sleeps once per child, not twice.
class ForkserverPopen final : public Popen {
 public:
  ForkserverPopen(std::string name, bool daemon, int status_fd)
      : Popen(0, std::move(name), daemon), status_fd_(status_fd) {}
  ~ForkserverPopen() override { close(); }
  int sentinel() const noexcept override { return status_fd_; }
  void close() noexcept override { close_fd(status_fd_); }

 protected:
  std::optional<int> collect() override {
    std::int32_t code = 0;
    try {
      if (status_fd_ >= 0 && read_exact(status_fd_, &code, sizeof code)) return code;
    } catch (...) {
    }
    return 255;  // the server went away before reporting: the code is lost
  }
  int receive_pid() override {
    std::int32_t pid = 0;
    try {
      if (wait_readable(status_fd_, kServerReplyTimeout) && read_exact(status_fd_, &pid, sizeof pid)) return pid;
    } catch (...) {
    }
    return -1;  // the server could not fork, or went away
  }

 private:
  int status_fd_;
};

}  // namespace

std::shared_ptr<Popen> start_forkserver(Process& process) {
  std::vector<int> exported;
  Preparation prep = prepare(process, "forkserver", exported);
  const std::int32_t process_group = static_cast<std::int32_t>(::getpgrp());
  std::string bytes = dumps(prep);
  int status[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, status) != 0) throw_last_error();
  int data[2];  // a socket rather than a pipe: a child that died before reading means EPIPE, not SIGPIPE
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, data) != 0) {
    int error = errno;
    ::close(status[0]);
    ::close(status[1]);
    throw ErrnoError(error);
  }
  // A small process object is written before the request, so the child finds it waiting rather
  // than sleeping until the client gets there; a large one (past the socket buffer) after.
  const bool write_first = bytes.size() + sizeof(std::uint64_t) <= kPrewriteLimit;
  if (write_first) write_frame(data[1], bytes);
  std::vector<int> fds = {status[1], data[0]};
  fds.insert(fds.end(), exported.begin(), exported.end());
  ClientState& c = client();
  {
    std::lock_guard lock(c.mutex);
    try {
      int connection = ensure_connection(c);
      send_packet(connection, std::string_view(reinterpret_cast<const char*>(&process_group), sizeof process_group),
                  fds);
    } catch (...) {
      close_fd(c.connection);  // reconnects (restarting the server if it died) next time
      for (int fd : {status[0], status[1], data[0], data[1]}) ::close(fd);
      throw;
    }
  }
  ::close(status[1]);
  ::close(data[0]);
  auto popen = std::make_shared<ForkserverPopen>(process.name(), process.daemon(), status[0]);
  try {
    if (!write_first) write_frame(data[1], bytes);
  } catch (const OSError&) {
    // The child died before reading (its exit code will say so): nothing to add here.
  }
  ::close(data[1]);
  return popen;
}

}  // namespace mp::detail
