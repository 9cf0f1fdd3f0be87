#include "reporters.hpp"

#include "console.hpp"

namespace accel {

const std::vector<std::string>& known_formats() {
  static const std::vector<std::string> f{"console", "json", "csv", "md", "html", "gbench", "bench-speedup", "junit"};
  return f;
}

std::string format_extension(const std::string& format) {
  if (format == "console") return ".txt";
  if (format == "json") return ".json";
  if (format == "gbench") return ".gbench.json";
  if (format == "bench-speedup") return ".speedup.json";
  if (format == "junit") return ".junit.xml";
  return "." + format;
}

void write_format(const std::string& format, const report& r, std::ostream& out) {
  if (format == "console") return write_console(r, out);
  if (format == "json") {
    out << to_json(r).dump(2) << "\n";
    return;
  }
  if (format == "csv") return write_csv(r, out);
  if (format == "md") return write_markdown(r, out);
  if (format == "html") return write_html(r, out);
  if (format == "gbench") return write_gbench(r, out);
  if (format == "bench-speedup") return write_bench_speedup(r, out);
  if (format == "junit") return write_junit(r, out);
  std::string known;
  for (const auto& f : known_formats()) known += (known.empty() ? "" : ", ") + f;
  throw input_error("--format: unknown format '" + format + "' (known: " + known + ")");
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string xml_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      case '\'': o += "&#39;"; break;
      default:
        // Control characters are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') o += ' ';
        else o += c;
    }
  }
  return o;
}

}  // namespace accel
