// case_main: mp::init, the command line, the start method, the body, and CPython's shape for an
// exception that escapes it.

#include "parity/case_main.hpp"

#include <mp/mp.hpp>

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <string_view>

namespace parity {
namespace {

// The name argparse would print: the last component of argv[0].
std::string program_name(int argc, char** argv) {
  if (argc < 1 || argv[0] == nullptr) return "case";
  std::string_view path = argv[0];
  auto slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// "<Type>: <message>" of the exception in flight, as the last line of a Python traceback.
std::string describe_current_exception() {
  try {
    throw;
  } catch (const mp::Error& e) {
    return e.str();
  } catch (const std::exception& e) {
    std::string type = mp::detail::type_name_of(typeid(e));
    std::string message = e.what();
    return message.empty() ? type : type + ": " + message;
  } catch (...) {
    return "BaseException: exception of unknown type";
  }
}

// What the case printed so far goes out before the error, as CPython's streams are flushed
// before the traceback is written.
void flush_stdout() {
  std::cout.flush();
  std::fflush(stdout);
}

}  // namespace

int case_main(int argc, char** argv, const std::function<void(const CaseArgs&)>& body) {
  mp::init(argc, argv);  // never returns in a spawn or forkserver child, nor in the forkserver
  const std::string program = program_name(argc, argv);
  try {
    CaseArgs args = CaseArgs::parse(argc, argv);
    mp::set_start_method(args.start_method());
    body(args);
    return 0;
  } catch (const CaseUsageError& e) {
    flush_stdout();
    std::cerr << case_usage(program) << "\n" << program << ": error: " << e.what() << std::endl;
    return 2;
  } catch (...) {
    std::string error = describe_current_exception();
    flush_stdout();
    std::cerr << "Traceback (most recent call last):\n  File \"" << program
              << "\", in main\n    body(args)\n"
              << error << std::endl;
    return 1;
  }
}

}  // namespace parity
