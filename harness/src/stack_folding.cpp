// fold_stacks and stack_summary: the display of a hung tree's stacks (stack_folding.hpp).

#include "stack_folding.hpp"

#include <fmt/format.h>

#include <sstream>

namespace parity {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

std::string_view trim_left(std::string_view text) {
  std::size_t first = text.find_first_not_of(' ');
  return first == std::string_view::npos ? std::string_view() : text.substr(first);
}

bool is_gdb_frame(std::string_view line) {
  return line.size() > 1 && line[0] == '#' && line[1] >= '0' && line[1] <= '9';
}

bool is_python_frame(std::string_view line) { return starts_with(trim_left(line), "File \""); }

// The file of a faulthandler frame: between the quotes.
std::string_view python_file(std::string_view line) {
  std::string_view rest = trim_left(line).substr(6);
  return rest.substr(0, rest.find('"'));
}

// The " at FILE:LINE" or " from LIBRARY" of a gdb frame (the last one: names may hold " at ").
std::string_view gdb_location(std::string_view line, bool& is_library) {
  std::size_t at = line.rfind(" at ");
  std::size_t from = line.rfind(" from ");
  is_library = from != std::string_view::npos && (at == std::string_view::npos || from > at);
  if (is_library) return line.substr(from + 6);
  if (at == std::string_view::npos) return {};
  return line.substr(at + 4);
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string basename_of(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// "function (file:line)" of a frame line.
std::string condensed_frame(std::string_view line) {
  if (is_python_frame(line)) {
    std::string_view rest = trim_left(line).substr(6);
    std::size_t quote = rest.find('"');
    std::string file = basename_of(rest.substr(0, quote));
    std::string_view after = rest.substr(quote + 1);  // ', line 29 in main'
    std::size_t number = after.find("line ");
    std::size_t in = after.find(" in ");
    std::string line_number = number == std::string_view::npos
                                  ? "?"
                                  : std::string(after.substr(number + 5, in == std::string_view::npos
                                                                             ? std::string_view::npos
                                                                             : in - number - 5));
    std::string function = in == std::string_view::npos ? "?" : std::string(after.substr(in + 4));
    return fmt::format("{} ({}:{})", function, file, line_number);
  }
  // gdb: "#N  [0xADDR in ]FUNCTION (ARGS)[ at FILE:LINE| from LIB]".
  std::string_view rest = line.substr(line.find_first_of(' '));
  rest = trim_left(rest);
  if (starts_with(rest, "0x")) {
    std::size_t in = rest.find(" in ");
    if (in != std::string_view::npos) rest = rest.substr(in + 4);
  }
  bool is_library = false;
  std::string_view location = gdb_location(rest, is_library);
  std::string_view call = location.empty() ? rest : rest.substr(0, location.data() - rest.data() - (is_library ? 6 : 4));
  // Drop the argument list: the last balanced "(...)".
  if (!call.empty() && call.back() == ')') {
    int depth = 0;
    for (std::size_t i = call.size(); i-- > 0;) {
      if (call[i] == ')') ++depth;
      if (call[i] == '(' && --depth == 0) {
        call = call.substr(0, i);
        break;
      }
    }
  }
  while (!call.empty() && call.back() == ' ') call.remove_suffix(1);
  std::string where = location.empty() ? std::string() : basename_of(location);
  return where.empty() ? std::string(call) : fmt::format("{} ({})", call, where);
}

}  // namespace

bool is_plumbing_frame(std::string_view line) {
  if (is_python_frame(line)) {
    std::string_view file = python_file(line);
    if (starts_with(file, "<frozen ") || file == "<string>") return true;
    std::size_t lib = file.find("/lib/python3.");
    return lib != std::string_view::npos && file.find("/site-packages/") == std::string_view::npos &&
           file.find("/dist-packages/") == std::string_view::npos;
  }
  if (!is_gdb_frame(line)) return false;
  bool is_library = false;
  std::string_view location = gdb_location(line, is_library);
  if (is_library) {
    if (starts_with(location, "target:")) location.remove_prefix(7);
    return starts_with(location, "/lib/") || starts_with(location, "/lib64/") ||
           starts_with(location, "/usr/lib/");
  }
  return starts_with(location, "./") || starts_with(location, "../sysdeps/") ||
         starts_with(location, "../nptl/") || starts_with(location, "/usr/include/");
}

std::string fold_stacks(const std::string& stacks) {
  std::string folded;
  std::vector<std::string> lines = split(stacks);
  for (std::size_t i = 0; i < lines.size();) {
    if (!is_plumbing_frame(lines[i])) {
      folded += lines[i++] + "\n";
      continue;
    }
    std::size_t end = i;
    while (end < lines.size() && is_plumbing_frame(lines[end])) ++end;
    if (end - i == 1) {
      folded += lines[i] + "\n";  // one frame reads as well as its summary
    } else {
      folded += fmt::format("    ... {} frames of the standard library and libc (--full-stacks shows them)\n",
                            end - i);
    }
    i = end;
  }
  return folded;
}

std::vector<std::string> stack_summary(const std::string& stacks) {
  struct Process {
    std::string header;                           // "pid 123 COMMAND"
    std::vector<std::vector<std::string>> threads;  // frames per thread, innermost first
    int main_thread = -1;
  };
  std::vector<Process> processes;
  for (const std::string& line : split(stacks)) {
    if (starts_with(line, "== pid ")) {
      std::string_view rest = std::string_view(line).substr(7);
      std::size_t colon = rest.find(": ");
      std::string pid(rest.substr(0, colon));
      std::string command = colon == std::string_view::npos ? "" : std::string(rest.substr(colon + 2));
      // Absolute paths (the program, a script) by their last component: the case says where.
      std::string shown;
      std::istringstream words(command);
      for (std::string word; words >> word;)
        shown += (shown.empty() ? "" : " ") + (word.front() == '/' ? basename_of(word) : word);
      if (shown.size() > 72) shown = shown.substr(0, 71) + "~";
      processes.push_back({"pid " + pid + " " + shown, {}, -1});
      continue;
    }
    if (processes.empty()) continue;
    Process& process = processes.back();
    if (starts_with(line, "Thread ") || starts_with(line, "Current thread ")) {
      process.threads.emplace_back();
      if (starts_with(line, "Thread 1 ") || starts_with(line, "Current thread "))
        process.main_thread = static_cast<int>(process.threads.size()) - 1;
      continue;
    }
    if (is_gdb_frame(line) || is_python_frame(line)) {
      if (process.threads.empty()) process.threads.emplace_back();
      process.threads.back().push_back(line);
    }
  }
  std::vector<std::string> summary;
  for (const Process& process : processes) {
    std::string text = process.header + ": ";
    if (process.threads.empty()) {
      summary.push_back(text + "no stack");
      continue;
    }
    const auto& frames = process.threads[process.main_thread >= 0 ? process.main_thread : 0];
    if (frames.empty()) {
      text += "no frames";
    } else {
      text += condensed_frame(frames.front());
      if (is_plumbing_frame(frames.front()))
        for (const std::string& frame : frames)
          if (!is_plumbing_frame(frame)) {
            text += " <- " + condensed_frame(frame);
            break;
          }
    }
    if (process.threads.size() > 1) text += fmt::format(" [{} threads]", process.threads.size());
    summary.push_back(text);
  }
  return summary;
}

}  // namespace parity
