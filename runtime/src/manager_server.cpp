// The manager's server process (CPython's managers.Server): a listener, a thread per client
// connection, the object table, and the reasons to exit.
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <unordered_map>

#include "manager_internal.hpp"
#include "mp/detail/fd_io.hpp"
#include "mp/detail/manager_protocol.hpp"
#include "mp/detail/manager_repr.hpp"
#include "mp/process.hpp"

namespace mp::detail {

void throw_wrong_servant(const std::type_info& expected) {
  throw TypeError("the manager's object is not a " + type_name_of(expected));
}

namespace {

struct ServerState {
  std::string authkey;
  int stop_fd = -1;  // eventfd, written once a shutdown request has been answered
  std::shared_mutex objects_mutex;
  std::unordered_map<std::uint64_t, std::unique_ptr<Servant>> objects;
  std::uint64_t next_id = 1;

  // Objects are never removed (see managers.hpp), so the pointer stays valid.
  Servant& find(std::uint64_t id) {
    std::shared_lock lock(objects_mutex);
    auto it = objects.find(id);
    if (it == objects.end()) throw KeyError(python_str_repr(std::to_string(id)));
    return *it->second;
  }
  std::uint64_t add(std::unique_ptr<Servant> object) {
    std::unique_lock lock(objects_mutex);
    const std::uint64_t id = next_id++;
    objects.emplace(id, std::move(object));
    return id;
  }
};

void reply_error(std::string& reply, const std::string& type_name, const std::string& message) {
  reply.assign(4, '\0');
  reply.push_back(static_cast<char>(ReplyKind::error));
  append_payload(reply, std::pair<std::string, std::string>(type_name, message));
}

// Runs one request and writes its reply (after the 4 bytes reserved for the frame header).
// Returns true for a shutdown request.
bool handle(ServerState& state, std::string_view request, std::string& reply) {
  reply.assign(4, '\0');
  reply.push_back(static_cast<char>(ReplyKind::value));
  try {
    if (request.size() < kRequestHeaderBytes) throw ValueError("malformed manager request");
    const auto op = static_cast<ManagerOp>(request[0]);
    std::uint64_t id = 0;
    std::int64_t code = 0;
    std::memcpy(&id, request.data() + 1, sizeof id);
    std::memcpy(&code, request.data() + 9, sizeof code);
    const std::string_view arguments = request.substr(kRequestHeaderBytes);
    switch (op) {
      case ManagerOp::call:
        function_at<void(Servant&, std::string_view, std::string&)>(code)(state.find(id), arguments, reply);
        return false;
      case ManagerOp::create:
        append_payload(reply, state.add(function_at<std::unique_ptr<Servant>(std::string_view)>(code)(arguments)));
        return false;
      case ManagerOp::shutdown:
        return true;
    }
    throw ValueError("unknown manager request");
  } catch (const Error& e) {
    reply_error(reply, e.type_name(), e.what());
  } catch (const std::exception& e) {
    reply_error(reply, type_name_of(typeid(e)), e.what());
  } catch (...) {
    reply_error(reply, "BaseException", "exception of unknown type");
  }
  return false;
}

// CPython's Server.handle_request + serve_client: authenticate, then answer requests in order
// until the client goes away.
void serve_client(std::shared_ptr<ServerState> state, Connection connection) {
  try {
    deliver_challenge(connection, state->authkey);
    answer_challenge(connection, state->authkey);
  } catch (const std::exception&) {
    return;  // not a client of ours, or gone
  }
  const int fd = connection.fileno();
  FrameReader reader;
  std::string reply;
  for (;;) {
    std::string_view request;
    try {
      request = reader.next(fd);
    } catch (const std::exception&) {
      return;  // end of stream: the client's thread or process is gone
    }
    const bool stop = handle(*state, request, reply);
    try {
      send_frame(fd, reply);
    } catch (const std::exception&) {
      return;
    }
    if (stop) {
      const std::uint64_t one = 1;
      (void)!::write(state->stop_fd, &one, sizeof one);
      return;
    }
  }
}

void accept_clients(std::shared_ptr<ServerState> state, std::shared_ptr<Listener> listener) {
  for (;;) {
    Connection connection;
    try {
      connection = listener->accept();
    } catch (const OSError& e) {
      if (std::string_view(e.what()) == "listener is closed") return;
      continue;  // CPython's accepter retries on OSError (e.g. EMFILE)
    }
    try {
      std::thread(serve_client, state, std::move(connection)).detach();
    } catch (const std::system_error&) {
      // No thread for this client: its connection closes, and it sees EOFError.
    }
  }
}

// Blocks until one of fds is readable (or hung up).
void wait_any(std::vector<pollfd> fds) {
  retry_on_eintr([&] { return ::poll(fds.data(), fds.size(), -1); });
}

}  // namespace

void serve_manager(Connection address_writer, OwnerWatch owner) {
  // bpo-36368: a Ctrl-C meant for the owner must not kill the server under its proxies.
  ::signal(SIGINT, SIG_IGN);
  // SIGTERM and SIGHUP end the server through the same clean exit; every thread started below
  // inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  const int signal_fd = ::signalfd(-1, &stop_signals, SFD_CLOEXEC);

  auto state = std::make_shared<ServerState>();
  state->authkey = current_process().authkey();
  state->stop_fd = ::eventfd(0, EFD_CLOEXEC);
  // CPython's Server listens with backlog 16 on an arbitrary AF_UNIX address: a socket in a fresh
  // /tmp/pymp-* directory (0700), both removed when the listener closes or at exit.
  auto listener = std::make_shared<Listener>(ListenerOptions{.backlog = 16});
  address_writer.send(std::get<std::string>(listener->address()));
  address_writer.close();
  std::thread(accept_clients, state, listener).detach();

  std::vector<pollfd> fds = {{state->stop_fd, POLLIN, 0}};
  if (owner.pidfd >= 0) fds.push_back({owner.pidfd, POLLIN, 0});
  if (signal_fd >= 0) fds.push_back({signal_fd, POLLIN, 0});
  wait_any(std::move(fds));
  // New clients now fail to connect; the exit sequence ends the threads still serving.
  listener->close();
}

}  // namespace mp::detail
