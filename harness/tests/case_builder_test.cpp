// CaseBuilder: on-demand compiles with the build's configuration, the content-hash cache, compiler
// errors, concurrency, and the CMake-built binaries of the project's own cases.

#include "case_builder.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "tool_process.hpp"

namespace parity {
namespace {
namespace fs = std::filesystem;

class CaseBuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/parity-case-builder-test-XXXXXX";
    root_ = ::mkdtemp(pattern);
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path write_case(const std::string& id, const std::string& source) {
    fs::path dir = root_ / "cases" / id;
    fs::create_directories(dir);
    std::ofstream(dir / "case.cpp") << source;
    return dir;
  }

  CaseBuilder builder() { return CaseBuilder(PARITY_BUILD_DIR, root_ / "cache"); }

  fs::path root_;
};

constexpr const char* hello_case = R"CPP(#include <iostream>
int main(int argc, char**) { std::cout << "case ran with " << argc << " argument\n"; }
)CPP";

ino_t inode_of(const fs::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_ino;
}

TEST_F(CaseBuilderTest, CompilesACaseFromAnotherRootWithTheBuildConfiguration) {
  fs::path dir = write_case("area/hello", hello_case);
  CaseBuilder cases = builder();
  fs::path executable = cases.executable_for(dir, "area/hello");
  EXPECT_EQ(executable.filename(), "case");
  EXPECT_EQ(executable.parent_path().parent_path(), root_ / "cache");
  ToolResult ran = run_tool({executable.string()}, std::chrono::seconds(30));
  ASSERT_TRUE(ran.status) << ran.error;
  EXPECT_EQ(*ran.status, ExitStatus::exited(0));
  EXPECT_EQ(ran.output, "case ran with 1 argument\n");
}

TEST_F(CaseBuilderTest, SecondRequestHitsTheCacheAndAnEditMakesANewEntry) {
  fs::path dir = write_case("area/hello", hello_case);
  CaseBuilder cases = builder();
  fs::path first = cases.executable_for(dir, "area/hello");
  ino_t first_inode = inode_of(first);
  EXPECT_EQ(cases.executable_for(dir, "area/hello"), first);
  EXPECT_EQ(inode_of(first), first_inode) << "recompiled although nothing changed";
  // A fresh builder (a new harness process) finds the same entry.
  EXPECT_EQ(builder().executable_for(dir, "area/hello"), first);
  EXPECT_EQ(inode_of(first), first_inode);

  std::ofstream(dir / "case.cpp") << "int main() { return 7; }\n";
  fs::path edited = cases.executable_for(dir, "area/hello");
  EXPECT_NE(edited, first);
  ToolResult ran = run_tool({edited.string()}, std::chrono::seconds(30));
  EXPECT_EQ(*ran.status, ExitStatus::exited(7));
}

TEST_F(CaseBuilderTest, CompilerErrorBecomesCaseBuildErrorWithTheCompilerOutput) {
  fs::path dir = write_case("area/broken", "int main() { return this_name_is_not_declared; }\n");
  CaseBuilder cases = builder();
  try {
    cases.executable_for(dir, "area/broken");
    FAIL() << "no CaseBuildError";
  } catch (const CaseBuildError& e) {
    std::string what = e.what();
    EXPECT_NE(what.find("this_name_is_not_declared"), std::string::npos) << what;
    EXPECT_NE(what.find("error"), std::string::npos) << what;
    EXPECT_NE(what.find("case.cpp"), std::string::npos) << what;
  }
  // Nothing half-built is left in the cache.
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "cache"))
    EXPECT_FALSE(entry.is_regular_file()) << entry.path();
}

TEST_F(CaseBuilderTest, MissingSourceIsCaseBuildError) {
  fs::create_directories(root_ / "cases" / "area" / "empty");
  CaseBuilder cases = builder();
  EXPECT_THROW(cases.executable_for(root_ / "cases" / "area" / "empty", "area/empty"),
               CaseBuildError);
}

TEST_F(CaseBuilderTest, ConcurrentRequestsForTheSameSourceCompileOnce) {
  fs::path dir = write_case("area/hello", hello_case);
  CaseBuilder cases = builder();
  fs::path results[2];
  std::string errors[2];
  std::thread threads[2];
  for (int i = 0; i < 2; ++i) {
    threads[i] = std::thread([&, i] {
      try {
        results[i] = cases.executable_for(dir, "area/hello");
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_EQ(results[0], results[1]);
  // One entry, holding only the executable (no leftover partial outputs).
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root_ / "cache"))
    if (entry.is_regular_file()) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(CaseBuilderTest, ProjectCaseUsesItsCMakeBinaryUnlessTheSourceIsNewer) {
  // A project case, with a stand-in build tree whose binary for it we control.
  fs::path project_cases = fs::path(PARITY_SOURCE_DIR) / "cases";
  fs::path case_dir;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(project_cases, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->path().filename() == "case.cpp") {
      case_dir = it->path().parent_path();
      break;
    }
  }
  if (case_dir.empty()) GTEST_SKIP() << "no case.cpp under " << project_cases;
  std::string id = case_dir.lexically_relative(project_cases).string();

  fs::path build = root_ / "build";
  fs::path binary = build / "bin" / "cases" / id / "case";
  fs::create_directories(binary.parent_path());
  fs::copy_file(fs::path(PARITY_BUILD_DIR) / "parity_build_config.json",
                build / "parity_build_config.json");
  std::ofstream(binary) << "stand-in";
  fs::last_write_time(binary, fs::last_write_time(case_dir / "case.cpp") + std::chrono::hours(1));
  CaseBuilder cases(build, root_ / "cache");
  EXPECT_EQ(cases.executable_for(case_dir, id), binary);

  // Older than its source: never the stale binary (compiled on demand instead, or an error if the
  // case does not compile right now).
  fs::last_write_time(binary, fs::last_write_time(case_dir / "case.cpp") - std::chrono::hours(1));
  try {
    EXPECT_NE(cases.executable_for(case_dir, id), binary);
  } catch (const CaseBuildError&) {
  }
}

}  // namespace
}  // namespace parity
