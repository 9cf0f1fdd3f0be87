// Every output format, one reporter file each; all render from the report model.
//   console  console.cpp     csv   csv.cpp      md     markdown.cpp
//   html     html.cpp        gbench, bench-speedup    gbench.cpp
//   junit    junit.cpp       json  common/report_json.cpp (canonical)
#pragma once
#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "format_util.hpp"
#include "report.hpp"

namespace accel {

const std::vector<std::string>& known_formats();
// File name ending for a format written beside the JSON report: ".csv", ".gbench.json", ...
std::string format_extension(const std::string& format);
// Throws input_error for an unknown format.
void write_format(const std::string& format, const report& r, std::ostream& out);

void write_csv(const report& r, std::ostream& out);
// At most `max_characters`: past them, the recommendations are counted per
// rule, then the workloads' tables are left out from the last (the text says
// which), and as a last resort it is cut at a line's end.
void write_markdown(const report& r, std::ostream& out, size_t max_characters = kCommentCharacters);
void write_html(const report& r, std::ostream& out);
void write_gbench(const report& r, std::ostream& out);
void write_bench_speedup(const report& r, std::ostream& out);
void write_junit(const report& r, std::ostream& out);

// "a,b" -> RFC 4180 field ("\"a,b\""); plain text unchanged.
std::string csv_field(const std::string& s);
// & < > " ' escaped for XML and HTML.
std::string xml_escape(const std::string& s);

}  // namespace accel
