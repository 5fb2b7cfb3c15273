// Seed 002's port scanner: Pool(20) checks 20 loopback ports with a 1 s connect timeout and puts
// the open ones on a manager's queue; exactly the 3 that listen are reported.
#include <arpa/inet.h>
#include <mp/mp.hpp>
#include <netinet/in.h>
#include <parity/case_main.hpp>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

namespace {

constexpr int kPorts = 20;
constexpr std::array kListening = {3, 11, 17};  // positions in the scanned range that accept
constexpr timeval kTimeout = {.tv_sec = 1, .tv_usec = 0};

sockaddr_in loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// A socket bound to a free loopback port for the whole scan (so no other program takes it).
int bind_any_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in address = loopback(0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    throw mp::OSError("cannot bind a loopback port");
  return fd;
}

int port_of(int fd) {
  sockaddr_in address{};
  socklen_t size = sizeof address;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  return ntohs(address.sin_port);
}

}  // namespace

// Python's sock.settimeout(1.0); connect_ex(...) == 0: SO_SNDTIMEO bounds connect() on Linux.
void check_port(int port, mp::QueueProxy<int> results) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return;
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &kTimeout, sizeof kTimeout);
  const sockaddr_in address = loopback(port);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0) results.put(port);
  ::close(fd);
}

void run_case(const parity::CaseArgs&) {
  std::vector<int> sockets, scan;
  for (int position = 0; position < kPorts; ++position) {
    sockets.push_back(bind_any_port());
    if (std::find(kListening.begin(), kListening.end(), position) != kListening.end()) ::listen(sockets.back(), kPorts);
    scan.push_back(port_of(sockets.back()));
  }
  mp::Manager manager;
  std::vector<int> found;
  {
    mp::Pool pool(kPorts);
    mp::QueueProxy<int> outputs = manager.Queue<int>();
    std::vector<mp::AsyncResult<void>> tasks;
    for (int port : scan) tasks.push_back(pool.apply_async(check_port, port, outputs));
    for (auto& task : tasks) task.get(std::chrono::seconds(10));
    while (!outputs.empty()) {
      const int port = outputs.get();
      found.push_back(static_cast<int>(std::find(scan.begin(), scan.end(), port) - scan.begin()));
    }
  }
  std::sort(found.begin(), found.end());
  for (int position : found) std::cout << "Port at position " << position << " is open." << std::endl;
  const bool exact = std::equal(found.begin(), found.end(), kListening.begin(), kListening.end());
  std::cout << kPorts << " ports scanned by Pool(" << kPorts << "); the open ones are exactly the listening ones: "
            << (exact ? "True" : "False") << std::endl;
  manager.shutdown();
  for (int fd : sockets) ::close(fd);
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
