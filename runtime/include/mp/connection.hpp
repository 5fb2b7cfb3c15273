#pragma once
// Connections between processes, as CPython's multiprocessing.connection: Pipe(), Connection,
// wait(), Listener and Client.
//
// A Connection is a handle: copies refer to the same open descriptor, as Python names refer to the
// same object (close() through one copy closes it for all). The descriptor is closed when the last
// copy goes away. Copies made by fork() (the fork start method) are the child's own descriptors:
// a receiver sees EOFError only once every process has closed its copy of the sending end, so a
// parent that keeps the send end open keeps its child's recv() waiting forever, as in CPython.
//
// Wire format (CPython's shape): each message is a 4-byte big-endian length, then the payload; a
// payload over 0x7fffffff bytes has the length -1 followed by an 8-byte length. Objects travel as
// mp::dumps() payloads (cereal binary), so send<T> pairs with recv<T> of the same T.
//
// Errors are CPython's: OSError "handle is closed", "connection is read-only" / "write-only",
// "bad message length"; EOFError at end of stream; OSError "got end of file during message";
// BufferTooShort (its message is the Python repr of the bytes received); BrokenPipeError etc. from
// the OS (mp/detail/os_error.hpp). All descriptors are created O_CLOEXEC; spawn and forkserver
// children get them only as Process arguments (mp/detail/fd_transfer.hpp).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <ranges>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "mp/detail/fd_transfer.hpp"
#include "mp/detail/wire.hpp"
#include "mp/errors.hpp"
#include "mp/serialize.hpp"

namespace mp {

class Connection {
 public:
  // A closed connection.
  Connection() = default;
  // Takes ownership of fd. Throws ValueError "invalid handle" for fd < 0 and "at least one of
  // `readable` and `writable` must be True" when both are false.
  explicit Connection(int fd, bool readable = true, bool writable = true);

  // Sends obj as one message (mp::dumps(obj)).
  template <Serializable T>
  void send(const T& obj) {
    check_writable();
    std::string frame;
    detail::append_frame(frame, obj);
    send_frame(frame);
  }

  // Receives one message sent by send<T>() and rebuilds the object.
  template <Serializable T>
  T recv() {
    return detail::load_payload<T>(recv_bytes());
  }

  // Sends data[offset, offset + size) as one message; size nullopt (Python's None) means the rest.
  // offset and size are signed so that CPython's checks, made in its order before anything is sent,
  // are all expressible: ValueError "offset is negative", "buffer length < offset", "size is
  // negative", "buffer length < offset + size" (no wrap-around for sizes near the type's maximum).
  void send_bytes(std::string_view data, std::ptrdiff_t offset = 0,
                  std::optional<std::ptrdiff_t> size = std::nullopt);

  // Receives one message. A message longer than maxlength raises OSError "bad message length"
  // (the connection becomes unreadable, or is closed if it is read-only), as CPython.
  std::string recv_bytes(std::optional<std::size_t> maxlength = std::nullopt);

  // Receives one message into buffer at byte `offset`; returns its size in bytes. When it does not
  // fit the message is consumed and BufferTooShort raised. Before reading, as CPython: ValueError
  // "negative offset" when offset < 0 (signed for that reason), "offset too large" when
  // offset > buffer size.
  std::size_t recv_bytes_into(std::span<std::byte> buffer, std::ptrdiff_t offset = 0);
  template <std::ranges::contiguous_range R>
    requires(!std::is_const_v<std::remove_reference_t<std::ranges::range_reference_t<R>>> &&
             !std::is_same_v<std::remove_cvref_t<R>, std::span<std::byte>>)
  std::size_t recv_bytes_into(R&& buffer, std::ptrdiff_t offset = 0) {
    return recv_bytes_into(std::as_writable_bytes(std::span(std::ranges::data(buffer),
                                                            std::ranges::size(buffer))),
                           offset);
  }

  // Whether a message (or end of stream) is ready to be read, waiting up to timeout; nullopt waits
  // forever. The default 0 only looks.
  bool poll(std::optional<std::chrono::duration<double>> timeout = std::chrono::duration<double>(0));

  // Closes the descriptor (all copies of this handle); a no-op when already closed.
  void close() noexcept;

  // The descriptor to wait on (readable when a message or end of stream is there); OSError
  // "handle is closed" after close(). For a duplex Pipe it is the receiving pipe (see Pipe()).
  int fileno() const;
  // The descriptor messages are written to: fileno(), or for a duplex Pipe its sending pipe.
  int send_fileno() const;

  bool closed() const noexcept;
  bool readable() const noexcept;
  bool writable() const noexcept;

  // Copies of one connection compare equal.
  friend bool operator==(const Connection& a, const Connection& b) noexcept {
    return a.state_ == b.state_;
  }

  // Travels to spawn/forkserver children as a Process argument (the descriptor is handed over);
  // anywhere else RuntimeError "Connection objects should only be shared between processes
  // through inheritance" (CPython would send it through its resource sharer; mp does not).
  template <class Archive>
  void save(Archive& archive) const {
    detail::assert_spawning("Connection");
    archive(detail::export_fd(fileno()), detail::export_fd(send_fileno()), readable(), writable());
  }
  template <class Archive>
  void load(Archive& archive) {
    std::uint32_t index = 0, send_index = 0;
    bool is_readable = true, is_writable = true;
    archive(index, send_index, is_readable, is_writable);
    *this = Connection(detail::import_fd(index), is_readable, is_writable);
    if (send_index != index) state_->set_write_fd(detail::import_fd(send_index));
  }

