#pragma once
// The wire between forkserver clients and the server (not a public header).
//
// Start: the first client (the "starter") makes a private 0700 directory with mkdtemp, binds the
// listening Unix socket `<dir>/forkserver` (SOCK_SEQPACKET) there and posix_spawns this executable
//   argv0 --mp-forkserver <listener fd> <alive fd> <setup fd>
// mp::init() of that process enters forkserver_main(). The setup socket carries one frame: the
// authkey and the directory. The starter connects and both sides prove the authkey with an
// HMAC-SHA256 challenge (CPython's deliver_challenge/answer_challenge shape: "#CHALLENGE#" + 32
// random bytes, answered by the digest, then "#WELCOME#" or "#FAILURE#"). Then the starter removes
// the socket and the directory: they exist for the handshake only, so no kill at any moment later
// can leave them behind. The server exits when <alive fd> (the read end of a pipe whose write end
// only the starter holds) reaches EOF, at the starter's exit or death, or on SIGTERM/SIGHUP.
//
// The connection is SOCK_SEQPACKET: every request is one packet, sent atomically, so the starter's
// forked children share the inherited connection safely.
//
// Request: a packet whose body is the client's process group (int32) and whose SCM_RIGHTS carry
// the child's status socket, the read end of a pipe carrying its preparation data, and the
// descriptors its process object exported. The server forks; the child reads a frame (8-byte
// length + dumps(Preparation)) from the pipe, which the client writes after sending the request,
// and runs the process object. The server writes the child's pid (int32) on the status socket at
// once, and its exit code (int32: code or -signal) when it has reaped it, then closes the status
// socket: the client's end is the Process sentinel.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mp::detail {

inline constexpr std::string_view kForkserverMarker = "--mp-forkserver";

// HMAC challenge, both directions; throw AuthenticationError on a wrong key, EOFError on EOF.
void deliver_challenge(int fd, std::string_view authkey);
void answer_challenge(int fd, std::string_view authkey);

// One packet on a SOCK_SEQPACKET socket, with descriptors (SCM_RIGHTS).
void send_packet(int fd, std::string_view bytes, const std::vector<int>& fds = {});
// Receives one packet of at most max_size bytes (longer: ValueError); received descriptors are
// close-on-exec. False on EOF.
bool recv_packet(int fd, std::string& bytes, std::vector<int>& fds, std::size_t max_size);

}  // namespace mp::detail
