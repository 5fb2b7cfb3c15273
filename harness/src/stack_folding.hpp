#pragma once
// How the reporters show the stacks of a hung process tree (stack_dump.hpp's text: blocks
// "== pid N: COMMAND" of gdb's `thread apply all bt` or faulthandler's dump). Display only: the
// reports keep the stacks whole.
//
// A frame is plumbing when it belongs to the standard library (a CPython frame under
// .../lib/python3.X/ outside site-packages, <frozen ...>, <string>) or to libc, the C++ standard
// library or the loader (a gdb frame in glibc's sources ./nptl/, ../sysdeps/, in /usr/include/, or
// "from" a library under /lib or /usr/lib). The program's own frames, mp's and the case support's
// included, are never plumbing.

#include <string>
#include <string_view>
#include <vector>

namespace parity {

// True when a frame line (gdb "#3  0x... in f (...) at file:line", faulthandler
// '  File "path", line N in f') is plumbing as above. Other lines (headers, blank) are not frames.
bool is_plumbing_frame(std::string_view line);

// stacks with each run of consecutive plumbing frames replaced by one line
// "    ... N frames of the standard library and libc (--full-stacks shows them)".
std::string fold_stacks(const std::string& stacks);

// One line per process of stacks: "pid 123 case --start-method fork: WHERE [N threads]", WHERE the
// innermost frame of its main thread (gdb's Thread 1, faulthandler's current thread), then, when
// that is plumbing, "<- " the innermost frame of the program's own, each as "function (file:line)".
std::vector<std::string> stack_summary(const std::string& stacks);

}  // namespace parity
