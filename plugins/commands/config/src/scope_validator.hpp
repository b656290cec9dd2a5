// Validates a Spack configuration scope (packages.yaml, compilers.yaml,
// mirrors.yaml, modules.yaml, config.yaml, concretizer.yaml) against the JSON
// schemas in ../schemas, which follow Spack 1.1's rules. Errors carry the
// file and line of the offending node, like Spack's own messages.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "yaml_document.hpp"

namespace spackext::config {

struct ValidationIssue {
  std::string file;
  int line = 0;
  std::string key;      // dotted path of the offending node ("packages.openmpi.buildable")
  std::string message;  // what is wrong
  std::string to_string() const;  // "file:line: key: message" ("file:line: message" without a key)
};

class ScopeValidator {
 public:
  ScopeValidator();
  ~ScopeValidator();
  ScopeValidator(const ScopeValidator&) = delete;
  ScopeValidator& operator=(const ScopeValidator&) = delete;

  // The configuration sections this validator knows, in file-name order.
  static const std::vector<std::string>& sections();

  // Every problem in one document, ordered by line. A YAML syntax error is
  // reported as one issue. Top-level keys must be known sections.
  std::vector<ValidationIssue> validate(const YamlDocument& doc) const;
  std::vector<ValidationIssue> validate_text(const std::string& text, const std::string& name) const;
  std::vector<ValidationIssue> validate_file(const std::filesystem::path& file) const;
  // Every <section>.yaml in `dir`; an InputError if `dir` is not a directory.
  std::vector<ValidationIssue> validate_scope(const std::filesystem::path& dir) const;

 private:
  struct Compiled;
  std::map<std::string, std::unique_ptr<Compiled>> schemas_;
};

}  // namespace spackext::config
