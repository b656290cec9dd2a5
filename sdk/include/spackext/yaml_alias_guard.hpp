// For code that walks a yaml-cpp node tree recursively (YAML -> JSON
// conversions). yaml-cpp resolves aliases into shared nodes, so a document
// can be a graph, not a tree:
//   - `a: &x [*x]` is a list that contains itself: a walk recurses until the
//     stack overflows (SIGSEGV, seen in `config validate` and `package
//     validate` before this guard);
//   - "billion laughs" (`b: &b [*a, *a, ...]` over a few levels) expands a
//     small file into billions of nodes: a walk runs out of memory.
// The guard names the node where either begins; callers turn that into their
// own input error with file:line. Code that reads a loaded document by its
// keys instead (and may write parts of it out again) checks the whole
// document once with check_yaml_aliases() or find_yaml_alias_problem().
//
// Header-only: include it only where yaml-cpp is already used (the SDK's
// public API does not depend on yaml-cpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "spackext/errors.hpp"

namespace spackext {

class YamlAliasGuard {
 public:
  // Many times the values of the largest spack.yaml a site writes, and few
  // enough that the slowest conversion (parse_yaml, which keeps every node's
  // line) gives up within two seconds.
  static constexpr std::size_t kMaxNodes = 1'000'000;

  // Call before converting `node`; on a problem, returns what it is (and
  // `node.Mark()` says where). After a map or list is converted, call
  // leave() once.
  std::optional<std::string> enter(const YAML::Node& node) {
    if (++visited_ > kMaxNodes)
      return "the document expands to more than " + std::to_string(kMaxNodes) +
             " values (aliases repeated within aliases?)";
    if (!node.IsMap() && !node.IsSequence()) return std::nullopt;
    for (const auto& o : open_)
      if (o.is(node)) return std::string("an alias refers to a mapping or list that contains it");
    open_.push_back(node);
    return std::nullopt;
  }
  void leave() { open_.pop_back(); }

 private:
  std::vector<YAML::Node> open_;  // the maps and lists being converted
  std::size_t visited_ = 0;
};

struct YamlAliasProblem {
  std::string what;
  int line = 0;  // 1-based
};

namespace detail {
inline bool find_yaml_alias_problem(const YAML::Node& node, YamlAliasGuard& guard, YamlAliasProblem& out) {
  if (auto problem = guard.enter(node)) {
    out = {*problem, node.Mark().line + 1};
    return true;
  }
  if (!node.IsMap() && !node.IsSequence()) return false;
  if (node.IsMap()) {
    for (const auto& kv : node)
      if (find_yaml_alias_problem(kv.second, guard, out)) return true;
  } else {
    for (const auto& item : node)
      if (find_yaml_alias_problem(item, guard, out)) return true;
  }
  guard.leave();
  return false;
}
}  // namespace detail

// Walks a loaded document; the first problem found, if any.
inline std::optional<YamlAliasProblem> find_yaml_alias_problem(const YAML::Node& root) {
  YamlAliasGuard guard;
  YamlAliasProblem problem;
  if (detail::find_yaml_alias_problem(root, guard, problem)) return problem;
  return std::nullopt;
}

// The same, as an InputError "NAME:LINE: ...".
inline void check_yaml_aliases(const YAML::Node& root, const std::string& name) {
  if (auto problem = find_yaml_alias_problem(root))
    throw InputError(name + ":" + std::to_string(problem->line), problem->what);
}

}  // namespace spackext
