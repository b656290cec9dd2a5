// A set of concrete specs keyed by DAG hash, with the roots its source names
// (a lockfile's `roots`, a database's explicit installs). Dependencies refer
// to other members by hash.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "spackext/spack/concrete_spec.hpp"

namespace spackext::spack {

class SpecSet {
 public:
  // Adds or replaces the spec with the same hash.
  void add(ConcreteSpec spec);
  void add_root(const std::string& hash) { roots_.push_back(hash); }
  // v5 nodes name their compiler only by the hash of a dependency; once every
  // node is added, this copies each compiler's version from its node.
  void resolve_compiler_versions();

  const ConcreteSpec* find(const std::string& hash) const;
  // Throws spackext::Error naming the hash if absent.
  const ConcreteSpec& at(const std::string& hash) const;
  bool contains(const std::string& hash) const { return specs_.count(hash) != 0; }
  std::size_t size() const { return specs_.size(); }
  bool empty() const { return specs_.empty(); }

  const std::vector<std::string>& roots() const { return roots_; }
  // Every spec, in hash order (stable across runs).
  const std::map<std::string, ConcreteSpec>& all() const { return specs_; }

  // The direct dependencies of `spec` whose edge has any of `deptypes` (all
  // edges if empty), in edge order; edges to hashes not in the set are skipped.
  std::vector<const ConcreteSpec*> direct_dependencies(
      const ConcreteSpec& spec, const std::vector<std::string>& deptypes = {}) const;
  // The dependency that provides `virtual_name` to `spec`, searching the
  // edges of the whole link/run DAG below it (nullptr if none).
  const ConcreteSpec* provider(const ConcreteSpec& spec, const std::string& virtual_name) const;

 private:
  std::map<std::string, ConcreteSpec> specs_;
  std::vector<std::string> roots_;
};

}  // namespace spackext::spack
