// Fixture: a race the case claims but no run shows.
#include <cstdio>

int main() { std::puts("@metric lost_updates 0"); }
