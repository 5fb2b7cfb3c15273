// Locks and shared values travel to a child only as Process arguments; sending one through a pipe
// fails with CPython's RuntimeError and its type name.
#include <mp/mp.hpp>
#include <parity/case_main.hpp>

#include <iostream>
#include <mutex>
#include <string>

namespace {

template <class T>
void try_send(mp::Connection& sender, const std::string& name, const T& object) {
  try {
    sender.send(object);
    std::cout << name << " through a pipe: sent" << std::endl;
  } catch (const mp::Error& error) {
    std::cout << name << " through a pipe: " << error.str() << std::endl;
  }
}

}  // namespace

void use(mp::Lock lock, mp::Value<int> counter) {
  std::lock_guard guard(lock);
  counter.set_value(counter.value() + 1);
}

void run_case(const parity::CaseArgs&) {
  auto [sender, receiver] = mp::Pipe();
  try_send(sender, "Lock", mp::Lock());
  try_send(sender, "RLock", mp::RLock());
  try_send(sender, "Semaphore", mp::Semaphore(2));
  try_send(sender, "BoundedSemaphore", mp::BoundedSemaphore(2));
  try_send(sender, "Condition", mp::Condition());
  try_send(sender, "Event", mp::Event());
  try_send(sender, "Barrier", mp::Barrier(2));
  try_send(sender, "Value", mp::Value<int>(0));
  try_send(sender, "Array", mp::Array<int>(3));
  try_send(sender, "RawValue", mp::RawValue<int>(0));
  try_send(sender, "RawArray", mp::RawArray<int>(3));
  std::cout << "anything arrived: " << (receiver.poll(std::chrono::milliseconds(100)) ? "yes" : "no")
            << std::endl;
  mp::Lock lock;
  mp::Value<int> counter(0);
  mp::Process child(use, lock, counter);
  child.start();
  child.join();
  std::cout << "as Process arguments: child exitcode " << *child.exitcode() << ", counter "
            << counter.value() << std::endl;
}

int main(int argc, char** argv) { return parity::case_main(argc, argv, run_case); }
