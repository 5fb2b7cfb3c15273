// What a child inherits under each start method, as CPython: globals and static members as the
// parent left them under fork, initial under spawn/forkserver; arguments by value under all three;
// what cannot travel is refused at start() with CPython's pickling errors; Process subclasses.
#include <regex>

#include "process_test_support.hpp"

namespace {

using mp_test::StartMethodTest;
using mp_test::TempDir;

class InheritanceTest : public StartMethodTest {};

int global_value = 0;
struct Config {
  static int class_value;  // a Python class attribute
  int instance_value = 0;  // a Python instance attribute: travels with the object
  template <class Archive>
  void serialize(Archive& archive) {
    archive(instance_value);
  }
};
int Config::class_value = 0;

// Reports "<global> <static>" as a Python child printing a global and a class attribute.
void report_globals(std::string path) {
  mp_test::write_file(path, std::to_string(global_value) + " " + std::to_string(Config::class_value));
}
// Reports "<x> <config.class_value> <config.instance_value>".
void report_arguments(std::string path, int x, Config config) {
  mp_test::write_file(path, std::to_string(x) + " " + std::to_string(Config::class_value) + " " +
                                std::to_string(config.instance_value));
}

TEST_P(InheritanceTest, GlobalsAndStaticMembersSetInMain) {
  TempDir dir;
  global_value = 1;
  Config::class_value = 1;
  mp::Process p(options(), report_globals, dir.file("out"));
  p.start();
  mp_test::join_bounded(p);
  global_value = 0;
  Config::class_value = 0;
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_EQ(mp_test::read_file(dir.file("out")), forked() ? "1 1" : "0 0");
}

TEST_P(InheritanceTest, ArgumentsArriveByValueStaticStateDoesNot) {
  TempDir dir;
  Config::class_value = 1;
  Config config;
  config.instance_value = 1;
  mp::Process p(options(), report_arguments, dir.file("out"), 1, config);
  config.instance_value = 5;  // arguments were copied at construction, as Python's args tuple
  p.start();
  mp_test::join_bounded(p);
  Config::class_value = 0;
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_EQ(mp_test::read_file(dir.file("out")), forked() ? "1 1 1" : "1 0 1");
}

TEST_P(InheritanceTest, CapturingLambdaRunsUnderForkAndIsRefusedOtherwise) {
  int captured = 42;
  mp::Process p(options(), [captured] { mp::exit(captured); });
  if (forked()) {
    p.start();
    mp_test::join_bounded(p);
    EXPECT_EQ(p.exitcode(), 42);
    return;
  }
  try {
    p.start();
    ADD_FAILURE() << "a capturing lambda was sent to a " << GetParam() << " child";
  } catch (const mp::PicklingError& e) {
    EXPECT_TRUE(std::regex_match(
        e.str(), std::regex("PicklingError: Can't pickle <function <lambda> at 0x[0-9a-f]+>: attribute "
                            "lookup <lambda> on __main__ failed")))
        << e.str();
  }
  EXPECT_FALSE(p.pid().has_value());
  EXPECT_FALSE(p.exitcode().has_value());
  EXPECT_TRUE(mp::active_children().empty());
}

TEST_P(InheritanceTest, CaptureFreeLambdaTravelsByIdentity) {
  mp::Process p(options(), [](int a, int b) { mp::exit(a + b); }, 20, 3);
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 23);
}

struct NotSerializable {
  int fd = -1;
};
void take_unserializable(NotSerializable) {}

TEST_P(InheritanceTest, UnserializableArgumentIsRefusedAtStart) {
  mp::Process p(options(), take_unserializable, NotSerializable{});
  if (forked()) {
    p.start();
    mp_test::join_bounded(p);
    EXPECT_EQ(p.exitcode(), 0);
    return;
  }
  try {
    p.start();
    ADD_FAILURE() << "an unserializable argument was sent";
  } catch (const mp::TypeError& e) {
    EXPECT_EQ(e.str(), "TypeError: cannot pickle 'NotSerializable' object");
  }
  EXPECT_FALSE(p.pid().has_value());
}

// A function object with state travels as its type plus its serialized state.
struct AddTo {
  int base = 0;
  void operator()(int x) const { mp::exit(base + x); }
  template <class Archive>
  void serialize(Archive& archive) {
    archive(base);
  }
};

TEST_P(InheritanceTest, SerializableFunctionObjectTravelsWithItsState) {
  mp::Process p(options(), AddTo{30}, 4);
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 34);
}

// Python's `class Worker(Process)` with an overridden run().
struct Worker : mp::ProcessSubclass<Worker> {
  int n = 0;
  Worker() = default;
  explicit Worker(int n) : n(n) {}
  Worker(mp::ProcessOptions options, int n) : ProcessSubclass(std::move(options)), n(n) {}
  void run() override { mp::exit(n + (mp::current_process().name() == name() ? 100 : 0)); }
  template <class Archive>
  void serialize(Archive& archive) {
    archive(n);
  }
};

TEST_P(InheritanceTest, SubclassRunIsWhatTheChildRuns) {
  Worker w(options(), 5);
  std::smatch m;
  std::string name = w.name();
  EXPECT_TRUE(std::regex_match(name, m, std::regex("Worker-[0-9]+"))) << name;
  w.start();
  mp_test::join_bounded(w);
  EXPECT_EQ(w.exitcode(), 105);  // n arrived, and the child is current_process() under its name
}

TEST_P(InheritanceTest, SubclassRunCalledDirectlyRunsInTheCaller) {
  struct Direct : mp::ProcessSubclass<Direct> {
    int* hits = nullptr;
    void run() override { ++*hits; }
  };
  int hits = 0;
  Direct d;
  d.hits = &hits;
  d.run();
  EXPECT_EQ(hits, 1);
  EXPECT_FALSE(d.pid().has_value());
}

// A subclass that did not use ProcessSubclass cannot be rebuilt in a fresh process.
struct PlainSubclass : mp::Process {
  using mp::Process::Process;
  void run() override { mp::exit(9); }
};

TEST_P(InheritanceTest, SubclassWithoutRegistrationRunsOnlyUnderFork) {
  PlainSubclass p(options());
  if (forked()) {
    p.start();
    mp_test::join_bounded(p);
    EXPECT_EQ(p.exitcode(), 9);
    return;
  }
  try {
    p.start();
    ADD_FAILURE() << "an unregistered subclass was sent";
  } catch (const mp::PicklingError& e) {
    EXPECT_EQ(e.str(), "PicklingError: Can't pickle <class '__main__.PlainSubclass'>: attribute lookup "
                       "PlainSubclass on __main__ failed");
  }
}

MP_INSTANTIATE_START_METHODS(InheritanceTest);

}  // namespace
