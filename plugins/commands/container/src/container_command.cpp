#include "container_command.hpp"

#include <iomanip>
#include <map>
#include <ostream>

#include <nlohmann/json.hpp>
#include <spackext/errors.hpp>

#include "build_state.hpp"
#include "content_hash.hpp"
#include "definition.hpp"
#include "recipe_writer.hpp"
#include "site_settings.hpp"

namespace spackext::container {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> optional_value(const ParsedArgs& args, std::string_view name) {
  if (!args.given(name)) return std::nullopt;
  return args.get(name);
}

}  // namespace

int ContainerCommand::run(const CommandInvocation& inv) {
  const auto& sub = inv.parsed.subcommand();
  if (sub == "build-defs") return build_defs(inv);
  if (sub == "list") return list(inv);
  throw UsageError(inv.parsed.usage());
}

int ContainerCommand::build_defs(const CommandInvocation& inv) {
  const ParsedArgs& args = inv.parsed;
  const fs::path defs_dir = args.positional(0);
  const fs::path output = args.get("output");
  // Every definition is read and checked before anything is written.
  auto defs = load_definitions(defs_dir, optional_value(args, "arch"));
  SiteRequest request;
  request.format = args.get("format", "docker") == "singularity" ? RecipeFormat::singularity : RecipeFormat::docker;
  request.base_image = optional_value(args, "base-image");
  request.mirror = optional_value(args, "mirror");
  const fs::path mirrors_file = host_.paths().config_dir / "mirrors.yaml";
  std::map<std::string, RecipeOptions> per_arch;
  for (const auto& d : defs)
    if (!per_arch.count(d.arch)) per_arch.emplace(d.arch, recipe_options(host_.config(), mirrors_file, request, d.arch));
  auto written = write_recipes(defs, [&](const std::string& arch) -> const RecipeOptions& { return per_arch.at(arch); },
                               defs_dir, output);
  BuildHashes hashes;
  for (const auto& c : written.containers) hashes[c.def->arch + "/" + c.def->name] = c.hash;
  BuildState(host_.paths().state_dir / "container" / "last-build.json").record(defs_dir, hashes);
  if (inv.output.json) {
    inv.out << written.manifest_json.dump(2) << "\n";
  } else {
    for (const auto& c : written.containers)
      inv.out << (output / c.recipe).string() << "  (" << c.def->name << " " << c.def->tag() << ", " << c.def->arch
              << ")\n";
    inv.out << written.containers.size() << " container recipe(s); list in " << written.manifest.string() << "\n";
  }
  return kExitOk;
}

int ContainerCommand::list(const CommandInvocation& inv) {
  const ParsedArgs& args = inv.parsed;
  const fs::path defs_dir = args.positional(0);
  auto defs = load_definitions(defs_dir, optional_value(args, "arch"));
  const BuildHashes last = args.given("since")
                               ? hashes_from_manifest(args.get("since"))
                               : BuildState(host_.paths().state_dir / "container" / "last-build.json").last(defs_dir);
  const bool only_changed = args.has("changed");
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& d : defs) {
    const std::string hash = content_hash(d);
    auto it = last.find(d.arch + "/" + d.name);
    const bool changed = it == last.end() || it->second != hash;
    if (only_changed && !changed) continue;
    rows.push_back({{"name", d.name},
                    {"version", d.version.empty() ? nlohmann::json(nullptr) : nlohmann::json(d.version)},
                    {"tag", d.tag()},
                    {"arch", d.arch},
                    {"kind", to_string(d.kind)},
                    {"hash", hash},
                    {"changed", changed},
                    {"definition", fs::relative(d.file, defs_dir).string()}});
  }
  if (inv.output.json) {
    inv.out << rows.dump(2) << "\n";
    return kExitOk;
  }
  std::size_t w = 4;
  for (const auto& r : rows) w = std::max(w, r["name"].get<std::string>().size());
  inv.out << std::left << std::setw(static_cast<int>(w) + 2) << "NAME" << std::setw(14) << "VERSION" << std::setw(7)
          << "ARCH" << std::setw(7) << "KIND" << "CHANGED\n";
  for (const auto& r : rows)
    inv.out << std::left << std::setw(static_cast<int>(w) + 2) << r["name"].get<std::string>() << std::setw(14)
            << r["tag"].get<std::string>() << std::setw(7) << r["arch"].get<std::string>() << std::setw(7)
            << r["kind"].get<std::string>() << (r["changed"].get<bool>() ? "yes" : "no") << "\n";
  return kExitOk;
}

}  // namespace spackext::container
