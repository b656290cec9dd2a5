// The part of Spack's spec syntax modules.yaml uses to pick specs (rule keys,
// include/exclude, core_compilers): `name@version %compiler@version ^dep
// +variant ~variant key=value /hash`, matched against a concrete spec with
// Spack's `satisfies` meaning (a version `@12` matches 12, 12.2, 12.2.0).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <spackext/spack/spec_set.hpp>

namespace spackext::modules {

class SpecConstraint {
 public:
  // Throws InputError naming `where` when `text` is not a spec.
  static SpecConstraint parse(const std::string& text, const std::string& where);

  // `set` resolves ^dependencies and virtuals; may be null.
  bool matches(const spack::ConcreteSpec& spec, const spack::SpecSet* set) const;
  const std::string& text() const { return text_; }

 private:
  struct NameVersion {
    std::string name;
    std::string version;  // empty: any
  };
  std::string text_;
  std::optional<NameVersion> root_;
  std::optional<NameVersion> compiler_;
  std::vector<NameVersion> dependencies_;
  std::vector<std::pair<std::string, std::string>> variants_;  // name -> "true"/"false"/value
  std::string hash_;
};

// Spack's version satisfaction for a concrete version: `want` is a version,
// a prefix of dotted components, or a `lo:hi` range (either side optional).
bool version_satisfies(const std::string& have, const std::string& want);

}  // namespace spackext::modules
