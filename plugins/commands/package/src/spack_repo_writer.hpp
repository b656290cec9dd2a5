// `package env-create --repo DIR`: a Spack 1.x package repository (package
// API v2.0) for the family, laid out as Spack expects it:
// DIR/spack_repo/<namespace>/repo.yaml and packages/<folder>/package.py,
// one BundlePackage per definition with its version, the variants its
// profiles use and a depends_on() per dependency. The repository is built
// beside its final place and swapped in, so a reader never sees half of it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "package_definition.hpp"

namespace spackext::package {

// "neuroscience" -> "neuroscience"; "neuro-tools" -> "neuro_tools" (a repo
// namespace is a Python module name).
std::string repo_namespace_for(const std::string& family);
// "my-neuroscience-tool" -> "MyNeuroscienceTool" (Spack's class naming).
std::string package_class_name(const std::string& name);
std::string package_py(const PackageDefinition& d);

// Writes the repository; returns the folder Spack's repos: must name.
std::filesystem::path write_spack_repo(const std::filesystem::path& dir, const std::string& ns,
                                       const std::vector<PackageDefinition>& family);

}  // namespace spackext::package
