// Read access to spack-ext's merged configuration (YAML scopes, lowest first:
// /etc/spack-ext/, ~/.config/spack-ext/, ./spack-ext.yaml, --config FILE,
// SPACK_EXT_* environment variables), as one JSON tree.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext {

class Config {
 public:
  Config() = default;
  explicit Config(nlohmann::json tree, std::vector<std::string> sources = {})
      : tree_(std::move(tree)), sources_(std::move(sources)) {}

  const nlohmann::json& tree() const noexcept { return tree_; }
  // The value at a dotted path ("plugins.hello.greeting"), or nullptr json.
  const nlohmann::json& at(std::string_view dotted_path) const;
  // The value at a dotted path converted to T, or `fallback` when absent.
  template <class T>
  T value(std::string_view dotted_path, T fallback) const {
    const auto& v = at(dotted_path);
    return v.is_null() ? fallback : v.get<T>();
  }
  // The files (and "environment") the tree was merged from, lowest first.
  const std::vector<std::string>& sources() const noexcept { return sources_; }

 private:
  nlohmann::json tree_ = nlohmann::json::object();
  std::vector<std::string> sources_;
};

}  // namespace spackext
