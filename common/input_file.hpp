// Reading the files a user names (reports, suites, targets): one place that
// refuses directories, unreadable and oversized files, and invalid JSON, each
// with a one-line input_error.
#pragma once
#include <cstddef>
#include <string>

#include "report.hpp"

namespace accel {

// The default suite's CPU-only report here is 0.4 MiB (results/cpu-only/); no
// GPU report has been measured yet. The cap leaves room for many more samples,
// and a stream without end (/dev/zero) stops here instead of filling memory.
inline constexpr size_t kMaxInputFileBytes = size_t(256) << 20;

// `what` prefixes the message: "--suite: cannot read x.json: is a directory".
std::string read_input_file(const std::string& path, const std::string& what, size_t max_bytes = kMaxInputFileBytes);
// "<where>: not valid JSON (parse error at line 3, column 7: ...)".
json parse_input_json(const std::string& text, const std::string& where);

}  // namespace accel
