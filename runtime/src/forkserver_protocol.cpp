// Authentication and descriptor-carrying frames of the forkserver wire (forkserver_protocol.hpp).
#include "forkserver_protocol.hpp"

#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "mp/detail/fd_io.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/errors.hpp"
#include "process_internal.hpp"

namespace mp::detail {
namespace {

constexpr std::string_view kChallenge = "#CHALLENGE#";
constexpr std::string_view kWelcome = "#WELCOME#";
constexpr std::string_view kFailure = "#FAILURE#";
constexpr std::size_t kNonceSize = 32;
constexpr std::size_t kMaxFds = 250;  // SCM_MAX_FD is 253

std::string hmac_sha256(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length) == nullptr) {
    throw RuntimeError("HMAC-SHA256 failed");
  }
  return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string nonce() {
  std::string bytes(kNonceSize, '\0');
  std::size_t got = 0;
  while (got < bytes.size()) {
    const ssize_t n = retry_on_eintr([&] { return ::getrandom(bytes.data() + got, bytes.size() - got, 0); });
    if (n < 0) throw_last_error();
    got += static_cast<std::size_t>(n);
  }
  return bytes;
}

// Handshake packets are small: anything over 1 KiB is not our peer.
constexpr std::size_t kMaxHandshakePacket = 1024;

std::string recv_handshake_packet(int fd) {
  std::string bytes;
  std::vector<int> fds;
  if (!recv_packet(fd, bytes, fds, kMaxHandshakePacket)) throw EOFError();
  for (int f : fds) ::close(f);
  return bytes;
}

}  // namespace

void deliver_challenge(int fd, std::string_view authkey) {
  std::string message = std::string(kChallenge) + nonce();
  send_packet(fd, message);
  std::string response = recv_handshake_packet(fd);
  std::string expected = hmac_sha256(authkey, message);
  if (response.size() == expected.size() && CRYPTO_memcmp(response.data(), expected.data(), expected.size()) == 0) {
    send_packet(fd, kWelcome);
    return;
  }
  send_packet(fd, kFailure);
  throw AuthenticationError("digest received was wrong");
}

void answer_challenge(int fd, std::string_view authkey) {
  std::string message = recv_handshake_packet(fd);
  if (message.rfind(kChallenge, 0) != 0) throw AuthenticationError("Protocol error, expected challenge");
  send_packet(fd, hmac_sha256(authkey, message));
  if (recv_handshake_packet(fd) != kWelcome) throw AuthenticationError("digest sent was rejected");
}

void send_packet(int fd, std::string_view bytes, const std::vector<int>& fds) {
  if (fds.size() > kMaxFds) throw ValueError("too many descriptors for one process object");
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (!fds.empty()) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
  }
  const ssize_t n = retry_on_eintr([&] { return ::sendmsg(fd, &msg, MSG_NOSIGNAL); });
  if (n < 0) throw_last_error();
}

bool recv_packet(int fd, std::string& bytes, std::vector<int>& fds, std::size_t max_size) {
  bytes.assign(max_size + 1, '\0');
  iovec iov{bytes.data(), bytes.size()};
  std::vector<char> control(CMSG_SPACE(sizeof(int) * kMaxFds));
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  const ssize_t n = retry_on_eintr([&] { return ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC); });
  if (n < 0) throw_last_error();
  fds.clear();
  for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
      std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      const int* received = reinterpret_cast<const int*>(CMSG_DATA(cmsg));
      fds.insert(fds.end(), received, received + count);
    }
  }
  if (n == 0 && fds.empty()) return false;  // EOF (an empty packet carries descriptors)
  if (static_cast<std::size_t>(n) > max_size || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) {
    for (int f : fds) ::close(f);
    fds.clear();
    throw ValueError("forkserver: oversized packet");
  }
  bytes.resize(static_cast<std::size_t>(n));
  return true;
}

}  // namespace mp::detail
