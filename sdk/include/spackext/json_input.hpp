// JSON that a user or another tool wrote (lock files, build graphs, bundle
// manifests, archspec databases): every way it can be wrong is an
// InputError naming the file, and the line where the text stops being JSON,
// never a parser exception escaping to the caller. nlohmann reports a
// number beyond a double's range (1e9999) as out_of_range, not parse_error,
// and a byte offset rather than a line: both are handled here once.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace spackext {

// Reads `path` as JSON. `expected` says what the file should be ("a Spack
// lockfile"); it ends every message. A missing file, a folder, unreadable
// or malformed text are InputErrors naming the path (and line).
nlohmann::json read_json_file(const std::filesystem::path& path, std::string_view expected);

// The same, keeping the file's key order (archspec breaks ties by it).
nlohmann::ordered_json read_ordered_json_file(const std::filesystem::path& path, std::string_view expected);

// Parses `text` read from `source` (a file name, or an archive member).
nlohmann::json parse_json_input(std::string_view text, const std::string& source, std::string_view expected);

}  // namespace spackext
