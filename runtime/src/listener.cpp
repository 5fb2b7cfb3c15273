// Listener and Client over AF_UNIX and AF_INET stream sockets, and CPython's HMAC handshake.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "mp/connection.hpp"
#include "mp/detail/fd_io.hpp"
#include "mp/detail/lifecycle.hpp"
#include "mp/detail/os_error.hpp"

namespace mp {

namespace {

constexpr std::string_view kChallenge = "#CHALLENGE#";
constexpr std::string_view kWelcome = "#WELCOME#";
constexpr std::string_view kFailure = "#FAILURE#";
constexpr std::size_t kMessageLength = 20;

std::string hmac_md5(std::string_view key, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_md5(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest,
           &length) == nullptr) {
    throw RuntimeError("HMAC-MD5 failed");
  }
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = detail::retry_on_eintr([&] { return ::getrandom(out.data() + got, n - got, 0); });
    if (r < 0) detail::throw_last_error();
    got += static_cast<std::size_t>(r);
  }
  return out;
}

std::string random_name(std::size_t n) {
  static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
  std::string bytes = random_bytes(n);
  for (char& c : bytes) c = alphabet[static_cast<unsigned char>(c) % (sizeof(alphabet) - 1)];
  return bytes;
}

bool is_unix(const Address& address) { return std::holds_alternative<std::string>(address); }

// CPython's address_type(): a string starting with two backslashes names a Windows pipe.
std::string address_family(const Address& address) {
  if (!is_unix(address)) return "AF_INET";
  return std::get<std::string>(address).starts_with("\\\\") ? "AF_PIPE" : "AF_UNIX";
}

// CPython's _validate_family() on Linux.
void validate_family(const std::string& family) {
  if (family == "AF_PIPE") throw ValueError("Family AF_PIPE is not recognized.");
  if (family != "AF_UNIX" && family != "AF_INET") throw ValueError("unrecognized family");
}

// A socket address for `address`; returns its length.
socklen_t to_sockaddr(const Address& address, sockaddr_storage& storage) {
  std::memset(&storage, 0, sizeof storage);
  if (const auto* path = std::get_if<std::string>(&address)) {
    auto* un = reinterpret_cast<sockaddr_un*>(&storage);
    un->sun_family = AF_UNIX;
    if (path->size() >= sizeof(un->sun_path)) throw OSError("AF_UNIX path too long");
    std::memcpy(un->sun_path, path->data(), path->size());
    return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path->size() + 1);
  }
  const auto& inet = std::get<InetAddress>(address);
  auto* in = reinterpret_cast<sockaddr_in*>(&storage);
  in->sin_family = AF_INET;
  in->sin_port = htons(inet.port);
  std::string host = inet.host == "localhost" || inet.host.empty() ? "127.0.0.1" : inet.host;
  if (::inet_pton(AF_INET, host.c_str(), &in->sin_addr) != 1) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0 || found == nullptr) {
      throw OSError("[Errno -2] Name or service not known");
    }
    in->sin_addr = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
    ::freeaddrinfo(found);
  }
  return sizeof(sockaddr_in);
}

Address from_sockaddr(const sockaddr_storage& storage, socklen_t length) {
  if (storage.ss_family == AF_UNIX) {
    const auto* un = reinterpret_cast<const sockaddr_un*>(&storage);
    std::size_t n = length > offsetof(sockaddr_un, sun_path)
                        ? length - offsetof(sockaddr_un, sun_path)
                        : 0;
    return std::string(un->sun_path, strnlen(un->sun_path, n));
  }
  const auto* in = reinterpret_cast<const sockaddr_in*>(&storage);
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
  return InetAddress{text, ntohs(in->sin_port)};
}

}  // namespace

std::string address_repr(const Address& address) {
  if (const auto* path = std::get_if<std::string>(&address)) return "'" + *path + "'";
  const auto& inet = std::get<InetAddress>(address);
  return "('" + inet.host + "', " + std::to_string(inet.port) + ")";
}

void deliver_challenge(Connection& connection, std::string_view authkey) {
  std::string message = random_bytes(kMessageLength);
  connection.send_bytes(std::string(kChallenge) + message);
  std::string digest = hmac_md5(authkey, message);
  std::string response = connection.recv_bytes(256);  // reject large message
  if (response == digest) {
    connection.send_bytes(kWelcome);
  } else {
    connection.send_bytes(kFailure);
    throw AuthenticationError("digest received was wrong");
  }
}

void answer_challenge(Connection& connection, std::string_view authkey) {
  std::string message = connection.recv_bytes(256);  // reject large message
  if (message.compare(0, kChallenge.size(), kChallenge) != 0) {
    throw AssertionError("message = " + detail::python_bytes_repr(message));
  }
  std::string digest = hmac_md5(authkey, std::string_view(message).substr(kChallenge.size()));
  connection.send_bytes(digest);
  std::string response = connection.recv_bytes(256);  // reject large message
  if (response != kWelcome) throw AuthenticationError("digest sent was rejected");
}

