#pragma once
// mp::Manager: a server process that owns shared objects, and proxies that call them, as Python's
// multiprocessing.Manager() (a started managers.SyncManager).
//
//   mp::Manager manager;                               // or mp::get_context("spawn").Manager()
//   mp::DictProxy<std::string, int> d = manager.dict<std::string, int>();
//   mp::QueueProxy<int> q = manager.Queue<int>();
//   mp::AcquirerProxy lock = manager.Lock();
//   mp::Process p(worker, d, q, lock);                 // proxies travel as arguments, pool tasks,
//   p.start();                                         // queue items: under every start method
//   d.set("a", 1); int a = d["a"]; q.put(3);
//   manager.shutdown();                                // or let the destructor do it
//
// The server. Constructing a Manager starts a real child process with the manager's start method
// (the default context's, or ManagerOptions::start_method; Context::Manager() binds the context's),
// named "SyncManager-N" from the same counter as Process names, not daemonic, as CPython's. It
// listens on a Unix socket in a private 0700 directory (/tmp/pymp-*) and authenticates every
// connection with CPython's HMAC challenge on the process authkey. It serves each client connection
// on its own thread, so a call blocked in the server (Queue::get, Lock::acquire, Barrier::wait)
// blocks only its caller. It exits on shutdown() (the destructor and the exit sequence call it, as
// leaving `with Manager()` and CPython's finalizer do), on SIGTERM / SIGHUP, and, unlike CPython's,
// as soon as its owner (the process that constructed the Manager) ends, SIGKILL included: then too
// it removes its socket and directory. shutdown() asks the server to exit and waits
// ManagerOptions::shutdown_timeout, then escalates to SIGTERM and SIGKILL, and removes what a killed
// server left. Only a simultaneous SIGKILL of owner and server can leave the directory behind.
//
// Proxies. Each factory creates an object in the server and returns a proxy naming it. A proxy is a
// copyable handle (copies name the same object) holding the server's address and the object's id
// (every proxy's address(), id() and ==; a default-constructed proxy names nothing and its calls
// throw ValueError), and it serializes: it travels as an mp::Process argument, a Pool task argument or result, a queue
// item or a Connection message, under every start method, and reconnects in the receiving process
// on first use (the authkey travels only to a child being started, as CPython's __reduce__; other
// receivers use their own, inherited, authkey). Types are C++ types: a dict<K, V> holds K and V
// values and its proxy is DictProxy<K, V>; both ends must name the same types (they are the same
// program: methods travel by function identity, see mp/detail/function_identity.hpp).
//
// A call is one request and one reply on the calling thread's own connection to the server
// (opened on the thread's first call, after fork too: a forked child never uses its parent's
// connections). Results are copies. An exception the server-side object raises is re-raised in the
// caller as the mp exception of the same Python name and message (CPython's '#ERROR' reply):
// mp::KeyError (what() is repr(key): 'missing'), mp::IndexError ("list index out of range"),
// mp::Empty, mp::Full, mp::ValueError, mp::RuntimeError ("release unlocked lock"),
// mp::BrokenBarrierError; names without an mp class as mp::RemoteError. After shutdown() a proxy
// call raises what CPython's raises: BrokenPipeError "[Errno 32] Broken pipe" on a thread that
// already had a connection, FileNotFoundError "[Errno 2] No such file or directory" on a new one;
// the factories raise AssertionError "server not yet started".
//
// Objects live until the server exits (CPython frees an object when its last proxy anywhere is
// gone; mp keeps no reference counts, so a program creating objects without end grows the server).
// Proxies have no str()/repr() of their referent. Thread-safety: proxies may be used from any
// thread; each method call is atomic in the server, as one Python method call is under the GIL.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mp/context.hpp"
#include "mp/detail/fd_transfer.hpp"
#include "mp/detail/manager_containers.hpp"
#include "mp/detail/manager_protocol.hpp"
#include "mp/detail/manager_proxy.hpp"
#include "mp/detail/manager_queue.hpp"
#include "mp/detail/manager_sync.hpp"
#include "mp/errors.hpp"
#include "mp/process.hpp"
#include "mp/serialize.hpp"

namespace mp {

class Manager;

namespace detail {
struct ManagerState;
}  // namespace detail

// A manager's dict (CPython's DictProxy): insertion-ordered, as Python's dict.
template <Serializable K, Serializable V>
class DictProxy : public detail::BaseProxy {
  using Servant = detail::DictServant<K, V>;

 public:
  DictProxy() = default;

