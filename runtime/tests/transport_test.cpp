// What travels to a spawn/forkserver child besides plain values: descriptors exported during the
// process object's serialization (fd_transfer.hpp) and calls packed by identity
// (function_identity.hpp, reused by Pool); and the start-method contexts.
#include <fcntl.h>
#include <unistd.h>

#include <regex>

#include <sys/socket.h>

#include <future>

#include "../src/forkserver_protocol.hpp"  // internal: the forkserver handshake
#include "mp/detail/fd_transfer.hpp"
#include "mp/detail/function_identity.hpp"
#include "process_test_support.hpp"

namespace {

using mp_test::StartMethodTest;

class TransportTest : public StartMethodTest {};

// A minimal descriptor-owning type, serialized as Queue and Lock are.
struct WriteEnd {
  int fd = -1;
  template <class Archive>
  void save(Archive& archive) const {
    mp::detail::assert_spawning("WriteEnd");
    archive(mp::detail::export_fd(fd));
  }
  template <class Archive>
  void load(Archive& archive) {
    std::uint32_t index = 0;
    archive(index);
    fd = mp::detail::import_fd(index);
  }
};

void write_through(WriteEnd end, WriteEnd same) {
  const char text[] = "hello";
  if (::write(end.fd, text, 5) != 5) mp::exit(3);
  if (::write(same.fd, "!", 1) != 1) mp::exit(4);
}

TEST_P(TransportTest, ExportedDescriptorsArePresentInTheChild) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  WriteEnd end{fds[1]};
  mp::Process p(options(), write_through, end, end);  // the same descriptor exported twice
  p.start();
  ::close(fds[1]);
  char buffer[16] = {};
  std::string got;
  for (ssize_t n; (n = ::read(fds[0], buffer, sizeof buffer)) > 0;) got.append(buffer, static_cast<std::size_t>(n));
  ::close(fds[0]);
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 0);
  EXPECT_EQ(got, "hello!");  // and EOF: the child holds no other copy of the write end
}

TEST(FdTransferTest, SerializingOutsideProcessStartIsRefused) {
  WriteEnd end{1};
  EXPECT_FALSE(mp::detail::spawning());
  try {
    (void)mp::dumps(end);
    ADD_FAILURE() << "serialized outside an export scope";
  } catch (const mp::RuntimeError& e) {
    EXPECT_EQ(e.str(), "RuntimeError: WriteEnd objects should only be shared between processes through inheritance");
  }
}

TEST(FdTransferTest, ExportScopeIndexesAndImportScopeDuplicates) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  {
    mp::detail::FdExportScope scope;
    EXPECT_TRUE(mp::detail::spawning());
    EXPECT_EQ(mp::detail::export_fd(fds[0]), 0u);
    EXPECT_EQ(mp::detail::export_fd(fds[1]), 1u);
    EXPECT_EQ(mp::detail::export_fd(fds[0]), 0u);
    EXPECT_EQ(scope.fds(), (std::vector<int>{fds[0], fds[1]}));
  }
  EXPECT_FALSE(mp::detail::spawning());
  int copy = -1;
  {
    mp::detail::FdImportScope scope({fds[0], fds[1]});
    copy = mp::detail::import_fd(1);
    EXPECT_NE(copy, fds[1]);
    EXPECT_EQ(::fcntl(copy, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  }
  EXPECT_EQ(::fcntl(fds[0], F_GETFD), -1);  // the scope closed what it received
  EXPECT_NE(::fcntl(copy, F_GETFD), -1);  // the duplicate handed out stays the caller's
  ::close(copy);
  EXPECT_THROW(mp::detail::import_fd(0), mp::RuntimeError);
}

int add(int a, int b) { return a + b; }
std::string greet(std::string name) { return "hello " + name; }
struct Scale {
  int factor = 1;
  int operator()(int x) const { return factor * x; }
  template <class Archive>
  void serialize(Archive& archive) {
    archive(factor);
  }
};

TEST(FunctionIdentityTest, PackedCallsInvokeHere) {
  EXPECT_EQ(mp::loads<int>(mp::detail::pack_call(add, 2, 3).invoke()), 5);
  EXPECT_EQ(mp::loads<std::string>(mp::detail::pack_call(greet, std::string("mp")).invoke()), "hello mp");
  EXPECT_EQ(mp::loads<int>(mp::detail::pack_call(Scale{7}, 6).invoke()), 42);
  EXPECT_EQ(mp::loads<int>(mp::detail::pack_call([](int x) { return x * x; }, 9).invoke()), 81);
  auto packed = mp::detail::pack_call(add, 1, 1);
  auto copy = mp::loads<mp::detail::PackedCall>(mp::dumps(packed));
  EXPECT_EQ(mp::loads<int>(copy.invoke()), 2);
  EXPECT_EQ(mp::detail::function_at<int(int, int)>(mp::detail::function_offset(&add)), &add);
}

TEST(FunctionIdentityTest, WhatCannotTravelIsRefusedWithCPythonErrors) {
  int k = 1;
  try {
    (void)mp::detail::pack_call([k](int x) { return x + k; }, 1);
    ADD_FAILURE();
  } catch (const mp::PicklingError& e) {
    EXPECT_TRUE(std::regex_match(e.str(), std::regex("PicklingError: Can't pickle <function <lambda> at 0x[0-9a-f]+>: "
                                                     "attribute lookup <lambda> on __main__ failed")))
        << e.str();
  }
  try {
    (void)mp::detail::pack_call(std::function<int(int)>([](int x) { return x; }), 1);
    ADD_FAILURE();
  } catch (const mp::PicklingError& e) {
    EXPECT_NE(e.str().find("Can't pickle <function"), std::string::npos) << e.str();
  }
  struct Opaque {
    int* p = nullptr;
  };
  try {
    (void)mp::detail::pack_call(+[](Opaque) {}, Opaque{});
    ADD_FAILURE();
  } catch (const mp::TypeError& e) {
    EXPECT_TRUE(std::regex_match(e.str(), std::regex("TypeError: cannot pickle '.*Opaque' object"))) << e.str();
  }
}

// A packed call crosses into a fresh process (different load address under ASLR) and runs there.
void run_packed(mp::detail::PackedCall call) { mp::exit(mp::loads<int>(call.invoke())); }

TEST_P(TransportTest, PackedCallRunsInAChild) {
  mp::Process p(options(), run_packed, mp::detail::pack_call(add, 40, 2));
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.exitcode(), 42);
}

