// Test and benchmark helper: the smallest C++ program, for launch overhead.
int main() { return 0; }
