// Package build profiles: per-package flags and variants that `optimize
// generate` writes next to the target preference, and `optimize recommend
// --package` adds to the target flags. spack-ext ships a small default set;
// --profiles FILE replaces it:
//
//   profiles:
//     fftw:   {cflags: "-O3"}
//     wrf:    {fflags: "-O3", variants: "+pnetcdf"}
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace spackext::optimize {

struct BuildProfile {
  std::string cflags, cxxflags, fflags;
  std::string variants;  // a spec fragment: "+openmp threads=openmp"
  // The Spack spec string for a requirement ("cflags=\"-O3\" +openmp").
  std::string spec() const;
  // The flags alone, for `recommend --package`.
  std::string flags() const;
};

using BuildProfiles = std::map<std::string, BuildProfile>;

// spack-ext's defaults.
const BuildProfiles& default_profiles();
// A profiles YAML file; errors name file, line and key (InputError).
BuildProfiles load_profiles(const std::filesystem::path& file);
// Same, from text (`origin` names it in errors).
BuildProfiles parse_profiles(const std::string& text, const std::string& origin);

}  // namespace spackext::optimize
