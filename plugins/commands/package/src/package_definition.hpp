// A package definition: the YAML a site writes to describe one package of a
// family (name, version, description, dependencies as Spack spec strings,
// build profiles, compatibility ranges), read and checked in three passes —
// YAML syntax, the JSON schema in ../schemas, then the spec strings and
// ranges with Spack's grammar — so every problem names file:line and key.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compatibility_range.hpp"
#include "spackext/spack/spec_syntax.hpp"

namespace spackext::package {

namespace fs = std::filesystem;

// One problem in one file. The column is 0 when only the line is known.
struct DefinitionIssue {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key;  // "dependencies[0]", "profiles.optimized.variants"
  std::string message;
  std::string to_string() const;  // "file:line[:column]: key: message"
};

// The three passes, in order; validation stops after the first pass that
// finds anything, listing every problem of that pass.
enum class IssueClass { Syntax, Schema, Content };
const char* issue_class_name(IssueClass c);

struct CompilerFlags {
  std::map<std::string, std::string> flags;  // cflags -> "-O3"
};

struct Profile {
  std::string name;
  int line = 0;
  std::string description;
  std::string variants;                     // as written ("+optimization +avx512")
  spack::SpecNode variant_spec;             // parsed: anonymous, variants only
  std::map<std::string, std::string> flags; // cflags, cxxflags, ... for every compiler
  std::map<std::string, CompilerFlags> compilers;  // per compiler name
};

struct Dependency {
  std::string text;      // the spec string the user meant ("python@3.11:")
  spack::SpecNode spec;
  int line = 0;
};

struct Compatibility {
  std::string name;       // as written ("numpy")
  std::string text;       // ">=1.20"
  VersionRange range;
  int line = 0;
};

struct PackageDefinition {
  std::string file;  // where it was read from (for messages)
  std::string name, family, version, description, homepage;
  std::vector<Dependency> dependencies;
  std::vector<Profile> profiles;  // in file order
  std::vector<Compatibility> compatibility;
  int line_of_name = 1;

  const Profile* profile(const std::string& name) const;
  nlohmann::json to_json() const;  // the definition as written, for the catalog and --json
};

struct LoadResult {
  std::vector<PackageDefinition> definitions;
  std::vector<DefinitionIssue> issues;
  IssueClass issue_class = IssueClass::Syntax;
  bool ok() const { return issues.empty(); }
};

// Reads and checks every file; `issues` hold the first class of problems
// found across all of them. A missing file is an issue of the syntax class.
LoadResult load_definitions(const std::vector<fs::path>& files);
// The definition from its YAML text (used for catalog round trips and tests).
LoadResult load_definition_text(const std::string& text, const std::string& name);
// Rebuilds a definition from to_json() (catalog rows); throws on bad data.
PackageDefinition definition_from_json(const nlohmann::json& j, const std::string& origin);

}  // namespace spackext::package
