// The forkserver start method (stage 2 lands the server; until then start() reports it).
#include <unistd.h>

#include "mp/errors.hpp"
#include "process_internal.hpp"

namespace mp::detail {

std::shared_ptr<Popen> start_forkserver(Process&) {
  throw ValueError("the forkserver start method is not available yet");
}

void forkserver_main(int, char**) { ::_exit(2); }

}  // namespace mp::detail
