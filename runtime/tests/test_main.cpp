// main() of every runtime test binary. mp::init() comes first: a spawn or forkserver child of a
// test re-executes this binary and must enter its target there, not run the test suite again.
#include <gtest/gtest.h>

#include "mp/mp.hpp"

int main(int argc, char** argv) {
  mp::init(argc, argv);
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
