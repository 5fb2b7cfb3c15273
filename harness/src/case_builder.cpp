// CaseBuilder: CMake-built case binaries, or on-demand compiles cached by content hash.

#include "case_builder.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tool_process.hpp"

namespace parity {
namespace fs = std::filesystem;

namespace {

constexpr std::chrono::minutes compile_timeout{5};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw CaseBuildError("cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// FNV-1a, 64 bits: a stable content hash (cache keys must not change between runs, as
// std::hash may).
struct Fnv1a {
  std::uint64_t value = 0xcbf29ce484222325ull;
  void add(std::string_view bytes) {
    for (unsigned char c : bytes) {
      value ^= c;
      value *= 0x100000001b3ull;
    }
    value ^= 0xff;  // separator: ("ab","c") and ("a","bc") differ
    value *= 0x100000001b3ull;
  }
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(value));
    return text;
  }
};

// "size:mtime_ns" of a file, or "missing".
std::string stamp(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "missing";
  return std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

// Stamps of every file under the include directories, sorted by path.
std::string headers_stamp(const std::vector<std::string>& include_dirs) {
  std::map<std::string, std::string> stamps;
  for (const auto& dir : include_dirs) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
      if (it->is_regular_file(ec)) stamps[it->path().string()] = stamp(it->path());
  }
  std::string text;
  for (const auto& [path, file_stamp] : stamps) text += path + "=" + file_stamp + "\n";
  return text;
}

bool is_within(const fs::path& path, const fs::path& root) {
  std::error_code ec;
  auto canonical_path = fs::weakly_canonical(path, ec);
  auto canonical_root = fs::weakly_canonical(root, ec);
  auto relative = canonical_path.lexically_relative(canonical_root);
  return !relative.empty() && *relative.begin() != "..";
}

bool newer_or_same(const fs::path& binary, const fs::path& source) {
  std::error_code ec;
  auto binary_time = fs::last_write_time(binary, ec);
  if (ec) return false;
  auto source_time = fs::last_write_time(source, ec);
  return !ec && binary_time >= source_time;
}

std::vector<std::string> strings_of(const nlohmann::json& config, const char* key) {
  std::vector<std::string> values;
  if (!config.contains(key)) return values;
  for (const auto& item : config.at(key)) {
    auto text = item.get<std::string>();
    if (!text.empty()) values.push_back(text);  // "[""]": an empty generator-expression list
  }
  return values;
}

// What compiling a case takes, from parity_build_config.json.
struct BuildConfig {
  std::string text;  // the file, hashed into every cache key
  std::string compiler;
  std::vector<std::string> compile_flags, include_dirs, definitions, link_flags, link_libraries;
  std::string library;

  static BuildConfig load(const fs::path& path) {
    BuildConfig config;
    std::error_code ec;
    if (!fs::exists(path, ec))
      throw CaseBuildError("no build configuration at " + path.string() +
                           " (written by CMake when configuring the build)");
    config.text = read_file(path);
    try {
      auto json = nlohmann::json::parse(config.text);
      config.compiler = json.at("compiler").get<std::string>();
      config.compile_flags = strings_of(json, "compile_flags");
      config.include_dirs = strings_of(json, "include_dirs");
      config.definitions = strings_of(json, "definitions");
      config.library = json.at("library").get<std::string>();
      config.link_flags = strings_of(json, "link_flags");
      config.link_libraries = strings_of(json, "link_libraries");
    } catch (const nlohmann::json::exception& e) {
      throw CaseBuildError("malformed build configuration " + path.string() + ": " + e.what());
    }
    return config;
  }

  std::vector<std::string> command(const fs::path& source, const fs::path& output) const {
    std::vector<std::string> argv{compiler};
    argv.insert(argv.end(), compile_flags.begin(), compile_flags.end());
    for (const auto& definition : definitions) argv.push_back("-D" + definition);
    for (const auto& dir : include_dirs) argv.push_back("-I" + dir);
    argv.push_back(source.string());
    argv.push_back("-o");
    argv.push_back(output.string());
    argv.insert(argv.end(), link_flags.begin(), link_flags.end());
    argv.push_back(library);
    argv.insert(argv.end(), link_libraries.begin(), link_libraries.end());
    return argv;
  }
};

std::string quoted_command(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& arg : argv) {
    if (!text.empty()) text += ' ';
    bool plain = arg.find_first_of(" \t\"'\\$") == std::string::npos && !arg.empty();
    text += plain ? arg : "'" + arg + "'";
  }
  return text;
}

}  // namespace

