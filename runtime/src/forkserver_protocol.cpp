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
    ssize_t n = ::getrandom(bytes.data() + got, bytes.size() - got, 0);
    if (n < 0 && errno != EINTR) throw_os_error(errno);
    if (n > 0) got += static_cast<std::size_t>(n);
  }
  return bytes;
}

// Frames during the handshake are small: anything over 1 KiB is not our peer.
std::string read_small_frame(int fd) {
  std::uint64_t size = 0;
  if (!read_exact(fd, &size, sizeof size)) throw EOFError();
  if (size > 1024) throw AuthenticationError("Protocol error: message too long");
  std::string bytes(size, '\0');
  if (size > 0 && !read_exact(fd, bytes.data(), size)) throw EOFError();
  return bytes;
}

}  // namespace

void deliver_challenge(int fd, std::string_view authkey) {
  std::string message = std::string(kChallenge) + nonce();
  write_frame(fd, message);
  std::string response = read_small_frame(fd);
  std::string expected = hmac_sha256(authkey, message);
  if (response.size() == expected.size() && CRYPTO_memcmp(response.data(), expected.data(), expected.size()) == 0) {
    write_frame(fd, kWelcome);
    return;
  }
  write_frame(fd, kFailure);
  throw AuthenticationError("digest received was wrong");
}

void answer_challenge(int fd, std::string_view authkey) {
  std::string message = read_small_frame(fd);
  if (message.rfind(kChallenge, 0) != 0) throw AuthenticationError("Protocol error, expected challenge");
  write_frame(fd, hmac_sha256(authkey, message));
  if (read_small_frame(fd) != kWelcome) throw AuthenticationError("digest sent was rejected");
}

void send_frame_with_fds(int fd, std::string_view bytes, const std::vector<int>& fds) {
  if (fds.size() > kMaxFds) throw ValueError("too many descriptors for one process object");
  std::uint64_t size = bytes.size();
  // Header and payload in one sendmsg: the server wakes once and finds the whole request.
  iovec iov[2] = {{&size, sizeof size}, {const_cast<char*>(bytes.data()), bytes.size()}};
  std::vector<char> control(CMSG_SPACE(sizeof(int) * fds.size()));
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = 2;
  if (!fds.empty()) {
    msg.msg_control = control.data();
    msg.msg_controllen = control.size();
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
  }
  ssize_t n;
  do {
    n = ::sendmsg(fd, &msg, MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  if (n < 0) throw_os_error(errno);
  std::size_t sent = static_cast<std::size_t>(n);
  if (sent < sizeof size) {
    write_all(fd, reinterpret_cast<const char*>(&size) + sent, sizeof size - sent);
    sent = sizeof size;
  }
  std::size_t payload_sent = sent - sizeof size;
  write_all(fd, bytes.data() + payload_sent, bytes.size() - payload_sent);
}

bool recv_frame_with_fds(int fd, std::string& bytes, std::vector<int>& fds) {
  std::uint64_t size = 0;
  iovec iov{&size, sizeof size};
  std::vector<char> control(CMSG_SPACE(sizeof(int) * kMaxFds));
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.data();
  msg.msg_controllen = control.size();
  ssize_t n;
  do {
    n = ::recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
  } while (n < 0 && errno == EINTR);
  if (n < 0) throw_os_error(errno);
  if (n == 0) return false;
  fds.clear();
  for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
      std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      const int* received = reinterpret_cast<const int*>(CMSG_DATA(cmsg));
      fds.insert(fds.end(), received, received + count);
    }
  }
  if (static_cast<std::size_t>(n) < sizeof size &&
      !read_exact(fd, reinterpret_cast<char*>(&size) + n, sizeof size - static_cast<std::size_t>(n))) {
    throw EOFError();
  }
  bytes.assign(size, '\0');
  if (size > 0 && !read_exact(fd, bytes.data(), size)) throw EOFError();
  return true;
}

}  // namespace mp::detail
