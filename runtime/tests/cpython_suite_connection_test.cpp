// What CPython 3.11's _test_multiprocessing.py asserts about Connection, Pipe, poll, wait,
// Listener and Client that the other connection tests do not (docs/cpython-test-coverage.md:
// _TestConnection, _TestListener, _TestListenerClient, _TestPoll, TestWait, TestInvalidHandle,
// OtherTest, TestIgnoreEINTR). Written from reading CPython's tests; the cross-process ones run
// under the three start methods.
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <variant>

#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using mp_test::error_text;
using mp_test::join_within;
using mp_test::StartMethodTest;

class CpythonConnectionTest : public StartMethodTest {};

const std::string kSentinel;  // CPython's SENTINEL, b'': an empty message ends the echo

// CPython's _echo: sends back every message until the sentinel.
void echo_bytes(mp::Connection conn) {
  for (;;) {
    std::string message = conn.recv_bytes();
    if (message == kSentinel) break;
    conn.send_bytes(message);
  }
  conn.close();
}

template <class F>
std::chrono::duration<double> timed(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::steady_clock::now() - start;
}

// test_connection: objects, bytes, recv_bytes_into at an offset, BufferTooShort, poll timeouts,
// 16 MiB, and EOFError once the child is gone and the parent closed its copy.
TEST_P(CpythonConnectionTest, EchoChildEndToEnd) {
  auto [conn, child_conn] = mp::Pipe();
  mp::Process p(options({}, true), echo_bytes, child_conn);
  p.start();
  EXPECT_GE(conn.fileno(), 0);
  const std::vector<double> seq{1, 2.25};
  conn.send(seq);
  EXPECT_EQ(conn.recv<std::vector<double>>(), seq);
  conn.send_bytes("hello world");
  EXPECT_EQ(conn.recv_bytes(), "hello world");

  const std::int32_t arr[] = {0, 1, 2, 3};
  const std::string arr_bytes(reinterpret_cast<const char*>(arr), sizeof arr);
  std::vector<std::int32_t> buffer(10, 0);
  conn.send_bytes(arr_bytes);
  EXPECT_EQ(conn.recv_bytes_into(buffer), sizeof arr);
  EXPECT_EQ(buffer, (std::vector<std::int32_t>{0, 1, 2, 3, 0, 0, 0, 0, 0, 0}));
  buffer.assign(10, 0);
  conn.send_bytes(arr_bytes);
  EXPECT_EQ(conn.recv_bytes_into(buffer, 3 * sizeof(std::int32_t)), sizeof arr);
  EXPECT_EQ(buffer, (std::vector<std::int32_t>{0, 0, 0, 0, 1, 2, 3, 0, 0, 0}));
  std::string longmsg;
  for (int i = 0; i < 10; ++i) longmsg += "hello world";
  std::string small(40, ' ');
  conn.send_bytes(longmsg);
  EXPECT_EQ(error_text([&] { conn.recv_bytes_into(small); }), "BufferTooShort: b'" + longmsg + "'");

  EXPECT_FALSE(conn.poll());
  EXPECT_LT(timed([&] { EXPECT_FALSE(conn.poll(-1s)); }), 5s);  // a negative timeout only looks
  EXPECT_GE(timed([&] { EXPECT_FALSE(conn.poll(100ms)); }), 90ms);
  conn.send(0);
  EXPECT_TRUE(conn.poll(60s));
  EXPECT_EQ(conn.recv<int>(), 0);

  const std::string really_big(16 << 20, 'X');
  conn.send_bytes(really_big);
  EXPECT_TRUE(conn.recv_bytes() == really_big);

  conn.send_bytes(kSentinel);
  child_conn.close();
  ASSERT_TRUE(join_within(p, 60s));
  EXPECT_TRUE(conn.readable());
  EXPECT_TRUE(conn.writable());
  EXPECT_THROW(conn.recv<int>(), mp::EOFError);
  EXPECT_THROW(conn.recv_bytes(), mp::EOFError);
}

// test_duplex_false: each end of a one-way pipe refuses the other direction.
TEST(CpythonConnection, OneWayPipeEndsRefuseTheOtherDirection) {
  auto [reader, writer] = mp::Pipe(false);
  writer.send(1);
  EXPECT_EQ(reader.recv<int>(), 1);
  EXPECT_TRUE(reader.readable());
  EXPECT_FALSE(reader.writable());
  EXPECT_FALSE(writer.readable());
  EXPECT_TRUE(writer.writable());
  EXPECT_EQ(error_text([&] { reader.send(2); }), "OSError: connection is read-only");
  EXPECT_EQ(error_text([&] { writer.recv<int>(); }), "OSError: connection is write-only");
  EXPECT_EQ(error_text([&] { writer.poll(); }), "OSError: connection is write-only");
}

