// The `accelbench` command line: verbs run and list. Exit codes: 0 ok, 1 a
// gate failed (--gate verdict, --require-gpu), 2 usage or input error.
#pragma once

namespace accel {

int run_cli(int argc, char** argv);

}  // namespace accel
