// Writes deploy.yaml files and Spack environments into a private temp folder.
#pragma once

#include <string>

#include "spackext_testing/testing.hpp"

namespace deploy_test {

namespace fs = std::filesystem;

// A folder with Spack environments envs/<name>/spack.yaml for the given names.
inline void make_envs(const fs::path& root, std::initializer_list<std::string> names) {
  for (const auto& n : names) {
    fs::create_directories(root / "envs" / n);
    spackext::testing::write_file(root / "envs" / n / "spack.yaml",
                                  "spack:\n  specs: [zlib]\n  view: false\n");
  }
}

}  // namespace deploy_test
