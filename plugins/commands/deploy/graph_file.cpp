#include "graph_file.hpp"

#include <fstream>

#include <nlohmann/json.hpp>

#include "spackext/errors.hpp"
#include "spackext/json_input.hpp"

namespace spackext::deploy {

BuildGraph load_graph_file(const std::filesystem::path& file) {
  const auto doc = read_json_file(file, "a build graph: {\"nodes\": [...]}");
  if (!doc.is_object() || !doc.contains("nodes") || !doc["nodes"].is_array())
    throw InputError(file.string(), "expected an object with a 'nodes' list");
  BuildGraph g;
  const auto& nodes = doc["nodes"];
  auto where = [&](std::size_t i) { return file.string() + ": nodes[" + std::to_string(i) + "]"; };
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = nodes[i];
    if (!n.is_object() || !n.contains("name") || !n["name"].is_string())
      throw InputError(where(i), "expected an object with a string 'name'");
    for (const auto& [key, value] : n.items())
      if (key != "name" && key != "tier" && key != "duration_min" && key != "deps")
        throw InputError(where(i), "unknown key '" + key + "' (expected name, tier, duration_min, deps)");
    BuildNode node;
    node.name = n["name"].get<std::string>();
    if (n.contains("tier")) {
      const auto& tier = n["tier"];
      if (!tier.is_number_integer() || tier.get<long long>() < 0 || tier.get<long long>() > 1000000)
        throw InputError(where(i), "expected 'tier' to be a non-negative integer, not " + tier.dump());
      node.tier = tier.get<int>();
    }
    if (!n.contains("duration_min") || !n["duration_min"].is_number() || n["duration_min"].get<double>() < 0)
      throw InputError(where(i), "expected 'duration_min' to be a non-negative number");
    node.duration = n["duration_min"].get<double>();
    node.group = g.group("tier " + std::to_string(node.tier));
    g.add_node(std::move(node));
  }
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!nodes[i].contains("deps")) continue;
    if (!nodes[i]["deps"].is_array()) throw InputError(where(i), "expected 'deps' to be a list of names");
    for (const auto& d : nodes[i]["deps"]) {
      auto dep = d.is_string() ? g.find(d.get<std::string>()) : std::nullopt;
      if (!dep) throw InputError(where(i), "unknown dependency " + d.dump());
      g.add_edge(*dep, static_cast<NodeId>(i));
    }
  }
  g.topological_order();  // rejects cycles, naming one
  return g;
}

}  // namespace spackext::deploy
