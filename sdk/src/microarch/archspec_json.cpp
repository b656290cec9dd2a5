// Loads archspec's microarchitectures.json (as shipped inside Spack) into the
// database model, so a newer Spack brings its newer CPUs with it.
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "spackext/errors.hpp"
#include "spackext/json_input.hpp"
#include "spackext/microarch/database.hpp"

namespace spackext::microarch {

namespace {

std::string string_field(const nlohmann::ordered_json& obj, const char* key, const std::string& where) {
  auto it = obj.find(key);
  if (it == obj.end()) return {};
  if (!it->is_string()) throw InputError(where, std::string("'") + key + "' must be a string");
  return it->get<std::string>();
}

}  // namespace

Database Database::load_archspec_json(const std::filesystem::path& file) {
  const std::string origin = file.string();
  // ordered_json keeps the file's key order: archspec breaks detection ties
  // by it.
  const auto doc = read_ordered_json_file(file, "an archspec microarchitectures.json");
  if (!doc.is_object() || !doc.contains("microarchitectures") || !doc["microarchitectures"].is_object())
    throw InputError(origin, "expected an archspec database with a 'microarchitectures' object");

  Database db;
  for (const auto& [name, entry] : doc["microarchitectures"].items()) {
    const std::string where = origin + ": microarchitectures." + name;
    if (!entry.is_object()) throw InputError(where, "expected an object");
    Microarchitecture t;
    t.name = name;
    t.origin = where;
    const auto& e = entry;
    if (e.contains("from")) {
      if (!e["from"].is_array()) throw InputError(where, "'from' must be a list of names");
      for (const auto& p : e["from"]) {
        if (!p.is_string()) throw InputError(where, "'from' must be a list of names");
        t.parents.push_back(p.get<std::string>());
      }
    }
    t.vendor = string_field(e, "vendor", where);
    if (t.vendor.empty()) throw InputError(where, "'vendor' is required");
    if (e.contains("features")) {
      if (!e["features"].is_array()) throw InputError(where, "'features' must be a list");
      for (const auto& f : e["features"]) {
        if (!f.is_string()) throw InputError(where, "'features' must be a list of names");
        t.features.insert(f.get<std::string>());
      }
    }
    if (e.contains("generation")) {
      if (!e["generation"].is_number_integer()) throw InputError(where, "'generation' must be an integer");
      t.generation = e["generation"].get<int>();
    }
    t.cpupart = string_field(e, "cpupart", where);
    // Compilers keep their rule order; the compiler keys themselves need none.
    if (entry.contains("compilers")) {
      if (!entry["compilers"].is_object()) throw InputError(where, "'compilers' must map compiler names to rules");
      for (const auto& [compiler, rules] : entry["compilers"].items()) {
        auto& out = t.compilers[compiler];
        if (!rules.is_array()) throw InputError(where, "compilers." + compiler + " must be a list");
        for (const auto& r : rules) {
          if (!r.is_object()) throw InputError(where, "compilers." + compiler + " entries must be objects");
          const auto& rj = r;
          CompilerRule rule;
          rule.versions = string_field(rj, "versions", where);
          rule.name = string_field(rj, "name", where);
          rule.flags = string_field(rj, "flags", where);
          rule.warning = string_field(rj, "warnings", where);
          rule.family = string_field(rj, "family", where);
          out.push_back(std::move(rule));
        }
      }
    }
    db.add(std::move(t));
  }
  if (auto conv = doc.find("conversions"); conv != doc.end() && conv->is_object()) {
    if (auto vendors = conv->find("arm_vendors"); vendors != conv->end() && vendors->is_object())
      for (const auto& [code, vendor] : vendors->items())
        if (vendor.is_string()) db.set_arm_vendor(code, vendor.get<std::string>());
  }
  db.set_source(origin);
  db.link();
  return db;
}

}  // namespace spackext::microarch
