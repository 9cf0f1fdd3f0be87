// Writing files so that readers never see half of one.
#pragma once
#include <string>
#include <string_view>

namespace accel {

// Writes `content` to `path` through a temp file in the same folder and a
// rename, so `path` is either the old file or the whole new one. Throws
// std::runtime_error with the OS's reason on failure and leaves no temp file.
void write_file_atomically(const std::string& path, std::string_view content);

// Whether `path` could be created or replaced now (its folder exists and is
// writable, and it is not a directory). Empty string when fine, else why not.
std::string check_writable(const std::string& path);

}  // namespace accel
