// Test helper: shm_leak NAME: creates the POSIX shared memory object /NAME and exits without
// unlinking it.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
  std::string name = std::string("/") + (argc > 1 ? argv[1] : "parity_test_shm_leak");
  int fd = shm_open(name.c_str(), O_CREAT | O_RDWR, 0600);
  if (fd < 0) {
    std::perror("shm_open");
    return 2;
  }
  if (ftruncate(fd, 4096) != 0) return 3;
  std::printf("created %s\n", name.c_str());
  return 0;
}