  // d[key]: a copy; KeyError (what() is repr(key)) when missing.
  V operator[](const K& key) const { return call<&Servant::getitem>(key); }
  // d.get(key): nullopt (Python's None) when missing.
  std::optional<V> get(const K& key) const { return call<&Servant::get>(key); }
  V get(const K& key, const V& fallback) const { return call<&Servant::get_or>(key, fallback); }
  // d[key] = value.
  void set(const K& key, const V& value) const { call<&Servant::setitem>(key, value); }
  V setdefault(const K& key, const V& fallback) const { return call<&Servant::setdefault>(key, fallback); }
  // del d[key]; KeyError when missing.
  void erase(const K& key) const { call<&Servant::delitem>(key); }
  V pop(const K& key) const { return call<&Servant::pop>(key); }
  V pop(const K& key, const V& fallback) const { return call<&Servant::pop_or>(key, fallback); }
  // The last inserted item; KeyError 'popitem(): dictionary is empty'.
  std::pair<K, V> popitem() const { return call<&Servant::popitem>(); }
  bool contains(const K& key) const { return call<&Servant::contains>(key); }
  std::size_t size() const { return call<&Servant::size>(); }
  // Copies, in insertion order.
  std::vector<K> keys() const { return call<&Servant::keys>(); }
  std::vector<V> values() const { return call<&Servant::values>(); }
  std::vector<std::pair<K, V>> items() const { return call<&Servant::items>(); }
  void update(const std::vector<std::pair<K, V>>& items) const { call<&Servant::update>(items); }
  void update(const std::map<K, V>& items) const {
    update(std::vector<std::pair<K, V>>(items.begin(), items.end()));
  }
  void clear() const { call<&Servant::clear>(); }
  std::map<K, V> copy() const { return call<&Servant::copy>(); }

 private:
  friend class Manager;
  using BaseProxy::BaseProxy;
};

// A manager's list (CPython's ListProxy). Also, as ArrayProxy (detail/manager_proxy.hpp's
// SequenceProxy): l[i] and get(i) (copies; negative i counts from the end; IndexError "list index
// out of range"), set(i, value), size(), list() (a copy of every item).
template <Serializable T>
class ListProxy : public detail::SequenceProxy<T, detail::ListServant<T>> {
  using Servant = detail::ListServant<T>;
  using Sequence = detail::SequenceProxy<T, Servant>;

 public:
  ListProxy() = default;

  // del l[i].
  void erase(std::int64_t index) const { this->template call<&Servant::delitem>(index); }
  void append(const T& value) const { this->template call<&Servant::append>(value); }
  void extend(const std::vector<T>& values) const { this->template call<&Servant::extend>(values); }
  void insert(std::int64_t index, const T& value) const { this->template call<&Servant::insert>(index, value); }
  // IndexError "pop from empty list" / "pop index out of range".
  T pop(std::int64_t index = -1) const { return this->template call<&Servant::pop>(index); }
  // ValueError "list.remove(x): x not in list".
  void remove(const T& value) const { this->template call<&Servant::remove>(value); }
  // ValueError "<repr(value)> is not in list".
  std::size_t index(const T& value) const { return this->template call<&Servant::index>(value); }
  std::size_t count(const T& value) const { return this->template call<&Servant::count>(value); }
  bool contains(const T& value) const { return this->template call<&Servant::contains>(value); }
  void reverse() const { this->template call<&Servant::reverse>(); }
  void sort() const { this->template call<&Servant::sort>(); }

 private:
  friend class Manager;
  using Sequence::Sequence;
};

// A manager's Queue (queue.Queue in the server). Timeouts: nullopt waits forever; ignored when
// block is false; negative: ValueError "'timeout' must be a non-negative number".
template <Serializable T>
class QueueProxy : public detail::BaseProxy {
  using Servant = detail::QueueServant<T>;

 public:
  QueueProxy() = default;

  // Full when block is false or the timeout passes without a free slot (bounded queues only).
  void put(const T& item, bool block = true,
           std::optional<std::chrono::duration<double>> timeout = std::nullopt) const {
    call<&Servant::put>(item, block, detail::wire_seconds(timeout));
  }
  void put_nowait(const T& item) const { put(item, false); }
  // Empty when block is false and the queue is empty, or the timeout passes.
  T get(bool block = true, std::optional<std::chrono::duration<double>> timeout = std::nullopt) const {
    return call<&Servant::get>(block, detail::wire_seconds(timeout));
  }
  T get_nowait() const { return get(false); }
  // Exact, unlike mp::Queue's: the server holds the items.
  int qsize() const { return static_cast<int>(call<&Servant::qsize>()); }
  bool empty() const { return call<&Servant::empty>(); }
  bool full() const { return call<&Servant::full>(); }

 protected:
  friend class Manager;
  using BaseProxy::BaseProxy;
};

// A manager's JoinableQueue: a QueueProxy whose consumers report items done.
template <Serializable T>
class JoinableQueueProxy : public QueueProxy<T> {
  using Servant = detail::QueueServant<T>;