struct Listener::State {
  int fd = -1;
  Address address;
  std::optional<Address> last_accepted;
  std::optional<std::string> authkey;
  pid_t owner = 0;
  // Unix socket file and the pymp-* directory made for an arbitrary address: removed once, by
  // close() or at exit (priority 0, as CPython's SocketListener unlink finalizer).
  std::optional<detail::FinalizerId> unlink_finalizer;
  std::mutex mutex;

  void close() noexcept {
    std::optional<detail::FinalizerId> unlink;
    {
      std::lock_guard lock(mutex);
      if (fd >= 0) ::close(fd);
      fd = -1;
      unlink.swap(unlink_finalizer);
    }
    // A fork child never removes its parent's socket file (its finalizers are not inherited).
    if (unlink && ::getpid() == owner) detail::run_finalizer(*unlink);
  }
  ~State() { close(); }
};

Listener::Listener(ListenerOptions options) : state_(std::make_shared<State>()) {
  detail::ignore_sigpipe_once();
  std::string family = options.family;
  if (family.empty()) family = options.address ? address_family(*options.address) : "AF_UNIX";
  validate_family(family);
  std::string temp_dir;
  Address address;
  if (options.address) {
    address = *options.address;
  } else if (family == "AF_INET") {
    address = InetAddress{"127.0.0.1", 0};
  } else {
    char pattern[] = "/tmp/pymp-XXXXXXXX";
    if (::mkdtemp(pattern) == nullptr) detail::throw_last_error();
    temp_dir = pattern;
    address = temp_dir + "/listener-" + random_name(8);
  }
  auto remove_temp_dir = [temp_dir] {
    if (!temp_dir.empty()) ::rmdir(temp_dir.c_str());
  };
  const int domain = family == "AF_UNIX" ? AF_UNIX : AF_INET;
  int fd = ::socket(domain, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    remove_temp_dir();
    detail::throw_last_error();
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_storage storage{};
  socklen_t length = to_sockaddr(address, storage);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 ||
      ::listen(fd, options.backlog) != 0) {
    std::error_code ec = detail::last_error();
    ::close(fd);
    remove_temp_dir();
    detail::throw_if(ec);
  }
  length = sizeof storage;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  state_->fd = fd;
  state_->address = domain == AF_UNIX ? address : from_sockaddr(storage, length);
  state_->authkey = std::move(options.authkey);
  state_->owner = ::getpid();
  if (domain == AF_UNIX) {
    std::string path = std::get<std::string>(address);
    state_->unlink_finalizer = detail::register_finalizer(0, [path, remove_temp_dir] {
      ::unlink(path.c_str());
      remove_temp_dir();
    });
  }
}

Connection Listener::accept() {
  int listen_fd;
  {
    std::lock_guard lock(state_->mutex);
    listen_fd = state_->fd;
  }
  if (listen_fd < 0) throw OSError("listener is closed");
  sockaddr_storage peer{};
  socklen_t length = sizeof peer;
  const int fd = detail::retry_on_eintr(
      [&] { return ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_CLOEXEC); });
  if (fd < 0) detail::throw_last_error();
  {
    std::lock_guard lock(state_->mutex);
    state_->last_accepted = from_sockaddr(peer, length);
  }
  Connection connection(fd);
  if (state_->authkey && !state_->authkey->empty()) {
    deliver_challenge(connection, *state_->authkey);
    answer_challenge(connection, *state_->authkey);
  }
  return connection;
}

void Listener::close() noexcept { state_->close(); }

Address Listener::address() const { return state_->address; }

std::optional<Address> Listener::last_accepted() const {
  std::lock_guard lock(state_->mutex);
  return state_->last_accepted;
}

Connection Client(const Address& address, std::optional<std::string> authkey) {
  detail::ignore_sigpipe_once();
  validate_family(address_family(address));
  int fd = ::socket(is_unix(address) ? AF_UNIX : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) detail::throw_last_error();
  sockaddr_storage storage{};
  socklen_t length = to_sockaddr(address, storage);
  const int rc = detail::retry_on_eintr([&] { return ::connect(fd, reinterpret_cast<sockaddr*>(&storage), length); });
  if (rc != 0) {
    std::error_code ec = detail::last_error();
    ::close(fd);
    detail::throw_if(ec);
  }
  Connection connection(fd);
  if (authkey) {
    answer_challenge(connection, *authkey);
    deliver_challenge(connection, *authkey);
  }
  return connection;
}

}  // namespace mp