// test_spawn_close: the parent may close the child's end right after start().
TEST_P(CpythonConnectionTest, ParentClosesTheChildsEndRightAfterStart) {
  auto [conn, child_conn] = mp::Pipe();
  mp::Process p(options({}, true), echo_bytes, child_conn);
  p.start();
  child_conn.close();
  conn.send_bytes("hello");
  EXPECT_EQ(conn.recv_bytes(), "hello");
  conn.send_bytes(kSentinel);
  conn.close();
  ASSERT_TRUE(join_within(p, 60s));
  EXPECT_EQ(p.exitcode(), 0);
}

// _TestPoll.test_empty_string: an empty message is a message.
TEST(CpythonConnection, PollSeesAnEmptyMessage) {
  auto [a, b] = mp::Pipe();
  EXPECT_FALSE(a.poll());
  b.send_bytes("");
  EXPECT_TRUE(a.poll());
  EXPECT_TRUE(a.poll());
  EXPECT_EQ(a.recv_bytes(), "");
}

// _TestPoll.test_strings: messages sent one by one, empty ones among them, arrive one by one.
const std::vector<std::string> kStrings{"hello", "", "a", "b", "", "bye", "", "lop"};
void send_strings_slowly(mp::Connection conn) {
  for (const std::string& s : kStrings) {
    std::this_thread::sleep_for(50ms);
    conn.send_bytes(s);
  }
  conn.close();
}

TEST_P(CpythonConnectionTest, PolledMessagesArriveOneByOne) {
  auto [a, b] = mp::Pipe();
  mp::Process p(options(), send_strings_slowly, b);
  p.start();
  for (const std::string& s : kStrings) {
    for (int i = 0; i < 6000 && !a.poll(10ms); ++i) {
    }
    EXPECT_EQ(a.recv_bytes(), s);
  }
  ASSERT_TRUE(join_within(p, 60s));
}

// _TestPoll.test_boundaries: a child's poll() does not pull part of a message out of the pipe.
void poll_once(mp::Connection r) { r.poll(60s); }

TEST_P(CpythonConnectionTest, PollInAChildLeavesWholeMessages) {
  auto [r, w] = mp::Pipe(false);
  mp::Process p(options(), poll_once, r);
  p.start();
  w.send_bytes("first");
  w.send_bytes("second");
  w.close();
  ASSERT_TRUE(join_within(p, 60s));
  const std::string got = r.recv_bytes();
  EXPECT_TRUE(got == "first" || got == "second") << got;
}

// _TestPoll.test_dont_merge: three messages stay three.
void send_three(mp::Connection b) {
  b.send_bytes("a");
  b.send_bytes("b");
  b.send_bytes("cd");
}

TEST_P(CpythonConnectionTest, PollDoesNotMergeMessages) {
  auto [a, b] = mp::Pipe();
  EXPECT_FALSE(a.poll(0s));
  EXPECT_FALSE(a.poll(100ms));
  mp::Process p(options(), send_three, b);
  p.start();
  EXPECT_EQ(a.recv_bytes(), "a");
  EXPECT_TRUE(a.poll(60s));
  EXPECT_TRUE(a.poll(60s));
  EXPECT_EQ(a.recv_bytes(), "b");
  EXPECT_TRUE(a.poll(60s));
  EXPECT_TRUE(a.poll(60s));
  EXPECT_TRUE(a.poll(0s));
  EXPECT_EQ(a.recv_bytes(), "cd");
  ASSERT_TRUE(join_within(p, 60s));
}

// _TestListener.test_multiple_bind: a second Listener on a bound address raises OSError.
TEST(CpythonConnection, SecondListenerOnABoundAddressRaises) {
  for (std::string family : {"AF_UNIX", "AF_INET"}) {
    mp::Listener first(mp::ListenerOptions{.family = family});
    EXPECT_THROW(mp::Listener(mp::ListenerOptions{.address = first.address(), .family = family}), mp::OSError)
        << family;
  }
}

