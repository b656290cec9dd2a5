#include "build_state.hpp"

#include <unistd.h>

#include <fstream>

#include <nlohmann/json.hpp>
#include <spackext/errors.hpp>
#include <spackext/json_input.hpp>

namespace spackext::container {

namespace fs = std::filesystem;

namespace {

nlohmann::json read_json(const fs::path& file) {
  std::ifstream in(file);
  if (!in) return nlohmann::json::object();
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception&) {
    return nlohmann::json::object();  // a damaged record only means "everything changed"
  }
}

std::string key_of(const fs::path& defs_dir) {
  std::error_code ec;
  auto real = fs::canonical(defs_dir, ec);
  return (ec ? fs::absolute(defs_dir) : real).string();
}

}  // namespace

BuildHashes BuildState::last(const fs::path& defs_dir) const {
  BuildHashes out;
  auto j = read_json(file_);
  auto it = j.find(key_of(defs_dir));
  if (it != j.end() && it->is_object())
    for (const auto& [k, v] : it->items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

void BuildState::record(const fs::path& defs_dir, const BuildHashes& hashes) const {
  auto j = read_json(file_);
  j[key_of(defs_dir)] = hashes;
  fs::create_directories(file_.parent_path());
  const fs::path temp = file_.string() + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out) throw Error("cannot write " + temp.string());
  }
  fs::rename(temp, file_);
}

BuildHashes hashes_from_manifest(const fs::path& manifest) {
  const auto j = read_json_file(manifest, "a containers.json from build-defs");
  if (!j.contains("containers") || !j["containers"].is_array())
    throw InputError(manifest.string(), "no 'containers' list (expected a containers.json from build-defs)");
  BuildHashes out;
  for (const auto& c : j["containers"]) {
    auto text = [&](const char* key) {
      if (!c.is_object() || !c.contains(key) || !c[key].is_string())
        throw InputError(manifest.string(), "every entry of 'containers' needs a string '" + std::string(key) +
                                                "' (expected a containers.json from build-defs)");
      return c[key].get<std::string>();
    };
    out[text("arch") + "/" + text("name")] = text("hash");
  }
  return out;
}

}  // namespace spackext::container
