// Which images a recipe starts from. The final (run-time) image is an OS
// image; the builder is Spack's published image for that OS and Spack
// version, as `spack containerize` chooses it (Spack's images.json).
#pragma once

#include <optional>
#include <string>

namespace spackext::container {

struct BaseImages {
  std::string builder;           // "spack/ubuntu-jammy:v1.1.0"
  std::string final_image;       // "ubuntu:22.04"
  std::string package_manager;   // "apt", "dnf", "yum" or "" (unknown: no OS packages step)
};

// nullopt if the OS image is not one Spack publishes a builder for.
std::optional<std::string> spack_builder_for(const std::string& os_image);
std::string package_manager_for(const std::string& os_image);

}  // namespace spackext::container