// TestInvalidFamily: a Windows pipe name is refused on Linux, by Listener and Client alike.
TEST(CpythonConnection, WindowsPipeFamilyIsRefused) {
  const std::string pipe_name = R"(\\.\test)";
  const std::string refused = "ValueError: Family AF_PIPE is not recognized.";
  EXPECT_EQ(error_text([&] { mp::Listener(mp::ListenerOptions{.address = pipe_name}); }), refused);
  EXPECT_EQ(error_text([&] { mp::Listener(mp::ListenerOptions{.family = "AF_PIPE"}); }), refused);
  EXPECT_EQ(error_text([&] { mp::Client(pipe_name); }), refused);
  EXPECT_EQ(error_text([&] { mp::Listener(mp::ListenerOptions{.family = "AF_FOO"}); }),
            "ValueError: unrecognized family");
  EXPECT_FALSE(std::filesystem::exists(pipe_name));  // nothing was bound in the working directory
}

// _TestListenerClient.test_issue16955: data sent on an accepted connection is seen by poll().
TEST(CpythonConnection, ClientPollSeesWhatTheAcceptedEndSent) {
  for (std::string family : {"AF_UNIX", "AF_INET"}) {
    mp::Listener listener(mp::ListenerOptions{.family = family});
    mp::Connection c = mp::Client(listener.address());
    mp::Connection a = listener.accept();
    a.send_bytes("hello");
    EXPECT_TRUE(c.poll(1s)) << family;
    a.close();
    c.close();
    listener.close();
  }
}

// _TestListenerClient.test_issue14725: a client that connected, wrote and closed before accept()
// is still accepted with its message.
void send_hello_to(mp::Address address) {
  mp::Connection conn = mp::Client(address);
  conn.send(std::string("hello"));
  conn.close();
}

TEST_P(CpythonConnectionTest, ClientThatLeftBeforeAcceptIsStillAccepted) {
  mp::Listener listener;
  mp::Process p(options({}, true), send_hello_to, listener.address());
  p.start();
  ASSERT_TRUE(join_within(p, 60s));
  mp::Connection conn = listener.accept();
  EXPECT_EQ(conn.recv<std::string>(), "hello");
}

// TestWait.test_wait: wait() over four children's pipes until each reaches EOF.
void send_ten(mp::Connection w) {
  for (int i = 0; i < 10; ++i) w.send(std::make_pair(i, static_cast<int>(::getpid())));
  w.close();
}

TEST_P(CpythonConnectionTest, WaitOverChildrenUntilEveryPipeEnds) {
  std::vector<mp::Connection> readers;
  std::vector<std::unique_ptr<mp::Process>> procs;
  for (int i = 0; i < 4; ++i) {
    auto [r, w] = mp::Pipe(false);
    procs.push_back(std::make_unique<mp::Process>(options({}, true), send_ten, w));
    procs.back()->start();
    w.close();
    readers.push_back(r);
  }
  std::vector<std::pair<int, int>> messages;
  while (!readers.empty()) {
    auto ready = mp::wait(readers, 60s);
    ASSERT_FALSE(ready.empty());
    for (mp::Connection& r : ready) {
      try {
        messages.push_back(r.recv<std::pair<int, int>>());
      } catch (const mp::EOFError&) {
        readers.erase(std::find(readers.begin(), readers.end(), r));
        r.close();
      }
    }
  }
  std::vector<std::pair<int, int>> expected;
  for (auto& p : procs) {
    for (int i = 0; i < 10; ++i) expected.emplace_back(i, *p->pid());
  }
  std::sort(messages.begin(), messages.end());
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(messages, expected);
  for (auto& p : procs) EXPECT_TRUE(join_within(*p, 60s));
}

// TestWait.test_wait_timeout and test_neg_timeout.
TEST(CpythonConnection, WaitTimesOutThenSeesTheReadyEnd) {
  auto [a, b] = mp::Pipe();
  std::vector<mp::Connection> both{a, b};
  EXPECT_GE(timed([&] { EXPECT_TRUE(mp::wait(both, 300ms).empty()); }), 290ms);
  EXPECT_LT(timed([&] { EXPECT_TRUE(mp::wait(std::vector<mp::Connection>{a}, -1s).empty()); }), 5s);
  b.send(0);
  EXPECT_EQ(mp::wait(both, 20s), std::vector<mp::Connection>{a});
}

