#include "cli.hpp"

int main(int argc, char** argv) { return accel::run_cli(argc, argv); }
