// Storm-surge solver entry point (the numerical core lives in the upstream project).
#include <iostream>
int main(int argc, char** argv) {
  std::cout << "surge-solver: " << (argc - 1) << " arguments\n";
  return 0;
}
