// The boundary between the host and libspackext-bundles, the private library
// that implements `plugin pack|install|remove|verify|trust`.
//
// Why a separate library: reading tar.zst/tar.gz (libarchive) and OpenPGP
// (gpgme) pulls in libxml2, ICU, nettle, libassuan and more; linking them into
// the host would make every `--version` and `help` pay for relocating them.
// The host dlopens this library only for the bundle subcommands. It is built
// from the same tree with the same compiler, so C++ types may cross here (it
// is not a plugin and not part of the SDK).
#pragma once

#include <filesystem>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spackext/manifest.hpp"
#include "spackext/output.hpp"

namespace spackext::bundles {

// What the host's ELF reader and loader rules say about one plugin image.
struct PluginImageCheck {
  std::optional<Manifest> manifest;  // the embedded manifest, when readable
  std::string problem;               // why the host would refuse it ("" = loadable)
};

struct BundleEnvironment {
  // sizeof as the host saw it: a host and library from different builds
  // (a partial upgrade) are refused instead of misreading each other.
  std::size_t struct_size = sizeof(BundleEnvironment);
  std::filesystem::path user_plugins;  // install target of --user (the default)
  std::filesystem::path site_plugins;  // install target of --site
  std::filesystem::path user_keys;     // trusted publisher keys of this user
  std::filesystem::path site_keys;     // trusted publisher keys of the site
  std::filesystem::path cache_dir;     // ~/.cache/spack-ext: verified signatures
  std::string host_version;            // recorded in packed manifests
  // Reads the manifest of a plugin held in memory exactly as the catalog
  // reads files: no code of the plugin runs.
  std::function<PluginImageCheck(std::string_view image)> check_plugin_image;
  OutputOptions output;
  std::ostream* out = nullptr;  // command output (stdout)
  std::ostream* log = nullptr;  // progress and warnings (stderr)
};

// Runs `plugin <args...>` for args[0] in pack, install, remove, verify,
// trust. Returns the exit code; throws spackext::Error (with its exit code).
using RunBundleCommand = int(const BundleEnvironment& env, const std::vector<std::string>& args);

}  // namespace spackext::bundles

// The one symbol the host looks up (C linkage: an unmangled, stable name).
extern "C" __attribute__((visibility("default"))) int spackext_run_bundle_command(
    const spackext::bundles::BundleEnvironment* env, const std::vector<std::string>* args);