// TestWait.test_wait_integer: sentinels and connections mixed; each is reported when ready.
void release_and_sleep(mp::Semaphore sem, int ms) {
  sem.release();
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

TEST_P(CpythonConnectionTest, WaitMixesSentinelsAndConnections) {
  using Waitable = std::variant<mp::Connection, int>;
  mp::Semaphore sem(0);
  auto [a, b] = mp::Pipe();
  mp::Process p(options(), release_and_sleep, sem, 500);
  p.start();
  ASSERT_TRUE(sem.acquire(true, 60s));
  const std::vector<Waitable> all{a, p.sentinel(), b};
  EXPECT_EQ(mp::wait(all, 60s), std::vector<Waitable>{p.sentinel()});
  a.send(0);
  EXPECT_EQ(mp::wait(all, 20s), (std::vector<Waitable>{p.sentinel(), b}));
  b.send(0);
  EXPECT_EQ(mp::wait(all, 20s), all);
  ASSERT_TRUE(join_within(p, 60s));
}

// TestInvalidHandle: a negative descriptor is refused; poll() on one never opened does not crash.
TEST(CpythonConnection, InvalidHandles) {
  EXPECT_EQ(error_text([] { mp::Connection(-1); }), "ValueError: invalid handle");
  mp::Connection bogus(44977608);
  try {
    bogus.poll();
  } catch (const mp::Error&) {
  }
}

// OtherTest: a peer answering garbage fails the handshake with AuthenticationError.
TEST(CpythonConnection, ChallengeWithABogusPeerFails) {
  {
    auto [mine, peer] = mp::Pipe();
    std::thread fake([peer = peer]() mutable {
      peer.recv_bytes();  // the challenge
      peer.send_bytes("something bogus");
    });
    EXPECT_EQ(error_text([&] { mp::deliver_challenge(mine, "abc"); }),
              "AuthenticationError: digest received was wrong");
    fake.join();
  }
  {
    auto [mine, peer] = mp::Pipe();
    std::thread fake([peer = peer]() mutable {
      peer.send_bytes("#CHALLENGE#0123456789abcdefghij");
      peer.recv_bytes();  // the digest
      peer.send_bytes("something bogus");
    });
    EXPECT_EQ(error_text([&] { mp::answer_challenge(mine, "abc"); }),
              "AuthenticationError: digest sent was rejected");
    fake.join();
  }
}

// TestIgnoreEINTR: a child whose signal handler interrupts its recv(), its large send_bytes()
// and its accept() carries on (mp retries EINTR as CPython does).
void install_sigusr1_without_restart() {
  struct sigaction action {};
  action.sa_handler = +[](int) {};
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  ::sigaction(SIGUSR1, &action, nullptr);
}

constexpr std::size_t kBlockingSize = (16 << 20) + 1;  // more than any pipe or socket buffer

void echo_then_send_big(mp::Connection conn) {
  install_sigusr1_without_restart();
  conn.send(std::string("ready"));
  conn.send(conn.recv<int>());
  conn.send_bytes(std::string(kBlockingSize, 'x'));
}

TEST_P(CpythonConnectionTest, SignalHandlerDoesNotBreakRecvOrSend) {
  auto [conn, child_conn] = mp::Pipe();
  mp::Process p(options({}, true), echo_then_send_big, child_conn);
  p.start();
  child_conn.close();
  EXPECT_EQ(conn.recv<std::string>(), "ready");
  std::this_thread::sleep_for(100ms);  // the child is in recv()
  ::kill(*p.pid(), SIGUSR1);
  std::this_thread::sleep_for(100ms);
  conn.send(1234);
  EXPECT_EQ(conn.recv<int>(), 1234);
  std::this_thread::sleep_for(100ms);  // the child is blocked in send_bytes()
  ::kill(*p.pid(), SIGUSR1);
  EXPECT_EQ(conn.recv_bytes().size(), kBlockingSize);
  ASSERT_TRUE(join_within(p, 60s));
  EXPECT_EQ(p.exitcode(), 0);
}

void listen_then_welcome(mp::Connection conn) {
  install_sigusr1_without_restart();
  mp::Listener listener;
  conn.send(listener.address());
  mp::Connection a = listener.accept();
  a.send(std::string("welcome"));
}

TEST_P(CpythonConnectionTest, SignalHandlerDoesNotBreakAccept) {
  auto [conn, child_conn] = mp::Pipe();
  mp::Process p(options({}, true), listen_then_welcome, child_conn);
  p.start();
  child_conn.close();
  ASSERT_TRUE(conn.poll(60s));
  const mp::Address address = conn.recv<mp::Address>();
  std::this_thread::sleep_for(100ms);  // the child is in accept()
  ::kill(*p.pid(), SIGUSR1);
  std::this_thread::sleep_for(100ms);
  mp::Connection client = mp::Client(address);
  EXPECT_EQ(client.recv<std::string>(), "welcome");
  ASSERT_TRUE(join_within(p, 60s));
  EXPECT_EQ(p.exitcode(), 0);
}

MP_INSTANTIATE_START_METHODS(CpythonConnectionTest);

}  // namespace
