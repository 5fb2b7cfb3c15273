// mp::Manager: starting the server process, shutting it down (CPython's BaseManager.start and
// _finalize_manager), and Context::Manager.
#include <unistd.h>

#include <mutex>

#include "manager_internal.hpp"
#include "mp/context.hpp"
#include "mp/detail/lifecycle.hpp"
#include "mp/managers.hpp"
#include "mp/detail/os_error.hpp"

namespace mp {

namespace detail {

struct ManagerState {
  std::mutex mutex;
  std::unique_ptr<Process> process;
  std::string address;
  std::string authkey;  // the server's: this process's authkey when it started
  std::chrono::duration<double> shutdown_timeout{1.0};
  pid_t owner_pid = 0;
  bool running = false;
  std::optional<FinalizerId> finalizer;

  // CPython's _finalize_manager: ask, wait, then SIGTERM and SIGKILL; remove what a killed server
  // left. Only in the owner process.
  void shutdown() {
    // Before the lock: a forked child's copy of the mutex may be held by a parent thread forever.
    if (::getpid() != owner_pid) return;
    std::lock_guard lock(mutex);
    if (!running) return;
    running = false;
    if (finalizer) cancel_finalizer(*finalizer);
    finalizer.reset();
    if (process->is_alive()) {
      try {
        Connection connection = Client(address, authkey);
        std::string request;
        request.append(4, '\0');
        request.push_back(static_cast<char>(ManagerOp::shutdown));
        request.append(kRequestHeaderBytes - 1, '\0');
        send_frame(connection.fileno(), request);
        FrameReader reader;
        reader.next(connection.fileno());
      } catch (const std::exception&) {
        // The server is dying already, or unreachable: the escalation below ends it.
      }
      process->join(shutdown_timeout);
      if (process->is_alive()) {
        process->terminate();
        process->join(shutdown_timeout);
        if (process->is_alive()) {
          process->kill();
          process->join();
        }
      }
    }
    remove_socket();
  }

  // The socket and its pymp-* directory, if the server could not remove them (it was killed).
  void remove_socket() const noexcept {
    ::unlink(address.c_str());
    const std::string::size_type slash = address.rfind('/');
    if (slash != std::string::npos && slash > 0) ::rmdir(address.substr(0, slash).c_str());
  }
};

}  // namespace detail

Manager::Manager(ManagerOptions options) : state_(std::make_shared<detail::ManagerState>()) {
  // CPython binds the context when the manager is made (ctx or get_context()).
  const Context& context = get_context(options.start_method);
  state_->shutdown_timeout = options.shutdown_timeout;
  state_->owner_pid = ::getpid();
  state_->authkey = current_process().authkey();

  auto [reader, writer] = Pipe(false);
  detail::OwnerWatch owner = detail::watch_this_process();
  state_->process = std::make_unique<Process>(
      ProcessOptions{.start_method = context.get_start_method()}, &detail::serve_manager, writer, owner);
  Process& server = *state_->process;
  // "Process-1:2" -> "SyncManager-1:2": CPython names the server after its class and identity.
  server.set_name("SyncManager-" + server.name().substr(server.name().find('-') + 1));
  try {
    server.start();
  } catch (...) {
    ::close(owner.pidfd);
    throw;
  }
  // The child has its own copies now (forked, or handed over while starting).
  ::close(owner.pidfd);
  writer.close();
  state_->address = reader.recv<std::string>();
  reader.close();
  state_->running = true;
  // CPython registers _finalize_manager with exitpriority 0.
  std::weak_ptr<detail::ManagerState> weak = state_;
  state_->finalizer = detail::register_finalizer(0, [weak] {
    if (auto state = weak.lock()) state->shutdown();
  });
}

Manager::~Manager() {
  if (state_) state_->shutdown();
}

Manager& Manager::operator=(Manager&& other) noexcept {
  if (this != &other) {
    if (state_) state_->shutdown();
    state_ = std::move(other.state_);
  }
  return *this;
}

void Manager::shutdown() {
  if (state_) state_->shutdown();
}

const std::string& Manager::address() const { return state_->address; }

Process& Manager::process() { return *state_->process; }

detail::ProxyToken Manager::server() const {
  if (!state_) throw AssertionError("server not yet started");
  std::lock_guard lock(state_->mutex);
  if (!state_->running) throw AssertionError("server not yet started");
  return detail::ProxyToken{state_->address, 0, {}};
}

mp::Manager Context::Manager() const { return mp::Manager(ManagerOptions{.start_method = method_}); }

}  // namespace mp
