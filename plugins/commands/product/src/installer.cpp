#include "installer.hpp"

#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include <spackext/atomic_file.hpp>
#include <spackext/errors.hpp>
#include <spackext/json_input.hpp>

#include "prefix_strings.hpp"
#include "safe_extract.hpp"
#include "staging_dir.hpp"

namespace spackext::product {

namespace fs = std::filesystem;

namespace {

bool empty_folder(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(fs::symlink_status(p, ec)) && fs::is_empty(p, ec);
}

std::string prefix_text(const fs::path& prefix) { return prefix.string(); }

void check_prefix(const ProductManifest& m, const std::string& prefix, const std::string& where) {
  if (prefix.find(kTextPlaceholder) != std::string::npos)
    throw InputError(prefix, "the prefix may not contain the product placeholder");
  if (prefix.size() > m.max_prefix_length()) {
    const auto& b = m.binary_strings.front();
    throw InputError(prefix, "too long for this product: " + std::to_string(prefix.size()) + " characters, at most " +
                                 std::to_string(m.max_prefix_length()) + " fit. Binaries (e.g. " + b.file +
                                 ") hold their prefix as a fixed-size string; relocation pads a shorter prefix with "
                                 "NUL bytes but cannot make the string longer without rewriting the program (" +
                                 where + ")");
  }
}

}  // namespace

nlohmann::json InstallResult::to_json() const {
  nlohmann::json specs = nlohmann::json::array();
  for (const auto& s : manifest.specs) specs.push_back({{"name", s.name}, {"hash", s.hash}, {"prefix", (prefix / s.path).string()}});
  return {{"prefix", prefix.string()}, {"specs", specs}, {"prefix_variable", manifest.prefix_variable}};
}

InstallResult install_product(const fs::path& tarball, const fs::path& prefix_in) {
  std::error_code ec;
  if (!fs::is_regular_file(tarball, ec)) throw InputError(tarball.string(), "no such file (expected a product tarball)");
  if (prefix_in.empty()) throw InputError("--prefix", "empty path");
  const fs::path prefix = fs::absolute(prefix_in).lexically_normal();
  const fs::path target = prefix.has_filename() ? prefix : prefix.parent_path();
  if (fs::exists(fs::symlink_status(target, ec)) && !empty_folder(target))
    throw InputError(target.string(), "already exists and is not an empty folder; choose a new prefix or remove it");
  fs::create_directories(target.parent_path());
  const fs::path parent = fs::canonical(target.parent_path());
  const fs::path final_prefix = parent / target.filename();

  StagingDir staging(parent, target.filename().string() + ".product-install");
  std::optional<ProductManifest> manifest;
  ExtractOptions options;
  // product.json leads the tarball: checked (and the prefix with it) before
  // a single software file is written.
  options.intercept = [&](const std::string& name, ::archive* a) {
    if (!manifest) {
      if (name != kManifestMember)
        throw InputError(tarball.string(), std::string("not a product tarball (its first member is not ") + kManifestMember + ")");
      const std::string where = tarball.string() + ": " + kManifestMember;
      manifest = ProductManifest::from_json(
          parse_json_input(read_member_data(a, where), where, "a product manifest"), where);
      check_prefix(*manifest, prefix_text(final_prefix), where);
      return false;
    }
    if (name == kManifestMember) throw InputError(tarball.string(), std::string("holds ") + kManifestMember + " twice");
    return true;
  };
  extract_below(tarball, staging.path(), options);
  if (!manifest) throw InputError(tarball.string(), "not a product tarball");
  for (const auto& s : manifest->specs)
    if (!fs::is_directory(staging.path() / s.path, ec))
      throw InputError(tarball.string(), "the manifest lists " + s.path + " but the tarball does not hold it");

  // Relocation: text placeholders -> the prefix; binary strings -> the
  // prefix, NUL-padded. Search paths are $ORIGIN-relative since pack.
  const std::string new_prefix = prefix_text(final_prefix);
  for (const auto& rel : manifest->text_files) {
    const fs::path file = staging.path() / rel;
    if (!fs::is_regular_file(fs::symlink_status(file, ec)))
      throw InputError(tarball.string(), "the manifest lists text file " + rel + " but the tarball does not hold it");
    replace_in_text_file(file, {{kTextPlaceholder, new_prefix}});
  }
  for (const auto& b : manifest->binary_strings) {
    const fs::path file = staging.path() / b.file;
    if (!fs::is_regular_file(fs::symlink_status(file, ec)))
      throw InputError(tarball.string(), "the manifest lists binary " + b.file + " but the tarball does not hold it");
    write_binary_prefix(file, b.offset, b.length, new_prefix + "/" + b.spec_path);
  }
  manifest->installed_prefix = new_prefix;
  write_work_file(staging.path() / kManifestMember, manifest->to_json().dump(2) + "\n");
  fs::permissions(staging.path(), fs::perms(0755), ec);
  sync_path(staging.path());

  // One step: rename(2) replaces an empty folder, never a non-empty one.
  if (::rename(staging.path().c_str(), final_prefix.c_str()) != 0) {
    if (errno == ENOTEMPTY || errno == EEXIST)
      throw InputError(final_prefix.string(), "was filled by someone else while installing; nothing was changed");
    throw Error("cannot move the install into " + final_prefix.string() + ": " + std::strerror(errno));
  }
  staging.release();
  sync_path(parent);
  return {*manifest, final_prefix};
}

}  // namespace spackext::product