  // Internals shared with Queue: one whole frame written with as few syscalls as possible.
  void send_frame(std::string_view frame);

 private:
  struct State {
    int fd = -1;        // read side, and what fileno() returns
    int write_fd = -1;  // the sending descriptor when it is another one (a duplex Pipe)
    bool readable = true;
    bool writable = true;
    int out() const noexcept { return write_fd >= 0 ? write_fd : fd; }
    void set_write_fd(int fd_to_send_on) noexcept { write_fd = fd_to_send_on; }
    void close() noexcept;
    ~State() { close(); }
  };
  // A duplex connection over two descriptors (owned).
  Connection(int read_fd, int write_fd);
  friend std::pair<Connection, Connection> Pipe(bool duplex);
  void check_open() const;
  void check_readable() const;
  void check_writable() const;
  std::shared_ptr<State> state_;
};

// A connected pair. Duplex (the default): both ends read and write. One-way (duplex = false):
// first the receiving end, then the sending end, as CPython. CPython's duplex Pipe is a Unix
// socketpair; mp's is two os pipes (each end reads one, writes the other), which behaves the same
// (EOFError once every copy of the other end is closed, BrokenPipeError when nobody can read)
// and costs about half a socketpair's round trip. fileno() is the receiving pipe.
std::pair<Connection, Connection> Pipe(bool duplex = true);

namespace detail {

// The descriptor wait() watches for an object: a Connection's fileno(), or a file descriptor as
// is (a process sentinel, Process::sentinel()).
inline int wait_fd(const Connection& connection) { return connection.fileno(); }
inline int wait_fd(int fd) { return fd; }
template <class... Ts>
int wait_fd(const std::variant<Ts...>& object) {
  return std::visit([](const auto& alternative) { return wait_fd(alternative); }, object);
}

// Indices (ascending) of the descriptors that are readable, at end of stream, or hung up, after
// waiting up to timeout (nullopt: until one is). Retries on EINTR.
std::vector<std::size_t> wait_ready(std::span<const int> fds,
                                    std::optional<std::chrono::duration<double>> timeout);

}  // namespace detail

// The objects of `objects` that are ready (a message or end of stream to read, a process ended),
// in their input order, after waiting up to timeout (nullopt: until one is); empty on timeout.
// Objects are Connections, process sentinels (int, Process::sentinel()), or a
// std::variant<Connection, int> to mix them as Python lists do.
template <std::ranges::input_range R>
auto wait(const R& objects,
          std::optional<std::chrono::duration<double>> timeout = std::nullopt) {
  using Object = std::ranges::range_value_t<R>;
  std::vector<Object> all(std::ranges::begin(objects), std::ranges::end(objects));
  std::vector<int> fds;
  fds.reserve(all.size());
  for (const Object& object : all) fds.push_back(detail::wait_fd(object));
  std::vector<Object> ready;
  for (std::size_t index : detail::wait_ready(fds, timeout)) ready.push_back(all[index]);
  return ready;
}
template <class T>
std::vector<T> wait(std::initializer_list<T> objects,
                    std::optional<std::chrono::duration<double>> timeout = std::nullopt) {
  return wait(std::vector<T>(objects), timeout);
}

// ---- Listener and Client -----------------------------------------------------------------------

// An AF_INET address (host, port).
struct InetAddress {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  friend bool operator==(const InetAddress&, const InetAddress&) = default;
  template <class Archive>
  void serialize(Archive& archive) {
    archive(host, port);
  }
};

// An AF_UNIX socket path, or an AF_INET address.
using Address = std::variant<std::string, InetAddress>;

// Python's repr of an address: '/tmp/pymp-x/listener-y' or ('127.0.0.1', 5000).
std::string address_repr(const Address& address);

struct ListenerOptions {
  // Where to listen; none: a fresh address of `family`.
  std::optional<Address> address;
  // "AF_UNIX" or "AF_INET"; empty: the address's family, else AF_UNIX (CPython's default family).
  // "AF_PIPE", or an address starting with two backslashes (a Windows pipe name), raises ValueError
  // "Family AF_PIPE is not recognized." (in Client too), another name "unrecognized family".
  std::string family;
  int backlog = 1;
  // When set and not empty, accept() runs CPython's HMAC challenge both ways; a client with another
  // key gets AuthenticationError.
  std::optional<std::string> authkey;
};

// A bound, listening socket (CPython's Listener). A Unix socket file (and the pymp-* directory
// holding an arbitrary address) is removed by close(), by the last copy's destructor, or at exit.
class Listener {
 public:
  explicit Listener(ListenerOptions options = {});

  // The next connection; with an authkey, only after both sides proved they hold it
  // (AuthenticationError "digest received was wrong" otherwise). OSError "listener is closed".
  Connection accept();
  void close() noexcept;

  Address address() const;
  // The peer of the last accepted connection (AF_INET); nullopt before any accept.
  std::optional<Address> last_accepted() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Connects to a Listener. With an authkey (even empty), answers the listener's challenge and
// delivers one (AuthenticationError "digest sent was rejected" when the listener's key differs).
Connection Client(const Address& address, std::optional<std::string> authkey = std::nullopt);

// CPython's authentication handshake over an open connection (HMAC-MD5 of a 20-byte random
// challenge, as CPython 3.11).
void deliver_challenge(Connection& connection, std::string_view authkey);
void answer_challenge(Connection& connection, std::string_view authkey);

}  // namespace mp