struct CaseBuilder::State {
  std::mutex mutex;  // guards config and in_progress
  std::optional<BuildConfig> config;
  std::map<std::string, std::shared_ptr<std::mutex>> per_key;  // one compile per cache entry
};

CaseBuilder::CaseBuilder(fs::path build_dir)
    : CaseBuilder(build_dir, build_dir / "case-cache") {}

CaseBuilder::CaseBuilder(fs::path build_dir, fs::path cache_dir)
    : build_dir_(std::move(build_dir)),
      cache_dir_(std::move(cache_dir)),
      state_(std::make_unique<State>()) {}

CaseBuilder::~CaseBuilder() = default;

fs::path CaseBuilder::executable_for(const fs::path& case_dir, const std::string& case_id) {
  const fs::path source = case_dir / "case.cpp";
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) throw CaseBuildError("no case.cpp in " + case_dir.string());

  // The project's own cases: the CMake target's binary, unless case.cpp was edited since.
  // The target's path comes from the directory, not case_id: a --cases root inside cases/ gives
  // ids relative to itself.
  const fs::path project_cases = fs::weakly_canonical(fs::path(PARITY_SOURCE_DIR) / "cases", ec);
  const fs::path canonical_dir = fs::weakly_canonical(case_dir, ec);
  if (is_within(canonical_dir, project_cases)) {
    fs::path built =
        build_dir_ / "bin" / "cases" / canonical_dir.lexically_relative(project_cases) / "case";
    if (newer_or_same(built, source)) return built;
  }

  const BuildConfig* config;
  std::shared_ptr<std::mutex> key_mutex;
  std::string key;
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->config) state_->config = BuildConfig::load(build_dir_ / "parity_build_config.json");
    config = &*state_->config;
    if (!fs::exists(config->library, ec))
      throw CaseBuildError("the case library " + config->library +
                           " is not built (cmake --build " + build_dir_.string() +
                           " --target parity)");
    Fnv1a hash;
    hash.add(read_file(source));
    hash.add(config->text);
    hash.add(stamp(config->library));
    for (const auto& item : config->link_libraries)  // mp itself, behind the case library
      if (fs::path(item).is_absolute()) hash.add(stamp(item));
    hash.add(headers_stamp(config->include_dirs));
    key = hash.hex();
    auto& slot = state_->per_key[key];
    if (!slot) slot = std::make_shared<std::mutex>();
    key_mutex = slot;
  }

  const fs::path entry = cache_dir_ / key;
  const fs::path executable = entry / "case";
  std::lock_guard compile_lock(*key_mutex);
  if (fs::is_regular_file(executable, ec)) return executable;

  fs::create_directories(entry, ec);
  if (ec) throw CaseBuildError("cannot create " + entry.string() + ": " + ec.message());
  // Compile to a private name, then rename: another harness process sharing the cache never sees
  // a half-written executable.
  std::ostringstream thread_id;
  thread_id << std::this_thread::get_id();
  const fs::path partial =
      entry / ("case.partial." + std::to_string(::getpid()) + "." + thread_id.str());
  auto argv = config->command(source, partial);
  ToolResult result = run_tool(argv, compile_timeout, case_dir);
  if (!result.succeeded()) {
    fs::remove(partial, ec);
    std::string why = result.timed_out  ? "timed out"
                      : !result.error.empty() ? result.error
                      : result.status ? result.status->str()
                                      : "failed";
    throw CaseBuildError("case " + case_id + ": compiling " + source.string() + " failed (" +
                         why + "):\n" +
                         quoted_command(argv) + "\n" + result.output);
  }
  fs::rename(partial, executable, ec);
  if (ec) {
    fs::remove(partial, ec);
    throw CaseBuildError("cannot move the compiled case into " + executable.string());
  }
  return executable;
}

}  // namespace parity
