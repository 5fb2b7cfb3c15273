// cases/support on both sides, through the fixture harness/tests/fixtures/escaping_exception (its
// case.cpp compiled on demand by the CaseBuilder, as parity does for a case outside cases/, and its
// case.py run by the catalog's interpreter), each run by the Launcher:
// - an exception escaping the C++ body exits 1 with a traceback naming its type and message, as
//   CPython does for case.py, under every start method (so a spawn/forkserver child, re-executing
//   the program, still enters mp::init and not the body), and nothing is left behind;
// - `--param KEY=VALUE` reaches the body, typed, identically on both sides;
// - every malformed command line is a usage error: exit 2, the same message on both sides.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "case_builder.hpp"
#include "launcher.hpp"
#include "temp_dir.hpp"

// LaunchOptions are written as designated initializers; GCC 12 warns about every member left to
// its default member initializer, which is the point of an options struct.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace parity {
namespace {

namespace fs = std::filesystem;

const fs::path fixture_dir = fs::path(PARITY_FIXTURES_DIR) / "escaping_exception";

class CaseSupportTest : public ::testing::Test {
 protected:
  // One compile of the fixture for the whole suite, into a private cache.
  static void SetUpTestSuite() {
    cache_ = std::make_unique<test_support::TempDir>("parity-case-support-test");
    CaseBuilder builder(PARITY_BUILD_DIR, cache_->path());
    cpp_program_ = builder.executable_for(fixture_dir, "escaping_exception");
    launcher_ = std::make_unique<Launcher>();
  }
  static void TearDownTestSuite() {
    launcher_.reset();
    cache_.reset();
  }

  enum class Side { cpp, python };

