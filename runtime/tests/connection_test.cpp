// Connection, Pipe, wait, Listener/Client under the three start methods.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "mp/connection.hpp"
#include "mp/detail/os_error.hpp"
#include "mp/mp.hpp"
#include "process_test_support.hpp"

namespace {

using namespace std::chrono_literals;
using Seconds = std::chrono::duration<double>;

using mp_test::error_text;
using mp_test::join_within;

// ---- children (free functions: they travel to spawn/forkserver children by identity) ----------

void echo_child(mp::Connection conn) {
  for (;;) {
    auto message = conn.recv<std::vector<std::string>>();
    if (message.empty()) break;
    conn.send(message);
  }
}

// Receives until EOFError; exits with the number of messages, 100 + n if not EOFError.
void count_until_eof(mp::Connection reader, mp::Connection writer) {
  writer.close();
  int count = 0;
  try {
    for (;;) {
      reader.recv<int>();
      ++count;
    }
  } catch (const mp::EOFError&) {
    mp::exit(count);
  } catch (...) {
    mp::exit(100 + count);
  }
}

void send_after_delay(mp::Connection conn, double seconds) {
  std::this_thread::sleep_for(Seconds(seconds));
  conn.send(std::string("late"));
}

void send_big(mp::Connection conn, int size) { conn.send_bytes(std::string(size, 'x')); }

void client_child(mp::Address address, std::string key, mp::Connection report) {
  try {
    mp::Connection c = mp::Client(address, key);
    c.send(std::string("hello from ") + std::to_string(getpid()));
    report.send(std::string("ok ") + c.recv<std::string>());
  } catch (const mp::Error& e) {
    report.send(e.str());
  }
}

class ConnectionTest : public ::testing::TestWithParam<std::string> {
 protected:
  template <class F, class... Args>
  mp::Process make(F f, Args&&... args) {
    return mp::get_context(GetParam()).Process(f, std::forward<Args>(args)...);
  }
};

TEST_P(ConnectionTest, DuplexPipeCarriesObjectsBothWays) {
  auto [a, b] = mp::Pipe();
  mp::Process p = make(echo_child, b);
  p.start();
  b.close();
  for (int i = 0; i < 20; ++i) {
    std::vector<std::string> message(static_cast<std::size_t>(i + 1), std::to_string(i));
    a.send(message);
    EXPECT_EQ(a.recv<std::vector<std::string>>(), message);
  }
  a.send(std::vector<std::string>{});
  ASSERT_TRUE(join_within(p, 30s));
  EXPECT_EQ(*p.exitcode(), 0);
}

TEST_P(ConnectionTest, EofOnlyAfterEveryWriterClosed) {
  auto [reader, writer] = mp::Pipe(false);
  mp::Process p = make(count_until_eof, reader, writer);
  p.start();
  for (int i = 0; i < 3; ++i) writer.send(i);
  // The parent still holds the send end: the child must keep waiting (CPython's hang).
  p.join(0.5s);
  EXPECT_FALSE(p.exitcode().has_value()) << "child saw EOF while a writer was open";
  writer.close();
  ASSERT_TRUE(join_within(p, 30s)) << "child never saw EOF after the last writer closed";
  EXPECT_EQ(*p.exitcode(), 3);
}

TEST_P(ConnectionTest, LargeMessagesCrossProcesses) {
  auto [reader, writer] = mp::Pipe(false);
  const int size = 5 * 1024 * 1024 + 3;
  mp::Process p = make(send_big, writer, size);
  p.start();
  writer.close();
  std::string got = reader.recv_bytes();
  EXPECT_EQ(got.size(), static_cast<std::size_t>(size));
  EXPECT_EQ(got.find_first_not_of('x'), std::string::npos);
  ASSERT_TRUE(join_within(p, 30s));
}

TEST_P(ConnectionTest, WaitReturnsReadyConnectionsAndSentinels) {
  auto [a, b] = mp::Pipe();
  auto [c, d] = mp::Pipe();
  mp::Process p = make(send_after_delay, b, 0.2);
  p.start();
  b.close();
  EXPECT_TRUE(mp::wait(std::vector{a, c}, 0.05s).empty());
  auto ready = mp::wait(std::vector{a, c}, 30s);
  ASSERT_EQ(ready.size(), 1u);
  EXPECT_TRUE(ready[0] == a);
  EXPECT_EQ(a.recv<std::string>(), "late");
  // The child's sentinel becomes ready when it ends; mixed with connections through a variant.
  using Waitable = std::variant<mp::Connection, int>;
  std::vector<Waitable> objects{c, p.sentinel()};
  auto ended = mp::wait(objects, 30s);
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(std::get<int>(ended[0]), p.sentinel());
  ASSERT_TRUE(join_within(p, 30s));
  // End of stream counts as ready.
  EXPECT_TRUE(a.poll(5s));
  EXPECT_THROW(a.recv<std::string>(), mp::EOFError);
}

TEST_P(ConnectionTest, ListenerAndClientAuthenticate) {
  for (std::string family : {"AF_UNIX", "AF_INET"}) {
    mp::ListenerOptions options;
    options.family = family;
    options.authkey = "secret";
    mp::Listener listener(options);
    auto [report_r, report_w] = mp::Pipe(false);
    mp::Process good = make(client_child, listener.address(), std::string("secret"), report_w);
    good.start();
    mp::Connection conn = listener.accept();
    EXPECT_EQ(conn.recv<std::string>().rfind("hello from ", 0), 0u);
    conn.send(std::string("welcome"));
    EXPECT_EQ(report_r.recv<std::string>(), "ok welcome");
    ASSERT_TRUE(join_within(good, 30s));
    if (family == "AF_INET") {
      ASSERT_TRUE(listener.last_accepted().has_value());
      EXPECT_EQ(std::get<mp::InetAddress>(*listener.last_accepted()).host, "127.0.0.1");
    }

    mp::Process bad = make(client_child, listener.address(), std::string("wrong"), report_w);
    bad.start();
    EXPECT_EQ(error_text([&] { listener.accept(); }),
              "AuthenticationError: digest received was wrong");
    EXPECT_EQ(report_r.recv<std::string>(), "AuthenticationError: digest sent was rejected");
    ASSERT_TRUE(join_within(bad, 30s));

    mp::Address address = listener.address();
    listener.close();
    EXPECT_EQ(error_text([&] { listener.accept(); }), "OSError: listener is closed");
    if (auto* path = std::get_if<std::string>(&address)) {
      struct stat st {};
      EXPECT_NE(::stat(path->c_str(), &st), 0) << "socket file left behind: " << *path;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(StartMethods, ConnectionTest,
                         ::testing::Values("fork", "spawn", "forkserver"),
                         [](const auto& info) { return info.param; });

// ---- in-process behaviors ---------------------------------------------------------------------

TEST(Connection, OneWayPipeIsReceiverFirst) {
  auto [r, w] = mp::Pipe(false);
  EXPECT_TRUE(r.readable());
  EXPECT_FALSE(r.writable());
  EXPECT_FALSE(w.readable());
  EXPECT_TRUE(w.writable());
  EXPECT_EQ(error_text([&] { r.send(1); }), "OSError: connection is read-only");
  EXPECT_EQ(error_text([&] { w.recv<int>(); }), "OSError: connection is write-only");
  EXPECT_EQ(error_text([&] { w.poll(); }), "OSError: connection is write-only");
  auto [a, b] = mp::Pipe();
  EXPECT_TRUE(a.readable() && a.writable() && b.readable() && b.writable());
}

TEST(Connection, ClosedConnectionRaisesHandleIsClosed) {
  auto [a, b] = mp::Pipe();
  mp::Connection copy = a;
  a.close();
  a.close();  // no-op
  EXPECT_TRUE(copy.closed());
  for (auto text : {error_text([&] { a.send(1); }), error_text([&] { a.recv<int>(); }),
                    error_text([&] { a.poll(); }), error_text([&] { a.fileno(); }),
                    error_text([&] { a.send_bytes("x"); }), error_text([&] { a.recv_bytes(); })}) {
    EXPECT_EQ(text, "OSError: handle is closed");
  }
  EXPECT_TRUE(mp::Connection().closed());
}

TEST(Connection, FramingIsCpythonShape) {
  auto [r, w] = mp::Pipe(false);
  w.send_bytes("abc");
  char raw[7];
  ASSERT_EQ(::read(r.fileno(), raw, 7), 7);
  EXPECT_EQ(std::string(raw, 7), std::string("\0\0\0\3abc", 7));
  // The extended header (-1, then an 8-byte length) is understood on receipt.
  const char extended[] = "\xff\xff\xff\xff\0\0\0\0\0\0\0\5hello";
  ASSERT_EQ(::write(w.fileno(), extended, 17), 17);
  EXPECT_EQ(r.recv_bytes(), "hello");
  char header[12];
  mp::detail::write_frame_header(header, 0x80000000ull);
  EXPECT_EQ(std::string(header, 12), std::string("\xff\xff\xff\xff\0\0\0\0\x80\0\0\0", 12));
  // A send of an object is a frame of its mp::dumps() bytes.
  w.send(std::string("xyz"));
  EXPECT_EQ(r.recv_bytes(), mp::dumps(std::string("xyz")));
  // A partial message then end of stream.
  ASSERT_EQ(::write(w.fileno(), "\0\0\0\x09" "abc", 7), 7);
  w.close();
  EXPECT_EQ(error_text([&] { r.recv_bytes(); }), "OSError: got end of file during message");
  EXPECT_EQ(error_text([&] { r.recv_bytes(); }), "EOFError");
}

TEST(Connection, SendBytesOffsetAndSize) {
  auto [a, b] = mp::Pipe();
  a.send_bytes("0123456789", 2, 3);
  EXPECT_EQ(b.recv_bytes(), "234");
  a.send_bytes("0123456789", 7);
  EXPECT_EQ(b.recv_bytes(), "789");
  a.send_bytes("");
  EXPECT_EQ(b.recv_bytes(), "");
  EXPECT_EQ(error_text([&] { a.send_bytes("abc", 4); }), "ValueError: buffer length < offset");
  EXPECT_EQ(error_text([&] { a.send_bytes("abc", 1, 3); }),
            "ValueError: buffer length < offset + size");
}

TEST(Connection, RecvBytesIntoAndBufferTooShort) {
  auto [a, b] = mp::Pipe();
  std::vector<char> buffer(8, '.');
  a.send_bytes("abc");
  EXPECT_EQ(b.recv_bytes_into(buffer, 2), 3u);
  EXPECT_EQ(std::string(buffer.begin(), buffer.end()), "..abc...");
  a.send_bytes("hello world");
  EXPECT_EQ(error_text([&] { b.recv_bytes_into(buffer); }), "BufferTooShort: b'hello world'");
  // The message was consumed: the next one is intact.
  a.send_bytes("it's\n\x01");
  EXPECT_EQ(error_text([&] { b.recv_bytes_into(buffer, 4); }), "BufferTooShort: b\"it's\\n\\x01\"");
  a.send_bytes("ok");
  EXPECT_EQ(b.recv_bytes_into(buffer), 2u);
  EXPECT_EQ(error_text([&] { b.recv_bytes_into(buffer, 9); }), "ValueError: offset too large");
}

// CPython's send_bytes checks offset and size, in this order, before anything is written; a size
// near the top of the range must not wrap the offset + size check around.
TEST(Connection, SendBytesRejectsBadOffsetAndSizeBeforeSending) {
  auto [a, b] = mp::Pipe();
  constexpr auto huge = std::numeric_limits<std::ptrdiff_t>::max();
  EXPECT_EQ(error_text([&] { a.send_bytes("abc", -1); }), "ValueError: offset is negative");
  EXPECT_EQ(error_text([&] { a.send_bytes("abc", -1, -1); }), "ValueError: offset is negative");
  EXPECT_EQ(error_text([&] { a.send_bytes("abc", 4, -1); }), "ValueError: buffer length < offset");
  EXPECT_EQ(error_text([&] { a.send_bytes("abc", 1, -1); }), "ValueError: size is negative");
  EXPECT_EQ(error_text([&] { a.send_bytes("abc", 0, huge); }), "ValueError: buffer length < offset + size");
  EXPECT_EQ(error_text([&] { a.send_bytes("abc", 3, huge); }), "ValueError: buffer length < offset + size");
  EXPECT_EQ(error_text([&] { a.send_bytes("abc", huge, huge); }), "ValueError: buffer length < offset");
  EXPECT_FALSE(b.poll());  // nothing reached the peer
  a.send_bytes("abc", 3, 0);
  EXPECT_EQ(b.recv_bytes(), "");
}

TEST(Connection, RecvBytesIntoRejectsNegativeOffsetBeforeReading) {
  auto [a, b] = mp::Pipe();
  std::vector<char> buffer(4, '.');
  a.send_bytes("ab");
  EXPECT_EQ(error_text([&] { b.recv_bytes_into(buffer, -1); }), "ValueError: negative offset");
  EXPECT_EQ(error_text([&] { b.recv_bytes_into(buffer, std::numeric_limits<std::ptrdiff_t>::min()); }),
            "ValueError: negative offset");
  EXPECT_EQ(error_text([&] { b.recv_bytes_into(buffer, 5); }), "ValueError: offset too large");
  EXPECT_EQ(b.recv_bytes_into(buffer, 2), 2u);  // the message is still there, whole
  EXPECT_EQ(std::string(buffer.begin(), buffer.end()), "..ab");
}

TEST(Connection, BadMessageLength) {
  auto [a, b] = mp::Pipe();
  a.send_bytes(std::string(300, 'x'));
  EXPECT_EQ(error_text([&] { b.recv_bytes(256); }), "OSError: bad message length");
  EXPECT_FALSE(b.readable());  // duplex: becomes write-only
  auto [r, w] = mp::Pipe(false);
  w.send_bytes(std::string(300, 'x'));
  EXPECT_EQ(error_text([&] { r.recv_bytes(10); }), "OSError: bad message length");
  EXPECT_TRUE(r.closed());  // read-only: closed
}

TEST(Connection, PollTimesOutThenSeesData) {
  auto [a, b] = mp::Pipe();
  EXPECT_FALSE(b.poll());
  EXPECT_FALSE(b.poll(0.02s));
  a.send(42);
  EXPECT_TRUE(b.poll());
  EXPECT_TRUE(b.poll(std::nullopt));
  EXPECT_EQ(b.recv<int>(), 42);
}

TEST(Connection, BrokenPipe) {
  auto [r, w] = mp::Pipe(false);
  r.close();
  EXPECT_EQ(error_text([&] { w.send(1); }), "BrokenPipeError: [Errno 32] Broken pipe");
}

TEST(Connection, TravelsOnlyAsProcessArgument) {
  auto [a, b] = mp::Pipe();
  auto [c, d] = mp::Pipe();
  EXPECT_EQ(error_text([&] { a.send(c); }),
            "RuntimeError: Connection objects should only be shared between processes through "
            "inheritance");
}

TEST(Listener, DefaultAddressesAndWrongAddress) {
  mp::Listener unix_listener;
  ASSERT_TRUE(std::holds_alternative<std::string>(unix_listener.address()));
  const std::string path = std::get<std::string>(unix_listener.address());
  EXPECT_EQ(path.rfind("/tmp/pymp-", 0), 0u);
  EXPECT_NE(path.find("/listener-"), std::string::npos);
  // No key on either side: no handshake.
  std::thread client([&] {
    mp::Connection c = mp::Client(path);
    c.send(7);
  });
  mp::Connection served = unix_listener.accept();
  EXPECT_EQ(served.recv<int>(), 7);
  client.join();
  unix_listener.close();
  struct stat st {};
  EXPECT_NE(::stat(path.c_str(), &st), 0);
  EXPECT_NE(::stat(path.substr(0, path.rfind('/')).c_str(), &st), 0);
  EXPECT_EQ(error_text([&] { mp::Client(path); }),
            "FileNotFoundError: [Errno 2] No such file or directory");

  mp::ListenerOptions options;
  options.family = "AF_INET";
  mp::Listener inet(options);
  auto address = std::get<mp::InetAddress>(inet.address());
  EXPECT_EQ(address.host, "127.0.0.1");
  EXPECT_NE(address.port, 0);
  EXPECT_EQ(mp::address_repr(address), "('127.0.0.1', " + std::to_string(address.port) + ")");
}

}  // namespace
