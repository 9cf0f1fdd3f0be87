// SIGINT/SIGTERM: the first asks the run to stop after the current sample (the
// report of finished cases is then written, marked interrupted); a second
// exits at once. Report files are only ever replaced by rename, so exiting at
// any moment never leaves a half-written one.
#pragma once

namespace accel {

void install_interrupt_handlers();
bool interrupted();
int interrupt_signal();  // the first signal received, 0 if none

}  // namespace accel