TEST(ContextTest, StartMethodsAndContextsAsCPython) {
  EXPECT_EQ(mp::get_all_start_methods(), (std::vector<std::string>{"fork", "spawn", "forkserver"}));
  for (const auto& method : mp::get_all_start_methods()) EXPECT_EQ(mp::get_context(method).get_start_method(), method);
  try {
    (void)mp::get_context("threads");
    ADD_FAILURE();
  } catch (const mp::ValueError& e) {
    EXPECT_EQ(e.str(), "ValueError: cannot find context for 'threads'");
  }
  mp::set_start_method({}, true);  // back to "not fixed" (Python's set_start_method(None, force=True))
  EXPECT_EQ(mp::get_start_method(true), "");
  EXPECT_EQ(mp::get_start_method(), "fork");  // the Linux default, now fixed
  try {
    mp::set_start_method("spawn");
    ADD_FAILURE();
  } catch (const mp::RuntimeError& e) {
    EXPECT_EQ(e.str(), "RuntimeError: context has already been set");
  }
  mp::set_start_method("spawn", true);
  EXPECT_EQ(mp::get_start_method(), "spawn");
  EXPECT_EQ(mp::get_context().get_start_method(), "spawn");
  mp::Process p(+[] { mp::exit(mp::get_start_method() == "spawn" ? 0 : 1); });  // the default context's
  p.start();
  mp_test::join_bounded(p);
  EXPECT_EQ(p.start_method(), "spawn");
  EXPECT_EQ(p.exitcode(), 0);  // the child's default context is the one it was started with
  mp::set_start_method("fork", true);
  EXPECT_GE(mp::cpu_count(), 1);
  EXPECT_EQ(mp::current_process().name(), "MainProcess");
  EXPECT_EQ(mp::current_process().authkey().size(), 32u);
  EXPECT_EQ(mp::parent_process(), nullptr);
}

// The forkserver's HMAC handshake: the same key passes both ways, another key is refused.
TEST(ForkserverHandshakeTest, WrongKeyIsRefusedBothWays) {
  auto handshake = [](std::string server_key, std::string client_key) {
    int fds[2];
    EXPECT_EQ(::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds), 0);
    auto server = std::async(std::launch::async, [&] {
      try {
        mp::detail::deliver_challenge(fds[0], server_key);
        mp::detail::answer_challenge(fds[0], server_key);
        return std::string("ok");
      } catch (const mp::Error& e) {
        return e.str();
      }
    });
    std::string client;
    try {
      mp::detail::answer_challenge(fds[1], client_key);
      mp::detail::deliver_challenge(fds[1], client_key);
      client = "ok";
    } catch (const mp::Error& e) {
      client = e.str();
    }
    std::string server_result = server.get();
    ::close(fds[0]);
    ::close(fds[1]);
    return std::make_pair(server_result, client);
  };
  EXPECT_EQ(handshake("key", "key"), std::make_pair(std::string("ok"), std::string("ok")));
  auto refused = handshake("key", "other");
  EXPECT_EQ(refused.first, "AuthenticationError: digest received was wrong");
  EXPECT_EQ(refused.second, "AuthenticationError: digest sent was rejected");
}

// A forked child of the process that started the forkserver uses the same server, through the
// connection it inherited (requests are single packets, so the two never interleave).
void start_through_inherited_forkserver() {
  mp::Process q = mp::get_context("forkserver").Process(+[] { mp::exit(5); });
  q.start();
  q.join();
  mp::exit(q.exitcode().value_or(-1));
}

TEST(ForkserverSharingTest, ForkedChildUsesItsParentsServer) {
  mp::Process warm = mp::get_context("forkserver").Process(+[] {});
  warm.start();
  warm.join();
  mp::Process p(mp::ProcessOptions{.start_method = "fork"}, start_through_inherited_forkserver);
  p.start();
  mp::Process q = mp::get_context("forkserver").Process(+[] { mp::exit(6); });  // concurrently, here
  q.start();
  mp_test::join_bounded(q);
  mp_test::join_bounded(p);
  EXPECT_EQ(q.exitcode(), 6);
  EXPECT_EQ(p.exitcode(), 5);
}

MP_INSTANTIATE_START_METHODS(TransportTest);

}  // namespace
