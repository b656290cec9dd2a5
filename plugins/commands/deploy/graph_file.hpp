// A DAG with durations given as JSON (the format of stack-516.json):
//   {"nodes": [{"name", "tier", "duration_min", "deps": [names]}]}
// Used by `deploy plan --graph FILE` for capacity planning without a deploy.yaml.
#pragma once

#include <filesystem>

#include "build_graph.hpp"

namespace spackext::deploy {

BuildGraph load_graph_file(const std::filesystem::path& file);

}  // namespace spackext::deploy
