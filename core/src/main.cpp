// Placeholder while the host is being written (replaced in the next commit).
int main() { return 1; }
