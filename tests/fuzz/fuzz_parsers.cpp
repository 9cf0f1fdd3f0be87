// libFuzzer target over every parser of user files: reports (report, compare,
// validate), suite files and targets files. A parser may only answer with
// input_error; any other exception, a crash, a sanitizer report, a hang or a
// huge allocation is a finding. A report that reads back is also rendered in
// every format. Seed corpus: tests/fuzz/corpus/.
#include <cstddef>
#include <cstdint>
#include <string>

#include <sstream>

#include "report.hpp"
#include "reporters/reporters.hpp"
#include "suite.hpp"
#include "validate.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const accel::json j = accel::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) {
    try {
      const accel::report r = accel::report_from_json(j);
      (void)accel::validate_report(r, accel::default_targets(r));
      // A report that reads back must render in every format, too.
      for (const auto& f : accel::known_formats()) {
        std::ostringstream sink;
        accel::write_format(f, r, sink);
      }
    } catch (const accel::input_error&) {
    }
    try {
      (void)accel::parse_targets(j);
    } catch (const accel::input_error&) {
    }
  }
  try {
    // Host memory 64 GiB: points that need more are refused, as on a real machine.
    (void)accel::expand_suite(accel::parse_suite(text, "fuzz"), {}, 64.0 * (1ull << 30));
  } catch (const accel::input_error&) {
  }
  return 0;
}
