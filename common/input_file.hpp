// Reading the files a user names (reports, suites, targets): one place that
// refuses directories, unreadable and oversized files, and invalid JSON, each
// with a one-line input_error.
#pragma once
#include <cstddef>
#include <string>

#include "report.hpp"

namespace accel {

// Reports of the full suite are a few MiB; a bigger file is not one of ours.
inline constexpr size_t kMaxInputFileBytes = size_t(1) << 30;

// `what` prefixes the message: "--suite: cannot read x.json: is a directory".
std::string read_input_file(const std::string& path, const std::string& what, size_t max_bytes = kMaxInputFileBytes);
// "<where>: not valid JSON (parse error at line 3, column 7: ...)".
json parse_input_json(const std::string& text, const std::string& where);

}  // namespace accel
