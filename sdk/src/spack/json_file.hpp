// Private to the SDK's Spack readers: reads a JSON file, turning a missing
// file or a syntax error into an InputError that names the file.
#pragma once

#include <filesystem>

#include <nlohmann/json.hpp>

namespace spackext::spack::detail {

nlohmann::json read_json_file(const std::filesystem::path& path, const char* what);

}  // namespace spackext::spack::detail
