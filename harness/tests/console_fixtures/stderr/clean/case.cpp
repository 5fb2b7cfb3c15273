// Fixture: prints what case.py prints.
#include <cstdio>

int main() { std::puts("fine"); }