 public:
  JoinableQueueProxy() = default;
  // ValueError "task_done() called too many times".
  void task_done() const { this->template call<&Servant::task_done>(); }
  // Until every item put has been reported done.
  void join() const { this->template call<&Servant::join>(); }

 private:
  friend class Manager;
  using QueueProxy<T>::QueueProxy;
};

// A manager's Lock, RLock, Semaphore or BoundedSemaphore (CPython's AcquirerProxy), with threading's
// semantics and messages (see mp/detail/manager_sync.hpp). Lockable for std::lock_guard.
class AcquirerProxy : public detail::BaseProxy {
  using Servant = detail::AcquirerServant;

 public:
  AcquirerProxy() = default;

  bool acquire(bool blocking = true, std::optional<std::chrono::duration<double>> timeout = std::nullopt) const {
    return call<&Servant::acquire>(blocking, detail::wire_seconds(timeout));
  }
  void release() const { call<&Servant::release>(); }
  void lock() const { acquire(); }
  void unlock() const { release(); }
  bool try_lock() const { return acquire(false); }
  template <class Rep, class Period>
  bool try_lock_for(const std::chrono::duration<Rep, Period>& timeout) const {
    return acquire(true, std::chrono::duration<double>(timeout));
  }

 protected:
  friend class Manager;
  using BaseProxy::BaseProxy;
};

// A manager's Condition (over an RLock in the server).
class ConditionProxy : public AcquirerProxy {
  using Servant = detail::ConditionServant;

 public:
  ConditionProxy() = default;

  // True when notified, false on timeout; RuntimeError "cannot wait on un-acquired lock".
  bool wait(std::optional<std::chrono::duration<double>> timeout = std::nullopt) const {
    return call<&Servant::wait>(detail::wire_seconds(timeout));
  }
  // Waits until predicate() (evaluated here, by the caller) holds or the timeout passes; returns its
  // last value (CPython's ConditionProxy.wait_for).
  template <class Predicate>
  bool wait_for(Predicate predicate, std::optional<std::chrono::duration<double>> timeout = std::nullopt) const {
    bool result = predicate();
    const auto end = std::chrono::steady_clock::now() +
                     std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                         timeout.value_or(std::chrono::duration<double>(0)));
    while (!result) {
      std::optional<std::chrono::duration<double>> remaining;
      if (timeout) {
        remaining = end - std::chrono::steady_clock::now();
        if (remaining->count() <= 0) break;
      }
      wait(remaining);
      result = predicate();
    }
    return result;
  }
  // RuntimeError "cannot notify on un-acquired lock".
  void notify(int n = 1) const { call<&Servant::notify>(n); }
  void notify_all() const { call<&Servant::notify_all>(); }

 private:
  friend class Manager;
  using AcquirerProxy::AcquirerProxy;
};

// A manager's Event.
class EventProxy : public detail::BaseProxy {
  using Servant = detail::EventServant;

 public:
  EventProxy() = default;
  bool is_set() const { return call<&Servant::is_set>(); }
  void set() const { call<&Servant::set>(); }
  void clear() const { call<&Servant::clear>(); }
  // The flag once set, or after the timeout.
  bool wait(std::optional<std::chrono::duration<double>> timeout = std::nullopt) const {
    return call<&Servant::wait>(detail::wire_seconds(timeout));
  }

 private:
  friend class Manager;
  using BaseProxy::BaseProxy;
};

// A manager's Barrier (threading.Barrier in the server).
class BarrierProxy : public detail::BaseProxy {
  using Servant = detail::BarrierServant;

 public:
  BarrierProxy() = default;
  // The arrival index (0 .. parties-1); BrokenBarrierError when broken, reset, aborted or timed
  // out. nullopt: the barrier's own timeout.
  int wait(std::optional<std::chrono::duration<double>> timeout = std::nullopt) const {
    return static_cast<int>(call<&Servant::wait>(detail::wire_seconds(timeout)));
  }
  void reset() const { call<&Servant::reset>(); }
  void abort() const { call<&Servant::abort>(); }
  int parties() const { return static_cast<int>(call<&Servant::parties>()); }
  int n_waiting() const { return static_cast<int>(call<&Servant::n_waiting>()); }
  bool broken() const { return call<&Servant::broken>(); }

 private:
  friend class Manager;
  using BaseProxy::BaseProxy;
};

// A manager's Value (CPython's ValueProxy): get()/set(), also spelled value()/set_value() as
// mp::Value. A read-modify-write is two calls, not atomic: guard it with a manager Lock.
template <Serializable T>
class ValueProxy : public detail::BaseProxy {
  using Servant = detail::ValueServant<T>;

 public:
  ValueProxy() = default;
  T get() const { return call<&Servant::get>(); }
  void set(const T& value) const { call<&Servant::set>(value); }
  T value() const { return get(); }
  void set_value(const T& value) const { set(value); }

