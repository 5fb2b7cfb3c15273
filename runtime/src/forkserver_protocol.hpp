#pragma once
// The wire between forkserver clients and the server (not a public header).
//
// Start: the first client (the "starter") makes a private 0700 directory with mkdtemp, binds the
// listening Unix socket `<dir>/forkserver` there and posix_spawns this executable as
//   argv0 --mp-forkserver <listener fd> <alive fd> <setup fd>
// mp::init() of that process enters forkserver_main(). The setup socket carries one frame: the
// authkey and the directory. The server exits, removing the socket and directory, when <alive fd>
// (the read end of a pipe whose write end only the starter holds) reaches EOF: at the starter's
// exit sequence, or when the kernel closes it because the starter was killed.
//
// Connection: every client process connects once and authenticates both ways with an HMAC-SHA256
// challenge on the authkey (CPython's deliver_challenge/answer_challenge shape: "#CHALLENGE#" +
// 32 random bytes, answered by the digest, then "#WELCOME#" or "#FAILURE#").
//
// Request: a frame (8-byte length + dumps(Preparation)) whose first byte carries, by SCM_RIGHTS,
// the status socket of the new child followed by the descriptors the process object exported.
// The server forks; the child runs the prepared process object. The server writes the child's pid
// (int32) on the status socket at once, and its exit code (int32: code or -signal) when it has
// reaped it, then closes the status socket: the client's end is the Process sentinel.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mp::detail {

inline constexpr std::string_view kForkserverMarker = "--mp-forkserver";

// HMAC challenge, both directions; throw AuthenticationError on a wrong key, EOFError on EOF.
void deliver_challenge(int fd, std::string_view authkey);
void answer_challenge(int fd, std::string_view authkey);

// Sends a frame whose first byte carries fds (SCM_RIGHTS).
void send_frame_with_fds(int fd, std::string_view bytes, const std::vector<int>& fds);
// Receives such a frame; received descriptors are close-on-exec. False on EOF before a frame.
bool recv_frame_with_fds(int fd, std::string& bytes, std::vector<int>& fds);

}  // namespace mp::detail
