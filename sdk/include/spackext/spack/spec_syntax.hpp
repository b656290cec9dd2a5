// Spack's spec grammar (Spack 1.x `spack/spec_parser.py`): the strings users
// write in spack.yaml, package definitions and on the command line, such as
// `hdf5@1.14: +mpi ~fortran cflags="-O3" %gcc@12 ^openmpi@4.1 target=zen4`.
//
// The parser checks syntax only (no package knowledge): a name (optionally
// namespaced), one version list, boolean and key=value variants (propagated
// or not), `/hash`, and dependency edges (`^` transitive, `%` direct, `%%`
// propagated) with `[virtuals=... deptypes=... when=...]` attributes or the
// `c,cxx=gcc` virtual assignment. A malformed string is a SpecSyntaxError
// with the 1-based column of the offending text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "spackext/errors.hpp"

namespace spackext::spack {

// A syntax error in a spec string. `column` is 1-based within the string.
class SpecSyntaxError : public InputError {
 public:
  SpecSyntaxError(std::string problem, std::string text, int column);
  const std::string& problem() const { return problem_; }
  const std::string& text() const { return text_; }
  int column() const { return column_; }

 private:
  std::string problem_;
  std::string text_;
  int column_;
};

// One version constraint of a version list: an exact version ("1.2",
// "=1.2", "git.main=1.0") when `range` is false, else `low:high` with either
// side possibly empty (an open end). Spack ranges are inclusive, and an upper
// bound includes its own sub-versions (`:3.12` admits 3.12.4).
struct VersionConstraint {
  std::string low;
  std::string high;
  bool range = false;
  std::string to_string() const;
};

// `+name`, `~name`, `name=value` (`::=` when concrete), `++`/`~~`/`==` when
// propagated to dependencies. Compiler flags (cflags, ...) and architecture
// keys (target, os, platform, arch) are key=value variants here too, as in
// Spack's grammar; is_flag()/is_arch() tell them apart.
struct SpecVariant {
  std::string name;
  std::string value;       // "true"/"false" for boolean variants
  bool boolean = false;
  bool propagate = false;
  bool concrete = false;   // written `name:=value`
  bool is_flag() const;
  bool is_arch() const;
  std::string to_string() const;
};

struct SpecNode;

// An edge to a dependency. `direct` for `%` (Spack 1.x: a direct build
// dependency, usually a compiler), false for `^`.
struct SpecEdge {
  bool direct = false;
  bool propagate = false;  // `%%`
  std::vector<std::string> virtuals;
  std::vector<std::string> deptypes;
  std::string when;
  std::vector<SpecNode> node;  // exactly one; a vector because SpecNode is incomplete here
  const SpecNode& target() const { return node.front(); }
};

struct SpecNode {
  std::string namespace_;  // "builtin" in "builtin.zlib"
  std::string name;        // empty for an anonymous spec ("+mpi", "@1.2:")
  std::vector<VersionConstraint> versions;  // empty: any version
  std::vector<SpecVariant> variants;        // in the order written
  std::string hash;                         // "/abc..." without the slash
  std::vector<SpecEdge> dependencies;       // in the order written

  // The value of a key=value variant or flag, or nullptr.
  const SpecVariant* variant(std::string_view name) const;
  // "python@3.11:" written back in Spack's style (dependencies included).
  std::string to_string() const;
  std::string versions_string() const;  // "3.11:" or "" when unconstrained
};

// Every spec in `text` (Spack reads `a b ^c` as two specs). Empty text gives
// an empty list.
std::vector<SpecNode> parse_specs(std::string_view text);
// Exactly one spec; more or none is a SpecSyntaxError.
SpecNode parse_spec(std::string_view text);

// Parses a version list ("1.2:1.4,1.6", as after `@`).
std::vector<VersionConstraint> parse_version_list(std::string_view text);

// Spack's version ordering, for the common cases: components split at
// `.`, `-` and `_`; numeric components compare as numbers and rank above
// alphabetic ones; "develop"/"main"/"master" rank above every number.
int compare_versions(std::string_view a, std::string_view b);
// True if `version` equals `prefix` or starts with it followed by a separator
// (3.12.4 is within 3.12).
bool version_within(std::string_view version, std::string_view prefix);

}  // namespace spackext::spack
