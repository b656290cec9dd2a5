#include "site_settings.hpp"

#include <spackext/errors.hpp>
#include <spackext/yaml_alias_guard.hpp>

namespace spackext::container {

namespace fs = std::filesystem;

namespace {

YAML::Node load_yaml(const fs::path& file) {
  try {
    auto doc = YAML::LoadFile(file.string());
    check_yaml_aliases(doc, file.string());
    return doc;
  } catch (const YAML::BadFile&) {
    throw InputError(file.string(), "cannot read the file");
  } catch (const YAML::Exception& e) {
    throw InputError(file.string() + ":" + std::to_string(e.mark.line + 1), e.msg);
  }
}

std::string string_at(const Config& config, const std::string& key, const std::string& fallback) {
  const auto& v = config.at(key);
  if (v.is_null()) return fallback;
  if (!v.is_string()) throw InputError(key, "expected a string, got " + v.dump());
  return v.get<std::string>();
}

}  // namespace

std::optional<std::string> mirror_url(const fs::path& mirrors_file, const std::string& name) {
  std::error_code ec;
  if (!fs::exists(mirrors_file, ec)) return std::nullopt;
  YAML::Node doc = load_yaml(mirrors_file);
  YAML::Node m = doc["mirrors"] ? doc["mirrors"][name] : YAML::Node();
  if (!m) return std::nullopt;
  if (m.IsScalar()) return m.as<std::string>();
  if (m.IsMap()) {
    if (m["url"] && m["url"].IsScalar()) return m["url"].as<std::string>();
    YAML::Node fetch = m["fetch"];
    if (fetch && fetch.IsScalar()) return fetch.as<std::string>();
    if (fetch && fetch.IsMap() && fetch["url"]) return fetch["url"].as<std::string>();
  }
  throw InputError(mirrors_file.string() + ":" + std::to_string(m.Mark().line + 1),
                   "mirror '" + name + "' has no url");
}

RecipeOptions recipe_options(const Config& config, const fs::path& mirrors_file, const SiteRequest& request,
                             const std::string& arch) {
  RecipeOptions o;
  o.format = request.format;
  o.images.final_image = request.base_image ? *request.base_image : string_at(config, "container.base_image", "ubuntu:22.04");
  const std::string spack_version = string_at(config, "container.spack_version", "v1.1.0");
  o.images.builder = string_at(config, "container.builder_image", "");
  if (o.images.builder.empty()) {
    auto builder = spack_builder_for(o.images.final_image);
    if (!builder)
      throw UsageError("no Spack builder image is known for '" + o.images.final_image +
                       "'; set container.builder_image in spack-ext's configuration");
    o.images.builder = *builder + ":" + spack_version;
  }
  o.images.package_manager = package_manager_for(o.images.final_image);
  o.target = string_at(config, "container.targets." + arch, arch == "arm64" ? "aarch64" : "x86_64_v3");
  const auto& pkgs = config.at("container.os_packages");
  if (pkgs.is_array())
    for (const auto& p : pkgs) o.os_packages.push_back(p.get<std::string>());
  else if (!pkgs.is_null())
    throw InputError("container.os_packages", "expected a list of package names");
  if (auto tmpl = string_at(config, "container.template", ""); !tmpl.empty()) o.site_template = load_yaml(tmpl);
  if (request.mirror) {
    const std::string& m = *request.mirror;
    if (m.find("://") != std::string::npos) {
      o.mirror = Mirror{"buildcache", m};
    } else if (auto url = mirror_url(mirrors_file, m)) {
      o.mirror = Mirror{m, *url};
    } else {
      throw UsageError("--mirror " + m + ": no such mirror in " + mirrors_file.string() +
                       " (add it with spack-ext buildcache add-mirror, or give a URL)");
    }
  }
  return o;
}

}  // namespace spackext::container
