// mp::dummy: Process on a std::thread, the dummy Pool's worker threads and task queue.
#include "mp/dummy.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <typeinfo>

#include "mp/pool.hpp"  // BrokenProcessPool

namespace mp {
namespace detail {

std::string next_dummy_thread_name() {
  static std::atomic<int> counter{0};
  return "Thread-" + std::to_string(++counter);
}

namespace {

// threading's excepthook: "Exception in thread <name>:", a traceback header, "<Type>: <message>".
void report_thread_exception(const std::string& name) {
  std::string error;
  try {
    throw;
  } catch (const Error& e) {
    error = e.str();
  } catch (const std::exception& e) {
    error = type_name_of(typeid(e)) + ": " + e.what();
  } catch (...) {
    error = "exception of unknown type";
  }
  const std::string text = "Exception in thread " + name + ":\nTraceback (most recent call last):\n" + error + "\n";
  std::fflush(stdout);
  (void)!::write(2, text.data(), text.size());
}

}  // namespace

DummyPoolCore::DummyPoolCore(int threads, std::function<void()> initializer) : initializer_(std::move(initializer)) {
  workers_.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

DummyPoolCore::~DummyPoolCore() {
  terminate();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void DummyPoolCore::submit(std::vector<DummyTask> tasks) {
  {
    std::lock_guard lock(mutex_);
    if (state_ != State::running) throw ValueError("Pool not running");
    for (DummyTask& task : tasks) tasks_.push_back(std::move(task));
  }
  available_.notify_all();
}

void DummyPoolCore::close() {
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::running) state_ = State::closed;
  }
  available_.notify_all();
}

void DummyPoolCore::terminate() {
  std::deque<DummyTask> dropped;
  {
    std::lock_guard lock(mutex_);
    state_ = State::terminated;
    dropped.swap(tasks_);
  }
  available_.notify_all();
  for (DummyTask& task : dropped) task.drop();
}

void DummyPoolCore::join() {
  {
    std::lock_guard lock(mutex_);
    if (state_ == State::running) throw ValueError("Pool is still running");
  }
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

void DummyPoolCore::work() {
  if (initializer_) {
    try {
      initializer_();
    } catch (...) {
      report_thread_exception("pool initializer");
    }
  }
  for (;;) {
    DummyTask task;
    {
      std::unique_lock lock(mutex_);
      available_.wait(lock, [&] { return !tasks_.empty() || state_ != State::running; });
      if (tasks_.empty()) return;  // closed and drained, or terminated
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    task.run();
  }
}

}  // namespace detail

namespace dummy {

struct Process::State {
  std::function<void()> target;
  std::thread thread;
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  std::atomic<int> tid{0};
  std::mutex mutex;
  std::condition_variable ended;
};

Process::Process(ProcessOptions options, std::function<void()> target)
    : name_(options.name.empty() ? detail::next_dummy_thread_name() : std::move(options.name)),
      daemon_(options.daemon.value_or(false)),
      state_(std::make_shared<State>()) {
  state_->target = std::move(target);
}

Process::~Process() {
  if (!state_->thread.joinable()) return;
  if (daemon_) {
    state_->thread.detach();
  } else {
    state_->thread.join();
  }
}

void Process::start() {
  if (state_->started.exchange(true)) throw RuntimeError("threads can only be started once");
  std::shared_ptr<State> state = state_;
  std::string name = name_;
  state_->thread = std::thread([state, name] {
    state->tid = static_cast<int>(::syscall(SYS_gettid));
    try {
      state->target();
    } catch (...) {
      detail::report_thread_exception(name);
    }
    {
      std::lock_guard lock(state->mutex);
      state->finished = true;
    }
    state->ended.notify_all();
  });
  while (state_->tid.load() == 0 && !state_->finished.load()) std::this_thread::yield();
}

void Process::join() {
  if (!state_->started) throw RuntimeError("cannot join thread before it is started");
  if (state_->thread.joinable()) state_->thread.join();
}

void Process::join_seconds(double timeout_s) {
  if (!state_->started) throw RuntimeError("cannot join thread before it is started");
  std::unique_lock lock(state_->mutex);
  state_->ended.wait_for(lock, std::chrono::duration<double>(std::max(0.0, timeout_s)),
                         [&] { return state_->finished.load(); });
  lock.unlock();
  if (state_->finished && state_->thread.joinable()) state_->thread.join();
}

bool Process::is_alive() const { return state_->started && !state_->finished; }

std::optional<int> Process::exitcode() const {
  if (state_->started && state_->finished) return 0;
  return std::nullopt;
}

std::optional<int> Process::ident() const {
  if (!state_->started) return std::nullopt;
  return state_->tid.load();
}

Pool::Pool(std::optional<int> processes, std::function<void()> initializer) {
  const int threads = processes.value_or(cpu_count());
  if (threads < 1) throw ValueError("Number of processes must be at least 1");
  core_ = std::make_unique<detail::DummyPoolCore>(threads, std::move(initializer));
}

std::exception_ptr Pool::terminated_error() {
  return std::make_exception_ptr(BrokenProcessPool("the pool was terminated before this task completed"));
}

}  // namespace dummy
}  // namespace mp
