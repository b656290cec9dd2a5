#include "spackext/json_input.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include "spackext/errors.hpp"

namespace spackext {

namespace {

std::string read_text(const std::filesystem::path& path, std::string_view expected) {
  std::error_code ec;
  const auto what = " (expected " + std::string(expected) + ")";
  if (!std::filesystem::exists(path, ec)) throw InputError(path.string(), "no such file" + what);
  if (std::filesystem::is_directory(path, ec)) throw InputError(path.string(), "is a directory" + what);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "cannot be read" + what);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class Json>
Json parse(std::string_view text, const std::string& source, std::string_view expected) {
  const auto what = " (expected " + std::string(expected) + ")";
  try {
    return Json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann gives the byte after the last one read: the line that holds it.
    const auto upto = std::min<std::size_t>(e.byte > 0 ? e.byte - 1 : 0, text.size());
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(upto), '\n');
    throw InputError(source + ":" + std::to_string(line), "not valid JSON" + what);
  } catch (const nlohmann::json::out_of_range& e) {  // a number beyond a double's range: 1e9999
    throw InputError(source, "a number out of range" + what + ": " + e.what());
  }
}

}  // namespace

nlohmann::json read_json_file(const std::filesystem::path& path, std::string_view expected) {
  return parse<nlohmann::json>(read_text(path, expected), path.string(), expected);
}

nlohmann::ordered_json read_ordered_json_file(const std::filesystem::path& path, std::string_view expected) {
  return parse<nlohmann::ordered_json>(read_text(path, expected), path.string(), expected);
}

nlohmann::json parse_json_input(std::string_view text, const std::string& source, std::string_view expected) {
  return parse<nlohmann::json>(text, source, expected);
}

}  // namespace spackext