  static RunRecord run(Side side, std::vector<std::string> args) {
    std::vector<std::string> argv =
        side == Side::cpp ? std::vector<std::string>{cpp_program_.string()}
                          : std::vector<std::string>{PARITY_PYTHON, (fixture_dir / "case.py").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    RunRecord record = launcher_->run({.argv = argv,
                                       .cwd = fixture_dir,
                                       .timeout = std::chrono::seconds(60),
                                       .python = side == Side::python});
    EXPECT_EQ(record.launch_error, "");
    EXPECT_FALSE(record.timed_out) << record.stacks;
    EXPECT_FALSE(record.leaked()) << "left behind: " << record.leaked_processes.size()
                                  << " process(es), " << record.leaked_shm.size() << " shm entries";
    return record;
  }

  static std::string program_name(Side side) { return side == Side::cpp ? "case" : "case.py"; }

  static inline std::unique_ptr<test_support::TempDir> cache_;
  static inline fs::path cpp_program_;
  static inline std::unique_ptr<Launcher> launcher_;
};

std::string last_line(const std::string& text) {
  std::string trimmed = text;
  while (!trimmed.empty() && trimmed.back() == '\n') trimmed.pop_back();
  auto newline = trimmed.rfind('\n');
  return newline == std::string::npos ? trimmed : trimmed.substr(newline + 1);
}

std::string expected_lines(const std::string& method, const std::string& greeting,
                           const std::string& count, const std::string& ratio) {
  return "start method " + method + "\ngreeting " + greeting + "\ncount " + count + "\nratio " +
         ratio + "\nchild says child ran\nchild exitcode 0\n";
}

TEST_F(CaseSupportTest, ExceptionEscapingTheBodyExitsOneWithItsTypeAndMessage) {
  for (const std::string method : {"fork", "spawn", "forkserver"}) {
    SCOPED_TRACE(method);
    for (Side side : {Side::cpp, Side::python}) {
      SCOPED_TRACE(program_name(side));
      RunRecord record =
          run(side, {"--start-method", method, "--param", "raise=mp", "--param", "greeting=hi"});
      ASSERT_TRUE(record.status);
      EXPECT_EQ(record.status->str(), "exit:1") << record.stderr_text;
      // What the body printed before the exception is all there, the child included.
      EXPECT_EQ(record.stdout_text, expected_lines(method, "hi", "1", "0.25"));
      EXPECT_EQ(record.stderr_text.rfind("Traceback (most recent call last):\n", 0), 0u)
          << record.stderr_text;
      EXPECT_EQ(last_line(record.stderr_text), "ValueError: boom: hi") << record.stderr_text;
    }
  }
}

TEST_F(CaseSupportTest, StdExceptionIsNamedByItsCppType) {
  RunRecord record = run(Side::cpp, {"--param", "raise=std", "--param", "greeting=there"});
  ASSERT_TRUE(record.status);
  EXPECT_EQ(record.status->str(), "exit:1") << record.stderr_text;
  EXPECT_EQ(last_line(record.stderr_text), "std::runtime_error: boom: there") << record.stderr_text;
}

TEST_F(CaseSupportTest, ParamsReachTheBodyTypedAndIdenticallyOnBothSides) {
  struct Example {
    std::vector<std::string> args;
    std::string expected;
  };
  const std::vector<Example> examples = {
      {{}, expected_lines("fork", "none", "1", "0.25")},
      {{"--start-method", "spawn", "--param", "greeting=hello world", "--param", "count=-3",
        "--param", "ratio=0.5"},
       expected_lines("spawn", "hello world", "-3", "0.5")},
      // The = forms; a value holding '=' or empty; a leading '+'; an exponent.
      {{"--start-method=forkserver", "--param=greeting=a=b", "--param", "count=+7", "--param",
        "ratio=2e-3"},
       expected_lines("forkserver", "a=b", "7", "0.002")},
      {{"--param", "greeting=", "--param", "ratio=.5"}, expected_lines("fork", "", "1", "0.5")},
  };
  for (const auto& example : examples) {
    for (Side side : {Side::cpp, Side::python}) {
      SCOPED_TRACE(program_name(side) + " " + testing::PrintToString(example.args));
      RunRecord record = run(side, example.args);
      ASSERT_TRUE(record.status);
      EXPECT_EQ(record.status->str(), "exit:0") << record.stderr_text;
      EXPECT_EQ(record.stdout_text, example.expected);
    }
  }
}

TEST_F(CaseSupportTest, MalformedCommandLinesAreTheSameUsageErrorOnBothSides) {
  struct Example {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Example> examples = {
      {{"--bogus"}, "unrecognized argument: --bogus"},
      {{"spawn"}, "unrecognized argument: spawn"},
      {{"--start-method"}, "argument --start-method: expected one argument"},
      {{"--start-method", "threads"},
       "argument --start-method: invalid choice: 'threads' (choose from fork, spawn, forkserver)"},
      {{"--start-method", "fork", "--start-method=spawn"}, "argument --start-method: given twice"},
      {{"--param"}, "argument --param: expected one argument"},
      {{"--param", "count"}, "argument --param: expected KEY=VALUE, got 'count'"},
      {{"--param", "=3"}, "argument --param: expected KEY=VALUE, got '=3'"},
      {{"--param", "count=1", "--param", "count=2"}, "argument --param: count given twice"},
      // Values the body's getters cannot read: the same status, raised from inside the body.
      {{"--param", "count=three"}, "argument --param: count=three: not an integer"},
      {{"--param", "count=1.5"}, "argument --param: count=1.5: not an integer"},
      {{"--param", "count=9223372036854775808"},
       "argument --param: count=9223372036854775808: not a 64-bit integer"},
      {{"--param", "ratio=inf"}, "argument --param: ratio=inf: not a number"},
      {{"--param", "ratio=1e999"}, "argument --param: ratio=1e999: not a finite number"},
  };
  for (const auto& example : examples) {
    for (Side side : {Side::cpp, Side::python}) {
      SCOPED_TRACE(program_name(side) + " " + testing::PrintToString(example.args));
      RunRecord record = run(side, example.args);
      ASSERT_TRUE(record.status);
      EXPECT_EQ(record.status->str(), "exit:2");
      EXPECT_EQ(record.stdout_text, "") << "the body ran";
      const std::string program = program_name(side);
      EXPECT_EQ(record.stderr_text, "usage: " + program +
                                        " [--start-method fork|spawn|forkserver] [--param "
                                        "KEY=VALUE]...\n" +
                                        program + ": error: " + example.message + "\n");
    }
  }
}

}  // namespace
}  // namespace parity
