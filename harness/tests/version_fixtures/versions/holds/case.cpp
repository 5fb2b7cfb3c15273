// Fixture: prints what case.py prints under CPython 3.11.
#include <cstdio>

int main() { std::puts("result [0, 1, 4, 9]"); }
