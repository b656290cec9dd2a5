#include "base_images.hpp"

#include <map>

namespace spackext::container {

std::optional<std::string> spack_builder_for(const std::string& os_image) {
  // Spack's lib/spack/spack/container/images.json, "build" images.
  static const std::map<std::string, std::string> builders = {
      {"ubuntu:20.04", "spack/ubuntu-focal"},   {"ubuntu:22.04", "spack/ubuntu-jammy"},
      {"ubuntu:24.04", "spack/ubuntu-noble"},   {"rockylinux:8", "spack/rockylinux8"},
      {"rockylinux:9", "spack/rockylinux9"},    {"almalinux:8", "spack/almalinux8"},
      {"almalinux:9", "spack/almalinux9"},      {"fedora:39", "spack/fedora39"},
      {"fedora:40", "spack/fedora40"},          {"amazonlinux:2", "spack/amazon-linux"},
  };
  auto it = builders.find(os_image);
  if (it == builders.end()) return std::nullopt;
  return it->second;
}

std::string package_manager_for(const std::string& os_image) {
  auto starts = [&](const char* p) { return os_image.rfind(p, 0) == 0; };
  if (starts("ubuntu:") || starts("debian:")) return "apt";
  if (starts("rockylinux:") || starts("almalinux:") || starts("fedora:")) return "dnf";
  if (starts("amazonlinux:")) return "yum";
  return "";
}

}  // namespace spackext::container
