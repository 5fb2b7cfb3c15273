// The forkserver process (CPython's forkserver.main): single-threaded; accepts authenticated
// clients, forks one child per request, reaps its children and reports their exit codes; exits
// when the starter's alive pipe reaches EOF. The wire is described in forkserver_protocol.hpp.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "forkserver_protocol.hpp"
#include "mp/detail/fd_io.hpp"
#include "mp/serialize.hpp"
#include "process_internal.hpp"

namespace mp::detail {
namespace {

// A client that stalls mid-handshake or mid-request is dropped after this long (seconds).
constexpr int kClientIoTimeout = 10;

struct Server {
  int listener = -1;
  int alive = -1;
  int signals = -1;
  std::string authkey;
  std::string dir;
  std::vector<int> clients;
  std::map<pid_t, int> status_fds;  // running children -> their status socket
  sigset_t original_mask{};
};

void set_io_timeout(int fd, int seconds) {
  timeval tv{seconds, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void accept_client(Server& s) {
  int fd = ::accept4(s.listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (fd < 0) return;
  set_io_timeout(fd, kClientIoTimeout);
  try {
    deliver_challenge(fd, s.authkey);
    answer_challenge(fd, s.authkey);
  } catch (...) {
    ::close(fd);
    return;
  }
  s.clients.push_back(fd);
}

// Drains the signalfd; true when SIGTERM or SIGHUP asked the server to stop.
bool read_signals(Server& s) {
  bool stop = false;
  signalfd_siginfo info;
  while (::read(s.signals, &info, sizeof info) == static_cast<ssize_t>(sizeof info)) {
    if (info.ssi_signo == SIGTERM || info.ssi_signo == SIGHUP) stop = true;
  }
  return stop;
}

void reap_children(Server& s) {
  for (;;) {
    int status = 0;
    pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid <= 0) return;
    auto it = s.status_fds.find(pid);
    if (it == s.status_fds.end()) continue;
    std::int32_t code = exitcode_from_status(status);
    try {
      send_all(it->second, std::string_view(reinterpret_cast<const char*>(&code), sizeof code));
    } catch (...) {
      // The client is gone; nobody waits for this code.
    }
    ::close(it->second);
    s.status_fds.erase(it);
  }
}

[[noreturn]] void become_served_child(Server& s, int status_fd, int data_fd, int process_group,
                                      std::vector<int> exported) {
  ::close(s.listener);
  ::close(s.alive);
  ::close(s.signals);
  for (int fd : s.clients) ::close(fd);
  for (auto& [pid, fd] : s.status_fds) ::close(fd);
  ::close(status_fd);
  ::signal(SIGINT, SIG_DFL);
  ::sigprocmask(SIG_SETMASK, &s.original_mask, nullptr);
  if (process_group > 0) ::setpgid(0, process_group);  // best effort: same session only
  Preparation prep;
  try {
    prep = loads<Preparation>(read_frame(data_fd));
  } catch (...) {
    ::_exit(1);  // the client went away before sending the process object
  }
  ::close(data_fd);
  run_prepared_child(prep, std::move(exported), /*after_fork=*/true);
}

// Request packet: int32 process group; descriptors: status socket, data pipe, exported ones.
void serve_request(Server& s, const std::string& body, std::vector<int>& fds) {
  if (fds.size() < 2 || body.size() != sizeof(std::int32_t)) {
    for (int fd : fds) ::close(fd);
    return;
  }
  std::int32_t process_group = 0;
  std::memcpy(&process_group, body.data(), sizeof process_group);
  const int status_fd = fds[0];
  const int data_fd = fds[1];
  std::vector<int> exported(fds.begin() + 2, fds.end());
  pid_t pid = ::fork();
  if (pid == 0) become_served_child(s, status_fd, data_fd, process_group, std::move(exported));
  // Also from this side (as shells do), so that no group kill can find the child in between.
  if (pid > 0 && process_group > 0) ::setpgid(pid, process_group);
  ::close(data_fd);
  for (int fd : exported) ::close(fd);
  if (pid < 0) {
    ::close(status_fd);  // the client sees EOF instead of a pid
    return;
  }
  std::int32_t reported = pid;
  try {
    send_all(status_fd, std::string_view(reinterpret_cast<const char*>(&reported), sizeof reported));
  } catch (...) {
  }
  s.status_fds[pid] = status_fd;
}

void serve_client(Server& s, std::size_t index) {
  int fd = s.clients[index];
  std::string body;
  std::vector<int> fds;
  bool open = false;
  try {
    open = recv_packet(fd, body, fds, 64);
  } catch (...) {
    open = true;  // a malformed packet (already closed): drop it, keep the client
  }
  if (!open) {
    ::close(fd);
    s.clients.erase(s.clients.begin() + static_cast<std::ptrdiff_t>(index));
    return;
  }
  serve_request(s, body, fds);
}

}  // namespace

void forkserver_main(int argc, char** argv) {
  if (argc < 5) ::_exit(2);
  Server s;
  s.listener = std::atoi(argv[2]);
  s.alive = std::atoi(argv[3]);
  const int setup = std::atoi(argv[4]);
  for (int fd : {s.listener, s.alive, setup}) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  try {
    std::istringstream in(read_frame(setup), std::ios::binary);
    cereal::BinaryInputArchive archive(in);
    archive(s.authkey, s.dir);
  } catch (...) {
    ::_exit(1);
  }
  ::close(setup);
  const std::string address = s.dir + "/forkserver";

  ::signal(SIGINT, SIG_IGN);  // a terminal's Ctrl-C is for the client, as in CPython
  // SIGCHLD, and SIGTERM/SIGHUP (stop, removing the socket directory), arrive on a signalfd.
  sigset_t handled;
  sigemptyset(&handled);
  sigaddset(&handled, SIGCHLD);
  sigaddset(&handled, SIGTERM);
  sigaddset(&handled, SIGHUP);
  ::sigprocmask(SIG_BLOCK, &handled, &s.original_mask);
  s.signals = ::signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);

  // What each child would otherwise build for itself after fork(), paying a page fault for every
  // page it writes or code page it runs: the main process object (its authkey from getrandom),
  // the lifecycle registries, /dev/null (its stdin), the standard streams' flush checks.
  (void)current_process();
  lifecycle_warm_up();
  (void)devnull_fd();
  flush_std_streams();

  for (;;) {
    std::vector<pollfd> pfds = {{s.alive, POLLIN, 0}, {s.listener, POLLIN, 0}, {s.signals, POLLIN, 0}};
    for (int fd : s.clients) pfds.push_back({fd, POLLIN, 0});
    if (retry_on_eintr([&] { return ::poll(pfds.data(), pfds.size(), -1); }) < 0) break;
    if (pfds[0].revents != 0) break;  // the starter is gone
    if (pfds[2].revents != 0) {
      if (read_signals(s)) break;
      reap_children(s);
    }
    if (pfds[1].revents & POLLIN) accept_client(s);
    for (std::size_t i = pfds.size(); i-- > 3;) {
      if (pfds[i].revents != 0) serve_client(s, i - 3);
    }
  }
  ::unlink(address.c_str());
  ::rmdir(s.dir.c_str());
  ::_exit(0);
}

}  // namespace mp::detail
