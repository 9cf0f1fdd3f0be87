// JUnit XML for CI dashboards: one testcase per speedup verdict. fail ->
// <failure> with the numbers; not_measured -> <skipped> with the reason;
// pass and inconclusive pass (inconclusive says so in system-out).
#include "format_util.hpp"
#include "reporters.hpp"

namespace accel {

void write_junit(const report& r, std::ostream& out) {
  size_t failures = 0, skipped = 0;
  for (const auto& s : r.speedups) {
    failures += s.verdict == "fail";
    skipped += s.verdict == "not_measured";
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"accelbench\" tests=\"" << r.speedups.size() << "\" failures=\"" << failures
      << "\" skipped=\"" << skipped << "\">\n"
      << "  <testsuite name=\"accelbench speedup\" tests=\"" << r.speedups.size() << "\" failures=\"" << failures
      << "\" skipped=\"" << skipped << "\" timestamp=\"" << xml_escape(r.created_utc) << "\">\n";
  for (const auto& s : r.speedups) {
    const std::string numbers = "speedup " + fmt("%.3f", s.value) + "x, 95% CI [" + fmt("%.3f", s.ci95.lo) + ", " +
                                fmt("%.3f", s.ci95.hi) + "], target " + fmt("%.2f", s.target) + "x";
    out << "    <testcase classname=\"accelbench." << xml_escape(s.workload) << "\" name=\""
        << xml_escape(speedup_id(s)) << "\">\n";
    if (s.verdict == "fail")
      out << "      <failure message=\"" << xml_escape(numbers) << "\" type=\"speedup_below_target\">"
          << xml_escape(numbers + ": the whole CI lies below the target") << "</failure>\n";
    else if (s.verdict == "not_measured")
      out << "      <skipped message=\"" << xml_escape(s.reason) << "\"/>\n";
    else
      out << "      <system-out>" << xml_escape(s.verdict + ": " + numbers) << "</system-out>\n";
    out << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

}  // namespace accel
