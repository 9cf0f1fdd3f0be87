#include "input_file.hpp"

#include <filesystem>
#include <fstream>
#include <system_error>

namespace accel {

std::string read_input_file(const std::string& path, const std::string& what, size_t max_bytes) {
  const std::string head = what + "cannot read " + path + ": ";
  std::error_code ec;
  const auto st = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(st)) throw input_error(head + "no such file");
  if (std::filesystem::is_directory(st)) throw input_error(head + "is a directory");
  if (std::filesystem::is_regular_file(st)) {
    const auto size = std::filesystem::file_size(path, ec);
    if (!ec && size > max_bytes)
      throw input_error(head + "larger than " + std::to_string(max_bytes >> 20) + " MiB");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw input_error(head + "permission denied or unreadable");
  // In pieces, stopping past the limit: a pipe or a device (/dev/zero) has no
  // size to check first and may never end.
  std::string text;
  char piece[1 << 16];
  while (in.read(piece, sizeof piece) || in.gcount() > 0) {
    text.append(piece, size_t(in.gcount()));
    if (text.size() > max_bytes)
      throw input_error(head + "larger than " + std::to_string(max_bytes >> 20) + " MiB");
  }
  if (in.bad()) throw input_error(head + "read error");
  return text;
}

json parse_input_json(const std::string& text, const std::string& where) {
  try {
    return json::parse(text);
  } catch (const json::exception& e) {  // parse errors, and numbers too large for a double
    throw input_error(where + ": not valid JSON (" + e.what() + ")");
  }
}

}  // namespace accel
