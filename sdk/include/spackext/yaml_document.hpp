// A YAML file read into JSON, keeping the line of every node so validation
// errors can name file:line (the way Spack does) for any file a user writes.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "spackext/errors.hpp"

namespace spackext {

// A YAML syntax error: an InputError that also keeps its parts.
class YamlSyntaxError : public InputError {
 public:
  YamlSyntaxError(std::string file, int line, std::string problem)
      : InputError(file + ":" + std::to_string(line), problem),
        file_(std::move(file)), line_(line), problem_(std::move(problem)) {}
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& problem() const { return problem_; }

 private:
  std::string file_;
  int line_;
  std::string problem_;
};

struct YamlDocument {
  std::string name;     // what error messages call the file
  nlohmann::json root;  // null for an empty file
  // 1-based line of each node, keyed by JSON pointer ("" is the root).
  std::map<std::string, int> lines;
  // 1-based line of the key that names each mapping member.
  std::map<std::string, int> key_lines;
  // 1-based column of each node (of the key, for a one-key mapping written
  // as a list item such as `- python@3.11:`), so a spec string's syntax
  // error can point at its column in the file.
  std::map<std::string, int> columns;
  // The text of plain scalars that resolved to something other than a string
  // (`version: 2.10` is the number 2.1, but its text is "2.10").
  std::map<std::string, std::string> plain_text;
  // Mapping members whose key is empty or null (`:` alone, `~:`, `null:`),
  // by JSON pointer; in `root` such a key reads as "null" or "".
  std::vector<std::string> null_keys;

  // The line of the node at `pointer`, or of its nearest ancestor that has one.
  int line_of(const std::string& pointer) const;
};

// Parses `text`; a syntax error is a YamlSyntaxError
// "<name>:<line>: error parsing YAML: <problem> (column <c>)".
// Plain scalars follow the YAML 1.2 core schema (null, bool, int, float);
// quoted scalars are always strings.
YamlDocument parse_yaml(const std::string& text, const std::string& name);
// A mapping key as a JSON pointer token ("a/b" -> "a~1b"), for `lines` keys.
std::string json_pointer_token(const std::string& key);
YamlDocument load_yaml_file(const std::filesystem::path& file);

}  // namespace spackext
