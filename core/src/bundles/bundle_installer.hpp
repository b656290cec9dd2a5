// Installs a verified bundle as one folder of a plugin root, and removes it.
//
// Files are written into a hidden temporary folder beside the target (0700
// while it fills, so nobody can add to it; hidden, so a scanning host never
// looks inside), then the folder is renamed into place in one step: a new
// bundle with RENAME_NOREPLACE, an upgrade with RENAME_EXCHANGE. A host that
// is running meanwhile sees either the old folder or the new one; files it
// already mapped stay valid after the old folder is deleted. Installs and
// removals in one root are serialised by a lock file.
#pragma once

#include <filesystem>
#include <string>

#include "bundles/bundle_reader.hpp"

namespace spackext::bundles {

struct InstallOutcome {
  std::filesystem::path folder;
  bool replaced = false;  // an earlier install of the same bundle was replaced
};

InstallOutcome install_bundle(const VerifiedBundle& bundle, const std::filesystem::path& plugin_root);

// Throws InputError if `name` is not a bundle installed in `plugin_root`.
std::filesystem::path remove_bundle(const std::string& name, const std::filesystem::path& plugin_root);

// The bundle folders (those holding MANIFEST.json) of a plugin root, sorted.
std::vector<std::filesystem::path> installed_bundles(const std::filesystem::path& plugin_root);

}  // namespace spackext::bundles