 private:
  friend class Manager;
  using BaseProxy::BaseProxy;
};

// A manager's Array (array.array in the server, CPython's ArrayProxy): fixed length. Its calls are
// a list's indexing ones (ListProxy): a[i], get, set, size, list; IndexError "array index out of
// range" / "array assignment index out of range".
template <Serializable T>
class ArrayProxy : public detail::SequenceProxy<T, detail::ArrayServant<T>> {
  using Sequence = detail::SequenceProxy<T, detail::ArrayServant<T>>;

 public:
  ArrayProxy() = default;

 private:
  friend class Manager;
  using Sequence::Sequence;
};

struct ManagerOptions {
  // "fork", "spawn" or "forkserver"; empty: the default context's (fixing it, as get_context()).
  std::string start_method;
  // How long shutdown() waits for the server after asking it to exit, and after SIGTERM.
  std::chrono::duration<double> shutdown_timeout = std::chrono::seconds(1);
};

// multiprocessing.Manager(): a started SyncManager. Movable, not copyable; shutdown() and the
// destructor act only in the process that constructed it.
class Manager {
 public:
  // Starts the server; returns once it listens. A server that dies before reporting its address
  // makes the constructor throw EOFError.
  Manager() : Manager(ManagerOptions{}) {}
  explicit Manager(ManagerOptions options);
  ~Manager();
  Manager(Manager&& other) noexcept = default;
  Manager& operator=(Manager&& other) noexcept;
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Stops the server (see above); idempotent. Proxies of its objects raise afterwards.
  void shutdown();
  // The server's socket path.
  const std::string& address() const;
  // The server process (CPython's manager._process): name(), pid(), is_alive(), exitcode().
  Process& process();

  // ---- factories (AssertionError "server not yet started" after shutdown()) ----------------------
  template <Serializable T>
  QueueProxy<T> Queue(int maxsize = 0) {
    return QueueProxy<T>(make<detail::QueueServant<T>>(std::int64_t{maxsize}));
  }
  template <Serializable T>
  JoinableQueueProxy<T> JoinableQueue(int maxsize = 0) {
    return JoinableQueueProxy<T>(make<detail::QueueServant<T>>(std::int64_t{maxsize}));
  }
  template <Serializable K, Serializable V>
  DictProxy<K, V> dict(std::vector<std::pair<K, V>> items = {}) {
    return DictProxy<K, V>(make<detail::DictServant<K, V>>(std::move(items)));
  }
  template <Serializable K, Serializable V>
  DictProxy<K, V> dict(const std::map<K, V>& items) {
    return dict<K, V>(std::vector<std::pair<K, V>>(items.begin(), items.end()));
  }
  template <Serializable T>
  ListProxy<T> list(std::vector<T> items = {}) {
    return ListProxy<T>(make<detail::ListServant<T>>(std::move(items)));
  }
  AcquirerProxy Lock() { return AcquirerProxy(make<detail::LockServant>()); }
  AcquirerProxy RLock() { return AcquirerProxy(make<detail::RLockServant>()); }
  // ValueError "semaphore initial value must be >= 0".
  AcquirerProxy Semaphore(int value = 1) {
    return AcquirerProxy(make<detail::SemaphoreServant>(std::int64_t{value}, false));
  }
  AcquirerProxy BoundedSemaphore(int value = 1) {
    return AcquirerProxy(make<detail::SemaphoreServant>(std::int64_t{value}, true));
  }
  ConditionProxy Condition() { return ConditionProxy(make<detail::ConditionServant>()); }
  EventProxy Event() { return EventProxy(make<detail::EventServant>()); }
  // action (a free function, run in the server by the last party to arrive) travels by identity.
  BarrierProxy Barrier(int parties, void (*action)() = nullptr,
                       std::optional<std::chrono::duration<double>> timeout = std::nullopt) {
    std::int64_t action_offset = action ? detail::function_offset(action) : 0;
    return BarrierProxy(make<detail::BarrierServant>(std::int64_t{parties}, action_offset,
                                                     detail::wire_seconds(timeout)));
  }
  template <Serializable T>
  ValueProxy<T> Value(T initial = T{}) {
    return ValueProxy<T>(make<detail::ValueServant<T>>(std::move(initial)));
  }
  template <Serializable T>
  ArrayProxy<T> Array(std::vector<T> values) {
    return ArrayProxy<T>(make<detail::ArrayServant<T>>(std::move(values)));
  }

 private:
  // The server's token (id 0); AssertionError "server not yet started" when not running.
  detail::ProxyToken server() const;

  template <class S, class... Args>
  detail::ProxyToken make(const Args&... args) {
    detail::ProxyToken token = server();
    token.id = detail::create_object<S>(token, args...);
    return token;
  }

  std::shared_ptr<detail::ManagerState> state_;
};

}  // namespace mp
