// A Spack 1.x lockfile (v6, specfile v5 nodes) for a toolchain stack:
// a system gcc (external, the core compiler), `compilers` built compilers,
// `mpis` MPI providers per compiler, and per compiler x MPI `packages`
// applications plus one MPI-free library per compiler. Used to walk and swap
// a deeper hierarchy than the fixture's, and by the benchmark.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace spackext::testing::modules {

struct StackShape {
  std::vector<std::pair<std::string, std::string>> compilers = {{"gcc", "13.2.0"}, {"llvm", "17.0.6"}};
  std::vector<std::pair<std::string, std::string>> mpis = {{"openmpi", "4.1.6"}, {"mpich", "4.2.0"}};
  int packages = 1;  // applications "app0".."appN-1" per compiler x MPI
};

nlohmann::json synthetic_lockfile(const StackShape& shape);

// Creates every non-external prefix below `install_root` (with bin/ and
// lib/pkgconfig/, as built software has) for the default install layout.
void create_prefixes(const nlohmann::json& lockfile, const std::filesystem::path& install_root);

}  // namespace spackext::testing::modules
