#include "spackext/config.hpp"

namespace spackext {

const nlohmann::json& Config::at(std::string_view dotted_path) const {
  static const nlohmann::json null_value;
  const nlohmann::json* node = &tree_;
  while (!dotted_path.empty()) {
    auto dot = dotted_path.find('.');
    std::string key(dotted_path.substr(0, dot));
    if (!node->is_object()) return null_value;
    auto it = node->find(key);
    if (it == node->end()) return null_value;
    node = &*it;
    dotted_path = dot == std::string_view::npos ? std::string_view{} : dotted_path.substr(dot + 1);
  }
  return *node;
}

}  // namespace spackext
