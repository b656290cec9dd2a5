#include "spackext/spack/install_database.hpp"

#include "spackext/json_input.hpp"
#include "spackext/errors.hpp"

namespace spackext::spack {

namespace {

// A record's flag; a value that is not a boolean is a damaged record.
bool flag(const nlohmann::json& record, const char* key, bool absent, const std::string& where) {
  auto it = record.find(key);
  if (it == record.end()) return absent;
  if (!it->is_boolean()) throw InputError(where, std::string("'") + key + "' is not true or false");
  return it->get<bool>();
}

}  // namespace

SpecSet parse_install_database(const nlohmann::json& db, const std::string& where) {
  auto database = db.is_object() ? db.find("database") : db.end();
  if (!db.is_object() || database == db.end() || !database->is_object())
    throw InputError(where, "not a Spack database (expected a top-level 'database' object)");
  auto installs = database->find("installs");
  if (installs == database->end() || !installs->is_object())
    throw InputError(where, "Spack database has no 'installs' map");
  SpecSet set;
  for (const auto& [hash, record] : installs->items()) {
    const std::string at = where + ": database.installs." + hash;
    if (!record.is_object() || !record.contains("spec"))
      throw InputError(at, "record has no 'spec'");
    ConcreteSpec spec = parse_spec_node(record["spec"], at);
    spec.hash = hash;
    if (auto path = record.find("path"); path != record.end() && path->is_string())
      spec.prefix = path->get<std::string>();
    bool is_index = record.contains("in_buildcache");
    spec.present = is_index ? flag(record, "in_buildcache", false, at) : flag(record, "installed", true, at);
    bool root = is_index ? spec.present : (spec.present && flag(record, "explicit", false, at));
    if (root) set.add_root(hash);
    set.add(std::move(spec));
  }
  set.resolve_compiler_versions();
  return set;
}

SpecSet read_install_database(const std::filesystem::path& index_json) {
  return parse_install_database(read_json_file(index_json, "a Spack database index.json"),
                                index_json.string());
}

std::filesystem::path install_database_path(const std::filesystem::path& install_root) {
  return install_root / ".spack-db" / "index.json";
}

}  // namespace spackext::spack
