#include "json_file.hpp"

#include <fstream>
#include <sstream>

#include "spackext/errors.hpp"

namespace spackext::spack::detail {

nlohmann::json read_json_file(const std::filesystem::path& path, const char* what) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw InputError(path.string(), std::string("no such file (expected ") + what + ")");
  if (std::filesystem::is_directory(path, ec))
    throw InputError(path.string(), std::string("is a directory (expected ") + what + ")");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), "cannot be read");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann reports a byte offset; turn it into a line for the user.
    std::ifstream again(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
    std::size_t line = 1;
    for (std::size_t i = 0; i < std::min<std::size_t>(e.byte, text.size()); ++i)
      if (text[i] == '\n') ++line;
    throw InputError(path.string() + ":" + std::to_string(line),
                     std::string("not valid JSON (expected ") + what + ")");
  } catch (const nlohmann::json::out_of_range& e) {  // a number beyond a double's range: 1e9999
    throw InputError(path.string(), std::string("a number out of range (expected ") + what + "): " + e.what());
  }
}

}  // namespace spackext::spack::detail
