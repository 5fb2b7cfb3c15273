#pragma once
// Exceptions of the mp runtime, named after the Python exceptions CPython's multiprocessing raises
// in the same situation, with the same message text where CPython has one. A case program prints
// `e.type_name() + ": " + e.what()`, which matches Python's `f"{type(e).__name__}: {e}"`.

#include <stdexcept>
#include <string>
#include <string_view>

namespace mp {

// Base of every mp exception. type_name() is the Python class name ("ValueError", "Empty", ...).
class Error : public std::runtime_error {
 public:
  Error(std::string type_name, const std::string& message)
      : std::runtime_error(message), type_name_(std::move(type_name)) {}
  const std::string& type_name() const noexcept { return type_name_; }
  // "TypeName: message", or just "TypeName" when the message is empty (as Python prints).
  std::string str() const;

 private:
  std::string type_name_;
};

#define MP_DEFINE_ERROR(Name, Base, PyName)                                           \
  class Name : public Base {                                                          \
   public:                                                                            \
    explicit Name(const std::string& message = {}) : Base(PyName, message) {}         \
                                                                                      \
   protected:                                                                         \
    Name(std::string type_name, const std::string& message)                           \
        : Base(std::move(type_name), message) {}                                      \
  };

// Python builtins that multiprocessing raises.
MP_DEFINE_ERROR(ValueError, Error, "ValueError")
MP_DEFINE_ERROR(TypeError, Error, "TypeError")
MP_DEFINE_ERROR(RuntimeError, Error, "RuntimeError")
MP_DEFINE_ERROR(AssertionError, Error, "AssertionError")
MP_DEFINE_ERROR(EOFError, Error, "EOFError")
MP_DEFINE_ERROR(OSError, Error, "OSError")
MP_DEFINE_ERROR(KeyError, Error, "KeyError")
MP_DEFINE_ERROR(IndexError, Error, "IndexError")
// pickle.PicklingError: what cannot travel to a spawn or forkserver child.
MP_DEFINE_ERROR(PicklingError, Error, "PicklingError")

// threading.BrokenBarrierError (a RuntimeError): a Barrier broken by abort(), reset() or a timeout.
MP_DEFINE_ERROR(BrokenBarrierError, RuntimeError, "BrokenBarrierError")

// multiprocessing's own exceptions (multiprocessing/context.py).
MP_DEFINE_ERROR(ProcessError, Error, "ProcessError")
MP_DEFINE_ERROR(BufferTooShort, ProcessError, "BufferTooShort")
MP_DEFINE_ERROR(TimeoutError, ProcessError, "TimeoutError")
MP_DEFINE_ERROR(AuthenticationError, ProcessError, "AuthenticationError")

// queue.Empty and queue.Full.
MP_DEFINE_ERROR(Empty, Error, "Empty")
MP_DEFINE_ERROR(Full, Error, "Full")

#undef MP_DEFINE_ERROR

// An exception raised in another process (a pool task, a manager call), re-raised here with the
// remote type name and message: type_name() is the remote exception's name, so output diffs clean.
class RemoteError : public Error {
 public:
  RemoteError(std::string remote_type_name, const std::string& message)
      : Error(std::move(remote_type_name), message) {}
};

}  // namespace mp
